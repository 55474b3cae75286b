package datascreen

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/ruleview"
	"github.com/segscope/segscope/tui/task"
)

// filterBar is the rule being typed. The textinput keeps the text and cursor;
// the bar draws them itself to highlight the rule.
type filterBar struct {
	open    bool
	input   textinput.Model
	typed   common.Debounce // the matching count waits for typing to pause
	result  countResult
	refused error // why the last paste or key was not taken: the rule would be too long
	comp    completion

	values     map[string][]string // completion values per column
	valuesWant string              // column whose values a pending Tab waits for

	count, apply, load task.Slot
}

// countResult is what a rule matched, or why it could not be evaluated.
type countResult struct {
	text  string
	where string
	n     int64
	err   error
	valid bool
}

type countMsg struct {
	id    uint64
	apply bool
	res   countResult
}

func newFilterBar() filterBar {
	in := textinput.New()
	in.Prompt = ""
	in.SetVirtualCursor(false)
	// filterInput refuses with a message what would pass the limit; this only
	// backs it up.
	in.CharLimit = rule.MaxRuleChars
	return filterBar{input: in, values: map[string][]string{}}
}

// reset closes the bar and forgets what belonged to the previous table.
func (b *filterBar) reset() {
	b.close()
	b.values = map[string][]string{}
	b.result = countResult{}
}

func (b *filterBar) close() {
	b.open = false
	b.input.Blur()
	b.comp = completion{}
	b.valuesWant = ""
	b.refused = nil
	b.count.Cancel()
	b.apply.Cancel()
	b.load.Cancel()
}

// filterError is the error of the rule in the bar, if it is known to be wrong.
func (m *Model) filterError() error {
	if m.bar.result.valid && m.bar.result.text == m.bar.input.Value() {
		return m.bar.result.err
	}
	return nil
}

func (m *Model) openFilter() tea.Cmd {
	if !m.ready {
		return nil
	}
	m.bar.open = true
	m.bar.input.SetValue(m.rule)
	m.bar.input.CursorEnd()
	m.bar.input.Focus()
	m.bar.result = countResult{text: m.rule, where: m.where, n: m.rowCount(), valid: true}
	m.relayout()
	return m.fetchRows()
}

func (m *Model) closeFilter() {
	m.bar.close()
	m.relayout()
}

func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if !key.Matches(msg, k.Complete) {
		m.bar.comp = completion{}
		m.bar.valuesWant = ""
	}
	switch {
	case key.Matches(msg, k.Close):
		m.closeFilter()
		return m.fetchRows()
	case key.Matches(msg, k.Apply):
		return m.submitFilter()
	case key.Matches(msg, k.Complete):
		return m.complete()
	}
	return m.filterInput(msg)
}

// filterInput edits the rule with a key or a paste.
func (m *Model) filterInput(msg tea.Msg) tea.Cmd {
	before := m.bar.input.Value()
	if err := ruleview.RuleInputTooLong(before, msg); err != nil {
		m.bar.refused = err
		return nil
	}
	var cmd tea.Cmd
	m.bar.input, cmd = m.bar.input.Update(msg)
	if m.bar.input.Value() == before {
		return cmd
	}
	m.bar.refused = nil
	return tea.Batch(cmd, m.edited())
}

// edited schedules a recount once typing pauses.
func (m *Model) edited() tea.Cmd {
	m.bar.count.Cancel()
	return m.bar.typed.Edit()
}

// submitFilter applies the rule in the bar: at once if it was just counted,
// otherwise after evaluating it.
func (m *Model) submitFilter() tea.Cmd {
	text := strings.TrimSpace(m.bar.input.Value())
	if text == "" {
		return m.applyFilter("", "", m.table.Rows)
	}
	if r := m.bar.result; r.valid && r.text == text && r.err == nil {
		return m.applyFilter(text, r.where, r.n)
	}
	m.bar.count.Cancel()
	ctx, id := m.env.Start(&m.bar.apply, "applying filter")
	return evaluate(ctx, m.env.WS, m.table.Name, text, id, true)
}

func (m *Model) applyFilter(text, where string, n int64) tea.Cmd {
	m.rule, m.where, m.matching = text, where, n
	if where == "" {
		m.rule, m.matching = "", m.table.Rows
	}
	m.closeFilter()
	m.grid.SetTotal(m.rowCount())
	m.grid.MoveTo(0)
	return tea.Batch(m.fetchRows(), m.scopeChanged(), m.fetchProfile())
}

// evaluate previews the rule (compiles it and counts its rows), off the UI goroutine.
func evaluate(ctx context.Context, ws *query.Workspace, table, text string, id uint64, apply bool) tea.Cmd {
	return func() tea.Msg {
		p, err := segments.PreviewRule(ctx, ws, table, text)
		return countMsg{id: id, apply: apply, res: countResult{text: text, valid: true, where: p.Where, n: p.Count, err: err}}
	}
}

