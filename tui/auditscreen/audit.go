// Package auditscreen is the Audit screen: the workspace's hash-chained audit
// log, newest first, filtered by action and subject and read a page at a
// time; any entry in full; and the verdict of recomputing the chain.
package auditscreen

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// actions are the action filters the a key steps through.
var actions = []struct{ label, filter string }{
	{"all actions", ""},
	{"imports", query.ActionImport},
	{"segment changes", "segment."},
	{"policy changes", query.ActionPolicyChange},
	{"exports", query.ActionExport},
	{"PII reveals", query.ActionPIIReveal},
}

// Model is the Audit screen.
type Model struct {
	env  *common.Env
	keys KeyMap
	task.Jobs

	width, height int
	entryView     bool
	scroll        int // the entry's detail

	entries []query.AuditEntry // the page shown
	more    bool               // older entries follow the page
	page    int
	size    int // entries a page
	cursor  int // within the page
	loaded  bool
	err     error

	action  int // into actions
	subject string
	input   textinput.Model
	typing  bool

	verdict   *query.Verification
	checkedAt time.Time
	checkErr  error

	load, verify task.Slot
}

// New builds the Audit screen.
func New(env *common.Env) *Model {
	m := &Model{env: env, keys: DefaultKeyMap(), size: 1}
	m.Jobs = task.Jobs{&m.verify, &m.load}
	m.input = textinput.New()
	m.input.Prompt = ""
	m.input.Placeholder = "exact subject: a segment, a table, consent:TABLE"
	m.SetStyles(env.Styles)
	return m
}

type pageMsg struct {
	id      uint64
	page    int
	entries []query.AuditEntry
	more    bool
	err     error
}

type verifyMsg struct {
	id  uint64
	v   query.Verification
	err error
}

// SetSize gives the screen its area; a new page size reads the page again,
// from the entry at its top.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.input.SetWidth(max(w-40, 10))
	size := max(h-listTop-1, 1)
	if size == m.size {
		return nil
	}
	first := m.page * m.size
	m.size, m.page = size, first/size
	if !m.loaded {
		return nil
	}
	return m.reload()
}

// SetStyles switches theme.
func (m *Model) SetStyles(st *styles.Styles) {
	m.input.SetStyles(draw.InputStyles(st))
}

// Show reads the log again: the other screens add to it.
func (m *Model) Show() tea.Cmd { return m.reload() }

// Help returns the keys that apply now.
func (m *Model) Help() help.KeyMap {
	switch {
	case m.typing:
		return typingHelp(m.keys)
	case m.entryView:
		return entryHelp(m.keys)
	}
	return m.keys
}

// CapturesText is true while the subject filter is typed.
func (m *Model) CapturesText() bool { return m.typing }

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	cmds := []common.Command{
		{Title: "Verify the audit log's hash chain", Key: m.keys.Verify, Run: m.startVerify},
		{Title: "Filter the audit log by action", Key: m.keys.Action, Run: func() tea.Cmd { return m.stepAction(1) }},
		{Title: "Filter the audit log by subject", Key: m.keys.Subject, Run: m.startTyping},
	}
	if m.action != 0 || m.subject != "" {
		cmds = append(cmds, common.Command{Title: "Show every audit entry", Key: m.keys.Back, Run: m.clearFilters})
	}
	return cmds
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pageMsg:
		m.onPage(msg)
	case verifyMsg:
		if m.verify.Finish(msg.id) {
			v := msg.v
			m.verdict, m.checkErr, m.checkedAt = &v, msg.err, m.env.Now()
			if msg.err != nil {
				m.verdict = nil
			}
		}
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.PasteMsg:
		if m.typing {
			m.input, _ = m.input.Update(msg)
		}
	case tea.MouseClickMsg:
		if y := msg.Mouse().Y - listTop; !m.entryView && y >= 0 && y < len(m.entries) {
			m.cursor = y
		}
	case tea.MouseWheelMsg:
		if msg.Mouse().Button == tea.MouseWheelUp {
			return m.move(-1)
		}
		return m.move(1)
	}
	return nil
}

