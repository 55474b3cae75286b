package segmentsscreen

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/ruleview"
	"github.com/segscope/segscope/tui/styles"
)

type field int

const (
	fieldName field = iota
	fieldTable
	fieldRule
	fieldDesc
	fieldReason
)

// editor is a segment being written: a new one, or the next version of one.
type editor struct {
	existing *segments.Segment // nil for a new segment

	name, desc, reason textinput.Model
	rule               textarea.Model
	tables             []query.TableInfo // the tables that can hold segments: those with a key
	table              string
	focus              field

	width   int // the screen's
	maxRows int // rule lines the box may grow to
	rows    int // rule lines the box shows
	top     int // first rule line shown

	schemas    map[string]rule.Schema // columns of the tables seen, for the reference under the form
	schemaWant string                 // the table whose columns are on their way

	typed   common.Debounce // the size is recounted once typing pauses
	check   check           // what the rule selects, or why it cannot
	saveErr error
	refused error // why the last paste or key was not taken into the rule: it would be too long
}

func newEditor() editor {
	input := func(placeholder string, limit int) textinput.Model {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = placeholder
		in.CharLimit = limit
		return in
	}
	ta := textarea.New()
	ta.Prompt = ""
	ta.ShowLineNumbers = false
	// editorInput refuses with a message what would pass the limit; this
	// only backs it up.
	ta.CharLimit = rule.MaxRuleChars
	// As many lines as a rule can have: the default, 99, would stop enter
	// there, and cache the wrapping of no more lines than that.
	ta.MaxHeight = rule.MaxRuleChars
	// The screen draws the rule itself, wrapped and highlighted; the textarea
	// wraps at the same width (setWidth), so up and down move by the rows on
	// screen. It must wrap: it rewraps the line being edited on every key by
	// measuring the row so far at each space, so one unwrapped line of 10,000
	// characters took a second a key.
	ta.MaxWidth = 0
	ta.SetVirtualCursor(false) // no blinking: the screen draws its own cursor
	ta.KeyMap.TransposeCharacterBackward.SetEnabled(false)
	return editor{
		name:   input("lowercase_name", 63),
		desc:   input("what the segment is for", 500),
		reason: input("why this version (kept in the history)", 500),
		rule:   ta,
	}
}

func (e *editor) setStyles(st *styles.Styles) {
	for _, in := range e.inputs() {
		s := textinput.DefaultStyles(st.Theme != styles.Light)
		for _, state := range []*textinput.StyleState{&s.Focused, &s.Blurred} {
			state.Text = lipgloss.NewStyle()
			state.Placeholder = st.Placeholder
			state.Prompt = st.InputPrompt
		}
		s.Cursor.Blink = false
		s.Cursor.Color = nil
		in.SetStyles(s)
	}
}

// setWidth sizes the text fields to the screen.
func (e *editor) setWidth(w int) {
	e.width = w
	for _, in := range e.inputs() {
		in.SetWidth(max(w-labelW-2, 4))
	}
	e.rule.SetWidth(e.ruleW())
}

func (e *editor) setTables(all []query.TableInfo) {
	e.tables = e.tables[:0]
	for _, t := range all {
		if t.Key != "" {
			e.tables = append(e.tables, t)
		}
	}
}

// ruleText is the rule as typed; the textarea keeps it.
func (e *editor) ruleText() string { return e.rule.Value() }

// cursor is the rule's cursor as a rune index into ruleText.
func (e *editor) cursor() int {
	lines := strings.Split(e.ruleText(), "\n")
	pos := 0
	for i := 0; i < e.rule.Line() && i < len(lines); i++ {
		pos += len([]rune(lines[i])) + 1
	}
	return pos + e.rule.Column()
}

// fields are the fields focus moves through: a segment keeps its name and table.
func (e *editor) fields() []field {
	if e.existing != nil {
		return []field{fieldRule, fieldDesc, fieldReason}
	}
	return []field{fieldName, fieldTable, fieldRule, fieldDesc, fieldReason}
}

// inputs are the one-line fields.
func (e *editor) inputs() map[field]*textinput.Model {
	return map[field]*textinput.Model{fieldName: &e.name, fieldDesc: &e.desc, fieldReason: &e.reason}
}

