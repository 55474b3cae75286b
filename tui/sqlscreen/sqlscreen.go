// Package sqlscreen is the SQL screen: read-only DuckDB SQL over the
// workspace, with results in the same grid as the Data screen.
package sqlscreen

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/grid"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// rowLimit is the display cap. The query itself stops after this many rows
// (the limit goes inside the statement), so a query over a huge table never
// holds more than this in memory; Esc cancels it and frees what it used.
const rowLimit = 10_000

// Model is the SQL screen.
type Model struct {
	env  *common.Env
	keys KeyMap
	task.Jobs

	width, height int
	editorH       int
	// top is the title and the editor, results the grid's area (right of a
	// one-cell margin) under the status line: clicks are placed by them.
	top, results draw.Rect

	editor  textarea.Model
	editing bool

	grid    grid.Model
	result  *query.Result
	ran     string
	took    time.Duration
	err     error
	history []string
	histPos int // the entry in the editor; len(history) for a new query

	// starter is the query about the Data screen's table put in the editor
	// for the analyst; while the editor holds it unchanged it follows that
	// table. pristine means nothing has been done with it yet: like selected
	// text, it gives way to the first character typed or pasted.
	starter  string
	pristine bool

	job, audit task.Slot
}

// New builds the SQL screen.
func New(env *common.Env) *Model {
	ed := textarea.New()
	ed.Placeholder = "SELECT … FROM a table (the Data screen lists them)"
	ed.ShowLineNumbers = true
	ed.Prompt = ""
	ed.CharLimit = 0
	ed.KeyMap.InputBegin.SetKeys("alt+<", "ctrl+home")
	m := &Model{env: env, keys: DefaultKeyMap(), editor: ed, editing: true, grid: grid.New(env.Styles)}
	m.Jobs = task.Jobs{&m.job, &m.audit}
	m.SetStyles(env.Styles)
	m.editor.Focus()
	return m
}

// SetSize gives the screen its area: the editor on top, the results below.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.editorH = min(max(h/3, 3), 10)
	var rest draw.Rect
	m.top, rest = draw.Rect{W: w, H: h}.SplitY(1 + m.editorH)
	_, rest = rest.SplitY(1) // the status line
	_, m.results = rest.SplitX(1)
	m.editor.SetWidth(w - 2)
	m.editor.SetHeight(m.editorH)
	m.grid.SetSize(w-2, max(h-m.editorH-2, 3))
	return nil
}

// SetStyles switches the grid's and the editor's theme.
func (m *Model) SetStyles(st *styles.Styles) {
	m.grid.SetStyles(st)
	s := textarea.DefaultStyles(st.Theme != styles.Light)
	for _, state := range []*textarea.StyleState{&s.Focused, &s.Blurred} {
		state.LineNumber = st.Faint
		state.CursorLineNumber = st.Muted
		state.Placeholder = st.Placeholder
		state.EndOfBuffer = st.Faint
		state.Text = lipgloss.NewStyle()
		state.CursorLine = lipgloss.NewStyle()
	}
	s.Cursor.Blink = false
	if st.Theme == styles.NoColor {
		s = textarea.Styles{Cursor: textarea.CursorStyle{Color: lipgloss.NoColor{}}}
	}
	m.editor.SetStyles(s)
}

// Show does nothing: the screen keeps its state between visits.
func (m *Model) Show() tea.Cmd { return nil }

// Help returns the keys that apply now.
func (m *Model) Help() help.KeyMap {
	if m.editing {
		return editorHelp(m.keys)
	}
	return m.keys
}

// CapturesText is true while the editor has the keyboard.
func (m *Model) CapturesText() bool { return m.editing }

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	return []common.Command{
		{Title: "Run SQL", Key: m.keys.Run, Run: m.run},
		{Title: "Previous query from history", Key: m.keys.HistPrev, Run: func() tea.Cmd { m.recall(-1); return nil }},
		{Title: "Reveal PII column in results", Key: m.keys.Reveal, Run: m.reveal},
	}
}

// setStarter puts the starter query about table in the editor, unless the
// editor holds something of the analyst's own.
func (m *Model) setStarter(table string) {
	if table == "" {
		return
	}
	next := query.StarterQuery(table)
	if v := m.editor.Value(); v != "" && v != m.starter || v == next {
		return
	}
	m.starter = next
	m.editor.SetValue(m.starter)
	m.pristine = true
}

