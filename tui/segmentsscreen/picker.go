package segmentsscreen

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/ruleview"
)

// picker offers the templates that fit a table, measured on its data.
type picker struct {
	open, loading bool
	table         string
	templates     []segments.Template
	unfit         []segments.Unfit
	eventsOf      string // the audience whose events the table holds
	err           error
	cursor        int
}

type templatesMsg struct {
	id  uint64
	fit segments.Fitting
	err error
}

// openPicker proposes templates for the editor's table, or, from the list,
// for the table a new segment would go to.
func (m *Model) openPicker() tea.Cmd {
	table := m.defaultTable()
	if m.view == viewEditor {
		table = m.editor.table
	}
	if table == "" {
		return common.Fail(errors.New("no table to fit templates to yet: import one first"))
	}
	m.picker = picker{open: true, loading: true, table: table}
	ctx, id := m.env.Start(&m.fit, "fitting templates to "+table)
	ws := m.env.WS
	return tea.Batch(dialog.Open(templatesDialog{m}), func() tea.Msg {
		fit, err := segments.Fit(ctx, ws, table)
		return templatesMsg{id: id, fit: fit, err: err}
	})
}

// TemplatesDialog names the template picker on the root's dialog stack.
const TemplatesDialog = "segments.templates"

// templatesDialog is the template picker on the root's stack. Its state stays
// in the screen, where the fitted templates arrive and the editor is; the
// dialog hands it the keys and draws it.
type templatesDialog struct{ m *Model }

func (d templatesDialog) ID() string       { return TemplatesDialog }
func (d templatesDialog) SetSize(int, int) {}
func (d templatesDialog) View() string     { return d.m.pickerView() }

// ShortHelp is the picker's keys, for the hints line.
func (d templatesDialog) ShortHelp() []key.Binding { return pickerHelp(d.m.keys).ShortHelp() }

// Update gives the key to the picker; once the picker has closed (a template
// chosen, or esc), so does the dialog.
func (d templatesDialog) Update(msg tea.Msg) dialog.Action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	cmd := d.m.pickerKey(k)
	if !d.m.picker.open {
		return dialog.Run{Fn: func() tea.Cmd { return cmd }}
	}
	return dialog.Cmd{Cmd: cmd}
}

// Closed puts the picker away however the dialog left the stack, and stops
// the fitting.
func (d templatesDialog) Closed() {
	d.m.picker.open, d.m.picker.loading = false, false
	d.m.fit.Cancel()
}

func (m *Model) onTemplates(msg templatesMsg) {
	if !m.fit.Finish(msg.id) {
		return
	}
	m.picker.loading = false
	m.picker.templates, m.picker.unfit, m.picker.err = msg.fit.Templates, msg.fit.Unfit, msg.err
	m.picker.eventsOf = msg.fit.EventsOf
}

func (m *Model) pickerKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	p := &m.picker
	switch {
	case key.Matches(msg, k.Close):
		p.open = false
		m.fit.Cancel()
	case key.Matches(msg, k.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, k.Down):
		p.cursor = max(min(p.cursor+1, len(p.templates)-1), 0)
	case key.Matches(msg, k.Use):
		if p.cursor < len(p.templates) {
			p.open = false
			return m.useTemplate(p.table, p.templates[p.cursor])
		}
	}
	return nil
}

// useTemplate fills the editor with a template: its rule replaces the rule,
// its name and description fill only what is still empty.
func (m *Model) useTemplate(table string, t segments.Template) tea.Cmd {
	if m.view != viewEditor {
		cmd := m.openNew(table, t.Rule)
		m.editor.name.SetValue(m.freeName(t.Name))
		m.editor.desc.SetValue(t.Description)
		return cmd
	}
	e := &m.editor
	if e.existing == nil && strings.TrimSpace(e.name.Value()) == "" {
		e.name.SetValue(m.freeName(t.Name))
	}
	if strings.TrimSpace(e.desc.Value()) == "" {
		e.desc.SetValue(t.Description)
	}
	e.rule.SetValue(t.Rule)
	e.setFocus(fieldRule)
	return m.edited(false)
}