func (e *editor) setFocus(f field) {
	e.focus = f
	for g, in := range e.inputs() {
		if g == f {
			in.Focus()
		} else {
			in.Blur()
		}
	}
	if f == fieldRule {
		e.rule.Focus()
	} else {
		e.rule.Blur()
	}
}

func (e *editor) moveFocus(delta int) {
	fs := e.fields()
	i := slices.Index(fs, e.focus)
	e.setFocus(fs[(i+delta+len(fs))%len(fs)])
}

// openNew starts a new segment of table, with a rule to begin from.
func (m *Model) openNew(table, text string) tea.Cmd {
	e := &m.editor
	e.existing, e.table, e.saveErr, e.check, e.top, e.refused = nil, table, nil, check{}, 0, nil
	e.name.SetValue("")
	e.desc.SetValue("")
	e.reason.SetValue("")
	e.rule.SetValue(text)
	e.setFocus(fieldName)
	m.view = viewEditor
	return m.edited(false)
}

// openExisting starts the next version of seg, from rule (its own, or an older
// version's) and with a reason to begin from.
func (m *Model) openExisting(seg segments.Segment, text, reason string) tea.Cmd {
	e := &m.editor
	e.existing, e.table, e.saveErr, e.check, e.top, e.refused = &seg, seg.Table, nil, check{}, 0, nil
	e.name.SetValue(seg.Name)
	e.desc.SetValue(seg.Description)
	e.reason.SetValue(reason)
	e.rule.SetValue(text)
	e.setFocus(fieldRule)
	m.view = viewEditor
	return m.edited(false)
}

func (m *Model) backToList() tea.Cmd {
	m.view = viewList
	m.preview.Cancel()
	m.editor.rule.Blur()
	return nil
}

func (m *Model) editorKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	e := &m.editor
	switch {
	case key.Matches(msg, k.Save):
		return m.saveSegment()
	case key.Matches(msg, k.Templates):
		return m.openPicker()
	case key.Matches(msg, k.Back):
		return m.backToList()
	case key.Matches(msg, k.NextField):
		e.moveFocus(1)
		return nil
	case key.Matches(msg, k.PrevField):
		e.moveFocus(-1)
		return nil
	}
	switch e.focus {
	case fieldTable:
		switch {
		case key.Matches(msg, k.TableNext):
			return m.cycleTable(1)
		case key.Matches(msg, k.TablePrev):
			return m.cycleTable(-1)
		case key.Matches(msg, k.Down), msg.String() == "enter":
			e.moveFocus(1)
		case key.Matches(msg, k.Up):
			e.moveFocus(-1)
		}
		return nil
	case fieldRule:
		switch {
		case msg.String() == "up" && e.rule.Line() == 0 && e.rule.LineInfo().RowOffset == 0:
			e.moveFocus(-1)
			return nil
		case msg.String() == "down" && e.rule.Line() == e.rule.LineCount()-1 && e.rule.LineInfo().RowOffset == e.rule.LineInfo().Height-1:
			e.moveFocus(1)
			return nil
		}
	default:
		switch msg.String() {
		case "enter", "down":
			e.moveFocus(1)
			return nil
		case "up":
			e.moveFocus(-1)
			return nil
		}
	}
	return m.editorInput(msg)
}

// editorInput gives a key or a paste to the focused text field.
func (m *Model) editorInput(msg tea.Msg) tea.Cmd {
	e := &m.editor
	var cmd tea.Cmd
	if in, ok := e.inputs()[e.focus]; ok {
		*in, cmd = in.Update(msg)
		return cmd
	}
	if e.focus != fieldRule {
		return nil
	}
	before := e.ruleText()
	if err := ruleview.RuleInputTooLong(before, msg); err != nil {
		e.refused = err
		return nil
	}
	e.rule, cmd = e.rule.Update(msg)
	if e.ruleText() != before {
		e.refused = nil
		cmd = tea.Batch(cmd, m.edited(true))
	}
	e.follow(m.env.Styles)
	return cmd
}

func (m *Model) cycleTable(delta int) tea.Cmd {
	e := &m.editor
	if len(e.tables) == 0 {
		return nil
	}
	i := slices.IndexFunc(e.tables, func(t query.TableInfo) bool { return t.Name == e.table })
	e.table = e.tables[(i+delta+len(e.tables))%len(e.tables)].Name
	return m.edited(false)
}