// replacesStarter reports whether msg, typed or pasted, takes the place of an
// untouched starter; any other key means the analyst is working with it.
func (m *Model) replacesStarter(msg tea.Msg) bool {
	if !m.pristine || !m.editing {
		return false
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		m.pristine = false
		return true
	case tea.KeyPressMsg:
		m.pristine = false
		return msg.Text != "" && msg.Mod&^tea.ModShift == 0
	}
	return false
}

type resultMsg struct {
	id   uint64
	sql  string
	res  *query.Result
	err  error
	took time.Duration
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.ScopeMsg:
		m.setStarter(msg.Scope.Table.Name)
	case resultMsg:
		if !m.job.Finish(msg.id) {
			return nil
		}
		m.ran, m.took, m.err = msg.sql, msg.took, msg.err
		if msg.err == nil {
			m.result = msg.res
			cols := grid.ColumnsOf(msg.res.Columns)
			for i, k := range msg.res.PII { // traced through the statement: upper(email) is masked too
				if k != pii.None && i < len(cols) {
					cols[i].PII = k
				}
			}
			m.grid.SetColumns(cols, "")
			m.grid.SetTotal(int64(len(msg.res.Rows)))
			m.grid.Observe(msg.res.Rows[:min(len(msg.res.Rows), 500)])
			m.grid.DetectPII(msg.res.Rows[:min(len(msg.res.Rows), 200)])
			m.editing = false
			m.editor.Blur()
		}
	case grid.RevealMsg:
		return m.grid.OnReveal(msg, &m.audit)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseClickMsg:
		m.pristine = false
		mouse := msg.Mouse()
		if m.top.Contains(mouse.X, mouse.Y) {
			m.editing = true
			return m.editor.Focus()
		}
		m.editing = false
		m.editor.Blur()
		if m.results.Contains(mouse.X, mouse.Y) {
			m.grid.Click(mouse.X-m.results.X, mouse.Y-m.results.Y)
		}
	case tea.MouseWheelMsg:
		m.grid.Wheel(msg.Button)
	default:
		if m.editing {
			if m.replacesStarter(msg) {
				m.editor.Reset()
			}
			var cmd tea.Cmd
			m.editor, cmd = m.editor.Update(msg)
			return cmd
		}
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Run):
		m.pristine = false
		return m.run()
	case key.Matches(msg, k.HistPrev):
		m.recall(-1)
		return nil
	case key.Matches(msg, k.HistNext):
		m.recall(1)
		return nil
	}
	if m.editing {
		if key.Matches(msg, k.Results) {
			m.editing = false
			m.editor.Blur()
			return nil
		}
		if m.replacesStarter(msg) {
			m.editor.Reset()
		}
		var cmd tea.Cmd
		m.editor, cmd = m.editor.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.Edit):
		m.editing = true
		return m.editor.Focus()
	case key.Matches(msg, k.Reveal):
		return m.reveal()
	}
	m.grid.Update(msg)
	return nil
}

// run sends the editor's SQL to the workspace's read-only query runner.
func (m *Model) run() tea.Cmd {
	sql := strings.TrimSpace(m.editor.Value())
	if sql == "" {
		return nil
	}
	if n := len(m.history); n == 0 || m.history[n-1] != sql {
		m.history = append(m.history, sql)
	}
	m.histPos = len(m.history) - 1
	ctx, id := m.env.Start(&m.job, "running SQL")
	ws, now := m.env.WS, m.env.Now
	return func() tea.Msg {
		start := now()
		res, err := ws.Query(ctx, sql, rowLimit)
		return resultMsg{id: id, sql: sql, res: res, err: err, took: now().Sub(start)}
	}
}

// recall steps through the queries run so far; past the newest it clears
// the editor for a new one.
func (m *Model) recall(step int) {
	if len(m.history) == 0 {
		return
	}
	m.histPos = min(max(m.histPos+step, 0), len(m.history))
	if m.histPos == len(m.history) {
		m.editor.SetValue("")
	} else {
		m.editor.SetValue(m.history[m.histPos])
	}
	m.editing = true
	m.pristine = false
	m.editor.Focus()
}

// reveal unmasks the cursor column of the result once the reveal is audited.
func (m *Model) reveal() tea.Cmd {
	if m.result == nil {
		return nil
	}
	return m.grid.ToggleReveal(m.env, &m.audit, "sql:", map[string]string{"sql": m.ran, "screen": "sql"})
}

// explain adds what a refusal means to the read-only guard's message.
func explain(err error) string {
	if errors.Is(err, query.ErrReadOnly) {
		return "The SQL console only reads: one SELECT (or WITH … SELECT) at a time, over the workspace's tables. " +
			"It cannot change data, attach databases or read files; use segscope import to add a table."
	}
	return ""
}
