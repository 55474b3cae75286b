package auditscreen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/draw"
)

// listTop is the line of the first entry: the title, its rule, the verdict,
// the filters and the header are above it.
const listTop = 5

// View draws the log, or one entry.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	lines := m.listView()
	if m.entryView {
		lines = m.entryLines()
	}
	return draw.Block(strings.Join(lines, "\n"), m.width, m.height)
}

func (m *Model) rule() string { return m.env.Styles.Rule.Render(strings.Repeat("─", m.width)) }

func (m *Model) listView() []string {
	st := m.env.Styles
	title := " " + st.Title.Render("Audit") + "  " + st.Muted.Render("every change to the workspace, newest first")
	lines := []string{draw.HeadLine(title, st.Faint.Render("v verify · a action · / subject "), m.width), m.rule(), m.verdictLine(), m.filterLine()}
	switch {
	case m.err != nil:
		return append(lines, "", " "+st.Error.Render("✗ "+m.err.Error()))
	case !m.loaded && m.load.Running():
		return append(lines, "", " "+st.Muted.Render("reading the audit log…"))
	case !m.loaded:
		return append(lines, "", " "+st.Muted.Render("Not read: press r to read the audit log."))
	case len(m.entries) == 0 && (m.action != 0 || m.subject != ""):
		return append(lines, "", " "+st.Muted.Render("No entries match the filters: esc shows them all."))
	case len(m.entries) == 0:
		return append(lines, "", " "+st.Muted.Render("The log is empty: imports, segment changes, policy changes, exports and PII reveals are written here."))
	}
	c := m.columns()
	lines = append(lines, st.Header.Render(draw.Fit(m.row(c, "", "seq", "time", "actor", "action", "subject", "hash"), m.width)))
	for i, e := range m.entries {
		lines = append(lines, m.entryRow(c, i, e))
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	return append(lines, m.footer())
}

// verdictLine is the result of verifying the chain, across the whole width so
// it cannot be missed, or how to ask for it.
func (m *Model) verdictLine() string {
	st := m.env.Styles
	switch v := m.verdict; {
	case m.verify.Running():
		return " " + st.Warn.Render("verifying the hash chain…")
	case m.checkErr != nil:
		return " " + st.Error.Render("✗ could not verify: "+m.checkErr.Error())
	case v == nil:
		return " " + st.Faint.Render("Each entry holds the hash of the one before it: press v to check that none was altered, removed or inserted.")
	case v.OK():
		anchored := ", no signed checkpoint yet"
		if v.Anchored > 0 {
			anchored = fmt.Sprintf(", signed checkpoint at entry %d", v.Anchored)
		}
		text := fmt.Sprintf(" ✓ Hash chain intact — %s %s verified%s, at %s", draw.Count(v.Entries),
			draw.Plural(v.Entries, "entry", "entries"), anchored, m.checkedAt.Format("15:04:05"))
		return st.BannerGood.Render(draw.Fit(text, m.width))
	default:
		return st.BannerBad.Render(draw.Fit(" ✗ Audit log "+v.Summary(), m.width))
	}
}

func (m *Model) filterLine() string {
	st := m.env.Styles
	line := " " + st.Muted.Render("action ") + st.Accent.Render(actions[m.action].label) + st.Muted.Render("   subject ")
	switch {
	case m.typing:
		line += m.input.View()
	case m.subject != "":
		line += st.Accent.Render(m.subject)
	default:
		line += st.Faint.Render("any")
	}
	return draw.Fit(line, m.width)
}

// columns are the log's widths at the screen's width.
type columns struct{ actor, subject, hash int }

func (m *Model) columns() columns {
	c := columns{actor: 5, hash: 12}
	for _, e := range m.entries {
		c.actor = max(c.actor, draw.Width(e.Actor))
	}
	c.actor = min(c.actor, 12)
	if m.width < 100 {
		c.hash = 8
	}
	c.subject = max(m.width-(2+5+2+16+2+c.actor+2+14+2+2+c.hash), 8)
	return c
}

func (m *Model) row(c columns, mark, seq, at, actor, action, subject, hash string) string {
	return draw.Fit(mark, 2) + draw.FitRight(seq, 5) + "  " + draw.Fit(at, 16) + "  " + draw.Fit(actor, c.actor) + "  " +
		draw.Fit(action, 14) + "  " + draw.Fit(subject, c.subject) + "  " + draw.Fit(hash, c.hash)
}

func (m *Model) entryRow(c columns, i int, e query.AuditEntry) string {
	st := m.env.Styles
	mark, style := "", st.Item
	if v := m.verdict; v != nil && v.BrokenSeq == e.Seq {
		mark, style = "✗", st.Error
	}
	if i == m.cursor {
		if mark == "" {
			mark = "▸"
		}
		style = st.ItemCursor
	}
	at := e.Time.In(m.env.Now().Location()).Format("2006-01-02 15:04")
	hash := e.Hash[:min(c.hash, len(e.Hash))]
	return style.Render(draw.Fit(m.row(c, mark, fmt.Sprint(e.Seq), at, e.Actor, e.Action, e.Subject, hash), m.width))
}

func (m *Model) footer() string {
	st := m.env.Styles
	first := m.page*m.size + 1
	text := fmt.Sprintf(" entries %d–%d", first, first+len(m.entries)-1)
	switch {
	case m.more && m.page > 0:
		text += " · pgdn older · pgup newer"
	case m.more:
		text += " · pgdn older"
	case m.page > 0:
		text += " · the oldest · pgup newer"
	}
	return st.Faint.Render(draw.Fit(text, m.width))
}

// entryLines is one entry in full: its fields, where the chain stands, and
// its details as indented JSON.
func (m *Model) entryLines() []string {
	st := m.env.Styles
	if m.cursor >= len(m.entries) {
		return nil
	}
	e := m.entries[m.cursor]
	title := " " + st.Title.Render("Audit") + "  " + st.Subtitle.Render(fmt.Sprintf("entry %d", e.Seq)) +
		st.Muted.Render(" · "+e.Action+" · "+e.Subject)
	head := []string{draw.HeadLine(title, st.Faint.Render("esc back · j/k scroll "), m.width), m.rule()}
	body := m.entryBody(e)
	room := max(m.height-len(head), 1)
	from := min(m.scroll, max(len(body)-room, 0))
	return append(head, body[from:min(from+room, len(body))]...)
}

func (m *Model) entryBody(e query.AuditEntry) []string {
	st := m.env.Styles
	const keyW = 12
	kv := func(k, v string) string {
		return draw.Fit(" "+st.Muted.Render(draw.Fit(k, keyW))+st.Item.Render(v), m.width)
	}
	lines := []string{
		kv("sequence", fmt.Sprint(e.Seq)),
		kv("time", e.Time.In(m.env.Now().Location()).Format("2006-01-02 15:04:05.000000 MST")),
		kv("actor", e.Actor),
		kv("action", e.Action),
		kv("subject", e.Subject),
		kv("hash", e.Hash),
		kv("previous", orNone(e.PrevHash)),
	}
	if v := m.verdict; v != nil && !v.OK() && v.BrokenSeq == e.Seq {
		lines = append(lines, " "+st.Error.Render("✗ the chain breaks here: "+v.Problem))
	}
	lines = append(lines, "", " "+st.PanelTitle.Render("details"))
	for _, l := range prettyJSON(e.Details) {
		for _, part := range strings.Split(ansi.Hardwrap(l, max(m.width-3, 10), false), "\n") {
			lines = append(lines, "   "+m.paintJSON(part))
		}
	}
	return lines
}

func orNone(s string) string {
	if s == "" {
		return "none: the first entry"
	}
	return s
}

// prettyJSON indents a details document, with <, > and & as themselves
// rather than the escapes the log stores; text that is not JSON is shown as
// it is.
func prettyJSON(s string) []string {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return strings.Split(s, "\n")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return strings.Split(s, "\n")
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// paintJSON colours an indented JSON line: its key, and a string value.
func (m *Model) paintJSON(line string) string {
	st := m.env.Styles
	trimmed := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(trimmed)]
	if k, v, ok := strings.Cut(trimmed, `": `); ok && strings.HasPrefix(k, `"`) {
		value := st.Item.Render(v)
		if strings.HasPrefix(v, `"`) {
			value = st.TokString.Render(v)
		}
		return indent + st.TokColumn.Render(k+`"`) + st.Muted.Render(": ") + value
	}
	if strings.HasPrefix(trimmed, `"`) {
		return indent + st.TokString.Render(trimmed)
	}
	return indent + st.Muted.Render(trimmed)
}

func (m *Model) entryKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Open):
		m.entryView = false
	case key.Matches(msg, k.ScrollUp):
		m.scroll = max(m.scroll-1, 0)
	case key.Matches(msg, k.ScrollDown):
		if m.cursor < len(m.entries) {
			room := m.height - 2
			m.scroll = max(min(m.scroll+1, len(m.entryBody(m.entries[m.cursor]))-room), 0)
		}
	}
	return nil
}