func (m *Model) updateFilter(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.DebounceMsg:
		if !m.bar.open || !m.bar.typed.Settled(msg) {
			return nil
		}
		text := strings.TrimSpace(m.bar.input.Value())
		if text == "" {
			m.bar.count.Cancel()
			m.bar.result = countResult{valid: true, n: m.table.Rows}
			return nil
		}
		ctx, id := m.env.Start(&m.bar.count, "counting matches")
		return evaluate(ctx, m.env.WS, m.table.Name, text, id, false)
	case countMsg:
		slot := &m.bar.count
		if msg.apply {
			slot = &m.bar.apply
		}
		if !slot.Finish(msg.id) {
			return nil
		}
		m.bar.result = msg.res
		if msg.apply && msg.res.err == nil {
			return m.applyFilter(msg.res.text, msg.res.where, msg.res.n)
		}
	case valuesMsg:
		return m.onValues(msg)
	}
	return nil
}

// filterView draws the bar: the line with the rule and its count, then a line
// for the error, the completions or a hint.
func (m *Model) filterView() string {
	st := m.env.Styles
	w := m.rects.bar.W
	if !m.bar.open {
		return m.titleLine(w)
	}
	text := m.bar.input.Value()
	right := m.countText()
	prompt := st.InputPrompt.Render(" / ")
	inputW := max(w-3-draw.Width(right)-3, 8)
	line, offset := ruleview.RuleLine(st, text, m.bar.input.Position(), inputW, m.errorSpan(text))
	first := prompt + draw.Fit(line, inputW) + "  " + right + " "
	return draw.Fit(first, w) + "\n" + draw.Fit(m.filterDetail(text, offset, w), w)
}

func (m *Model) countText() string {
	st := m.env.Styles
	r := m.bar.result
	text := strings.TrimSpace(m.bar.input.Value())
	total := draw.Count(m.table.Rows)
	switch {
	case m.bar.apply.Running():
		return st.Muted.Render("applying…")
	case m.bar.count.Running() || !r.valid || r.text != text:
		return st.Muted.Render("counting…")
	case r.err != nil:
		return st.Error.Render("✗ not a valid rule")
	}
	return st.Good.Render(draw.Count(r.n)) + st.Muted.Render(" of "+total+" match")
}

func (m *Model) filterDetail(text string, offset, w int) string {
	st := m.env.Styles
	const indent = 3 // under the prompt
	if m.bar.refused != nil {
		return strings.Repeat(" ", indent) + st.Error.Render("✗ "+m.bar.refused.Error())
	}
	if len(m.bar.comp.items) > 0 {
		return strings.Repeat(" ", indent) + m.completionView(w-indent)
	}
	if m.bar.valuesWant != "" {
		return strings.Repeat(" ", indent) + st.Muted.Render("loading values of "+m.bar.valuesWant+"…")
	}
	if m.bar.comp.note != "" {
		return strings.Repeat(" ", indent) + st.Muted.Render(m.bar.comp.note)
	}
	err := m.filterError()
	if err == nil {
		return strings.Repeat(" ", indent) + st.Faint.Render("enter apply · tab complete · esc cancel · e.g. plan = 'premium' and age > 30")
	}
	var re *rule.Error
	if !errors.As(err, &re) {
		return strings.Repeat(" ", indent) + st.Error.Render("✗ "+err.Error())
	}
	span := m.errorSpan(text)
	col := indent + max(span.From-offset, 0)
	return ruleview.PointAt(st, col, span.To-span.From, ruleview.RuleErrorText(re), indent, w)
}

// errorSpan is the runes of the bar's rule that its error points at.
func (m *Model) errorSpan(text string) draw.Span {
	var re *rule.Error
	if !errors.As(m.filterError(), &re) {
		return draw.Span{}
	}
	return ruleview.ErrorSpan(text, re)
}

// titleLine sits above the grid when the bar is closed: the table, and the
// applied filter if any.
func (m *Model) titleLine(w int) string {
	st := m.env.Styles
	t := m.table
	if t.Name == "" {
		return draw.Fit("", w)
	}
	left := " " + st.Title.Render(t.Name) + "  "
	hint := st.Faint.Render("/ filter ")
	if m.rule == "" {
		info := st.Muted.Render(draw.Count(t.Rows) + " rows · " + draw.Count(int64(len(m.columns))) + " columns")
		key := st.Muted.Render(" · key ") + st.Accent.Render(t.Key)
		if t.Key == "" {
			key = st.Muted.Render(" · ") + st.Warn.Render("no key (K)")
		}
		// The key goes before the hint (the hint line has /), and whole or not at all.
		room := w - draw.Width(left) - draw.Width(info)
		switch {
		case room >= draw.Width(key)+draw.Width(hint)+1:
			return left + info + key + strings.Repeat(" ", room-draw.Width(key)-draw.Width(hint)) + hint
		case room >= draw.Width(key):
			return draw.Fit(left+info+key, w)
		case room >= draw.Width(hint)+1:
			return left + info + strings.Repeat(" ", room-draw.Width(hint)) + hint
		}
		return draw.Fit(left+info, w)
	}
	count := st.Good.Render(draw.Count(m.matching)) + st.Muted.Render(" of "+draw.Count(t.Rows)+" rows")
	label := st.Accent.Render("filter ")
	ruleW := max(w-draw.Width(left)-draw.Width(label)-draw.Width(count)-2, 8)
	ruleText, _ := ruleview.RuleLine(st, m.rule, -1, ruleW, draw.Span{})
	if utf8.RuneCountInString(m.rule) > ruleW {
		ruleText = ansi.Truncate(ruleText, ruleW, draw.Ellipsis)
	}
	return draw.Fit(left+label+draw.Fit(ruleText, ruleW)+"  "+count, w)
}