// reload reads the page shown, with the filters.
func (m *Model) reload() tea.Cmd {
	ctx, id := m.env.Start(&m.load, "reading the audit log")
	ws, page, size := m.env.WS, m.page, m.size
	f := query.AuditFilter{Action: actions[m.action].filter, Subject: m.subject}
	return func() tea.Msg {
		// AuditLog reads from the newest entry; one more than the page tells
		// whether older entries follow.
		f.Limit = (page+1)*size + 1
		all, err := ws.AuditLog(ctx, f)
		if err != nil {
			return pageMsg{id: id, page: page, err: err}
		}
		from := min(page*size, len(all))
		to := min(from+size, len(all))
		return pageMsg{id: id, page: page, entries: all[from:to], more: len(all) > to}
	}
}

func (m *Model) onPage(msg pageMsg) {
	if !m.load.Finish(msg.id) {
		return
	}
	m.err = msg.err
	if msg.err != nil {
		return
	}
	if len(msg.entries) == 0 && msg.page > 0 {
		// The log shrank under the filter: the page is past its end.
		m.page = 0
	}
	m.entries, m.more, m.page, m.loaded = msg.entries, msg.more, msg.page, true
	m.cursor = max(min(m.cursor, len(m.entries)-1), 0)
}

func (m *Model) startVerify() tea.Cmd {
	ctx, id := m.env.Start(&m.verify, "verifying the audit log's hash chain")
	ws := m.env.WS
	return func() tea.Msg {
		v, err := ws.VerifyAudit(ctx)
		return verifyMsg{id: id, v: v, err: err}
	}
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.typing {
		return m.typingKey(msg)
	}
	switch {
	case key.Matches(msg, k.Verify):
		return m.startVerify()
	case key.Matches(msg, k.Reload):
		return m.reload()
	case m.entryView:
		return m.entryKey(msg)
	case key.Matches(msg, k.Open):
		if len(m.entries) > 0 {
			m.entryView, m.scroll = true, 0
		}
	case key.Matches(msg, k.Back):
		return m.clearFilters()
	case key.Matches(msg, k.Action):
		return m.stepAction(1)
	case key.Matches(msg, k.Subject):
		return m.startTyping()
	case key.Matches(msg, k.This):
		return m.filterThis()
	case key.Matches(msg, k.Up):
		return m.move(-1)
	case key.Matches(msg, k.Down):
		return m.move(1)
	case key.Matches(msg, k.First):
		m.cursor = 0
	case key.Matches(msg, k.Last):
		m.cursor = max(len(m.entries)-1, 0)
	case key.Matches(msg, k.Older):
		return m.turn(1)
	case key.Matches(msg, k.Newer):
		return m.turn(-1)
	}
	return nil
}

// move steps the cursor, turning the page at either end.
func (m *Model) move(delta int) tea.Cmd {
	c := m.cursor + delta
	switch {
	case c < 0 && m.page > 0:
		m.cursor = m.size - 1
		return m.turn(-1)
	case c >= len(m.entries) && m.more:
		m.cursor = 0
		return m.turn(1)
	}
	m.cursor = max(min(c, len(m.entries)-1), 0)
	return nil
}

// turn goes to an older (1) or newer (-1) page.
func (m *Model) turn(delta int) tea.Cmd {
	if (delta > 0 && !m.more) || (delta < 0 && m.page == 0) {
		return nil
	}
	m.page += delta
	return m.reload()
}

// refilter reads the log from its newest entry after a filter changed.
func (m *Model) refilter() tea.Cmd {
	m.page, m.cursor = 0, 0
	return m.reload()
}

func (m *Model) stepAction(delta int) tea.Cmd {
	m.action = (m.action + delta + len(actions)) % len(actions)
	return m.refilter()
}

func (m *Model) clearFilters() tea.Cmd {
	if m.action == 0 && m.subject == "" {
		return nil
	}
	m.action, m.subject = 0, ""
	return m.refilter()
}

// filterThis shows only the current entry's subject, or everything again.
func (m *Model) filterThis() tea.Cmd {
	if m.subject != "" {
		m.subject = ""
		return m.refilter()
	}
	if len(m.entries) == 0 {
		return nil
	}
	m.subject = m.entries[m.cursor].Subject
	return m.refilter()
}

func (m *Model) startTyping() tea.Cmd {
	m.typing = true
	m.input.SetValue(m.subject)
	m.input.CursorEnd()
	return m.input.Focus()
}

func (m *Model) typingKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Apply):
		m.typing = false
		m.input.Blur()
		m.subject = m.input.Value()
		return m.refilter()
	case key.Matches(msg, m.keys.Back):
		m.typing = false
		m.input.Blur()
		return nil
	}
	m.input, _ = m.input.Update(msg)
	return nil
}