// freeName is a template's name, numbered (churn_risk_2, _3, …) when a segment
// already has it, so using a template twice does not end in "already exists".
func (m *Model) freeName(name string) string {
	taken := func(n string) bool {
		return slices.ContainsFunc(m.list.items, func(it item) bool { return it.seg.Name == n })
	}
	free := name
	for i := 2; taken(free); i++ {
		free = fmt.Sprintf("%s_%d", name, i)
	}
	return free
}

// unfitLines say why the other templates do not fit: wrapped in full when
// none fits, else a line each.
func (m *Model) unfitLines(w int) []string {
	st := m.env.Styles
	var lines []string
	for _, u := range m.picker.unfit {
		if len(m.picker.templates) > 0 {
			lines = append(lines, ansi.Truncate(st.Item.Render(u.Title)+st.Faint.Render(": "+u.Why), w, draw.Ellipsis))
			continue
		}
		for i, l := range strings.Split(ansi.Wordwrap(u.Title+": "+u.Why, w-2, " "), "\n") {
			if i == 0 {
				title, rest, _ := strings.Cut(l, ":")
				lines = append(lines, st.Item.Render(title)+st.Faint.Render(":"+rest))
			} else {
				lines = append(lines, "  "+st.Faint.Render(l))
			}
		}
	}
	return lines
}

func (m *Model) pickerView() string {
	st := m.env.Styles
	p := &m.picker
	w := min(76, m.width-8)
	lines := []string{st.PanelTitle.Render("Templates for "+p.table) + st.Muted.Render(" · cut-offs measured on its data"), ""}
	switch {
	case p.loading:
		lines = append(lines, st.Muted.Render("measuring "+p.table+"…"))
	case p.err != nil:
		lines = append(lines, st.Error.Render("✗ "+p.err.Error()))
	case len(p.templates) == 0 && p.eventsOf != "":
		// The events' own columns say nothing about people: point at them.
		for _, l := range strings.Split(ansi.Wordwrap(p.table+" holds the events of "+p.eventsOf+
			": the templates (churn risk, lapsed, new, high value, RFM) fit "+p.eventsOf+
			", with conditions on these events. Open "+p.eventsOf+" on the Data screen and press t again.", w, " "), "\n") {
			lines = append(lines, st.Muted.Render(l))
		}
	case len(p.templates) == 0:
		lines = append(lines, st.Muted.Render("No template fits the columns of "+p.table+":"))
		lines = append(lines, m.unfitLines(w)...)
	default:
		titleW := 0
		for _, t := range p.templates {
			titleW = max(titleW, draw.Width(t.Title))
		}
		for i, t := range p.templates {
			text := draw.Fit(t.Title, titleW) + "  " + t.Description
			if i == p.cursor {
				lines = append(lines, st.Selected.Render(draw.Fit("▸ "+text, w)))
			} else {
				lines = append(lines, "  "+st.Item.Render(draw.Fit(t.Title, titleW))+"  "+st.Muted.Render(draw.Fit(t.Description, w-titleW-4)))
			}
		}
		t := p.templates[p.cursor]
		lines = append(lines, "", st.Muted.Render("Rule"))
		for _, r := range ruleview.RuleRows(st, t.Rule, -1, w-2, draw.Span{}) {
			lines = append(lines, "  "+r.Line)
		}
		for _, l := range strings.Split(ansi.Wordwrap(t.Description, w, " "), "\n") {
			lines = append(lines, st.Faint.Render(l))
		}
		if len(p.unfit) > 0 {
			lines = append(lines, "", st.Muted.Render("Not offered"))
			lines = append(lines, m.unfitLines(w)...)
		}
	}
	lines = append(lines, "", st.Faint.Render("↑/↓ choose · enter use · esc close"))
	for i := range lines {
		lines[i] = draw.Fit(lines[i], w)
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}
