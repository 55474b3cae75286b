package datascreen

import (
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/grid"
)

// completion is the state of Tab in the filter bar: the candidates for the
// word at the cursor, and which one is inserted now. Pressing Tab again cycles.
type completion struct {
	items      []string
	index      int
	start, end int // rune range of the input that the current item occupies
	note       string
}

// valuesLimit is how many of a column's most frequent values are offered.
const valuesLimit = 30

type valuesMsg struct {
	id     uint64
	column string
	values []string
	err    error
}

// completeTarget is what the word at the cursor can become.
type completeTarget struct {
	column string // complete values of this column; "" completes column names
	prefix string
	start  int // byte offset where the word starts
	// Inside an event aggregate: right after its "(" the word is an event
	// table; after "orders." or "count(orders where " a column of event.
	tables bool
	event  string
}

// target reads the rule before the cursor: after `col =`, `col !=` or inside
// `col in (...` the word is a value of col; anywhere else it is a column name.
func target(text string, cursor int) completeTarget {
	toks := rule.Tokens(text[:cursor])
	t := completeTarget{start: cursor}
	if n := len(toks); n > 0 && toks[n-1].End == cursor && partialWord(toks[n-1]) {
		t.start, t.prefix = toks[n-1].Pos, toks[n-1].Text
		toks = toks[:n-1]
	}
	t.column = valueColumn(toks)
	t.tables, t.event = eventScope(toks)
	if t.event != "" || t.tables {
		t.column = ""
	}
	t.prefix = strings.TrimLeft(t.prefix, `'"`)
	if t.column != "" {
		t.prefix = strings.TrimSuffix(t.prefix, "'")
	}
	return t
}

func partialWord(t rule.Token) bool {
	switch t.Kind {
	case rule.TokenIdentifier, rule.TokenKeyword, rule.TokenFunction, rule.TokenString, rule.TokenNumber:
		return true
	case rule.TokenError:
		return strings.HasPrefix(t.Text, "'") || strings.HasPrefix(t.Text, `"`)
	}
	return false
}

func valueColumn(toks []rule.Token) string {
	n := len(toks)
	if n >= 2 && toks[n-1].Kind == rule.TokenOperator && isEquality(toks[n-1].Text) && toks[n-2].Kind == rule.TokenIdentifier {
		return unquote(toks[n-2].Text)
	}
	i := n - 1
	for i >= 1 && toks[i].Text == "," && (toks[i-1].Kind == rule.TokenString || toks[i-1].Kind == rule.TokenNumber) {
		i -= 2
	}
	if i < 2 || toks[i].Text != "(" || !strings.EqualFold(toks[i-1].Text, "in") {
		return ""
	}
	j := i - 2
	if strings.EqualFold(toks[j].Text, "not") && j > 0 {
		j--
	}
	if toks[j].Kind == rule.TokenIdentifier {
		return unquote(toks[j].Text)
	}
	return ""
}

// eventScope reads where the cursor is among event aggregates: just after
// an aggregate's "(" (an event table comes next), after a table and a dot,
// or anywhere else inside an aggregate, whose columns are its table's.
func eventScope(toks []rule.Token) (tables bool, event string) {
	n := len(toks)
	if n >= 2 && toks[n-1].Text == "." && toks[n-2].Kind == rule.TokenIdentifier {
		return false, unquote(toks[n-2].Text)
	}
	var opens []int
	for i, t := range toks {
		switch t.Text {
		case "(":
			opens = append(opens, i)
		case ")":
			if len(opens) > 0 {
				opens = opens[:len(opens)-1]
			}
		}
	}
	for k := len(opens) - 1; k >= 0; k-- {
		i := opens[k]
		if i == 0 || toks[i-1].Kind != rule.TokenFunction || !rule.IsAggregate(toks[i-1].Text) {
			continue
		}
		if i == n-1 {
			return true, ""
		}
		return false, unquote(toks[i+1].Text)
	}
	return false, ""
}

func isEquality(op string) bool { return op == "=" || op == "!=" || op == "<>" }

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return s
}

// quoteColumn writes a column name as the rule language needs it.
func quoteColumn(name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			plain = false
		}
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func quoteValue(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }

// complete handles Tab: cycle through the candidates already shown, or work
// out the candidates for the word at the cursor and insert the first.
func (m *Model) complete() tea.Cmd {
	c := &m.bar.comp
	if len(c.items) > 1 {
		c.index = (c.index + 1) % len(c.items)
		m.insertCompletion()
		return m.edited()
	}
	text := m.bar.input.Value()
	runes := []rune(text)
	cursor := len(string(runes[:min(m.bar.input.Position(), len(runes))]))
	t := target(text, cursor)
	var items []string
	if t.column == "" {
		for _, name := range m.names(t) {
			if hasPrefixFold(name, t.prefix) {
				items = append(items, quoteColumn(name))
			}
		}
	} else {
		col, ok := m.gridColumn(t.column)
		switch {
		case !ok:
			m.bar.comp = completion{note: "no column " + t.column + " to complete values of"}
			return nil
		case col.Masked():
			m.bar.comp = completion{note: "values of " + col.Name + " are personal data and are not offered; reveal the column first"}
			return nil
		case col.Numeric:
			m.bar.comp = completion{note: col.Name + " is a number: type a value"}
			return nil
		}
		values, cached := m.bar.values[col.Name]
		if !cached {
			return m.loadValues(col.Name)
		}
		for _, v := range values {
			if hasPrefixFold(v, t.prefix) {
				items = append(items, quoteValue(v))
			}
		}
	}
	if len(items) == 0 {
		m.bar.comp = completion{note: "nothing to complete here"}
		return nil
	}
	start := utf8.RuneCountInString(text[:t.start])
	m.bar.comp = completion{items: items, start: start, end: utf8.RuneCountInString(text[:cursor])}
	m.insertCompletion()
	if len(items) == 1 {
		m.bar.comp.items = nil
	}
	return m.edited()
}

// names are the names the word at the cursor can be: the table's columns,
// its event tables, or one event table's columns.
func (m *Model) names(t completeTarget) []string {
	var names []string
	switch {
	case t.tables:
		for _, e := range m.events {
			names = append(names, e.Name)
		}
	case t.event != "":
		for _, e := range m.events {
			if strings.EqualFold(e.Name, t.event) {
				for _, c := range e.Columns {
					names = append(names, c.Name)
				}
			}
		}
	default:
		for _, c := range m.columns {
			names = append(names, c.Name)
		}
	}
	return names
}

func (m *Model) insertCompletion() {
	c := &m.bar.comp
	runes := []rune(m.bar.input.Value())
	item := []rune(c.items[c.index])
	out := append(append(append([]rune{}, runes[:c.start]...), item...), runes[min(c.end, len(runes)):]...)
	m.bar.input.SetValue(string(out))
	c.end = c.start + len(item)
	m.bar.input.SetCursor(c.end)
}

func (m *Model) gridColumn(name string) (grid.Column, bool) {
	for _, c := range m.grid.Columns() {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return grid.Column{}, false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// loadValues fetches a column's most frequent values; the pending Tab
// completes when they arrive.
func (m *Model) loadValues(column string) tea.Cmd {
	m.bar.valuesWant = column
	ctx, id := m.env.Start(&m.bar.load, "reading values of "+column)
	ws, table := m.env.WS, m.table.Name
	return func() tea.Msg {
		res, err := ws.Group(ctx, query.Grouping{Table: table, By: []string{column}, Limit: valuesLimit})
		msg := valuesMsg{id: id, column: column, err: err}
		if err == nil {
			for _, r := range res.Rows {
				if len(r) > 0 && r[0] != nil {
					msg.values = append(msg.values, query.FormatValue(r[0]))
				}
			}
		}
		return msg
	}
}

func (m *Model) onValues(msg valuesMsg) tea.Cmd {
	if !m.bar.load.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		m.bar.valuesWant = ""
		m.bar.comp = completion{note: "could not read values of " + msg.column + ": " + msg.err.Error()}
		return nil
	}
	m.bar.values[msg.column] = msg.values
	if m.bar.valuesWant != msg.column || !m.bar.open {
		return nil
	}
	m.bar.valuesWant = ""
	return m.complete()
}

// completionView lists the candidates on one line, the current one highlighted.
func (m *Model) completionView(w int) string {
	st := m.env.Styles
	c := m.bar.comp
	var b strings.Builder
	used := 0
	first := max(c.index-2, 0)
	if first > 0 {
		b.WriteString(st.Faint.Render("… "))
		used += 2
	}
	for i := first; i < len(c.items); i++ {
		item := c.items[i]
		iw := draw.Width(item) + 2
		if used+iw > w-2 {
			b.WriteString(st.Faint.Render("…"))
			break
		}
		if i == c.index {
			b.WriteString(st.Selected.Render(" " + item + " "))
		} else {
			b.WriteString(st.Muted.Render(" " + item + " "))
		}
		used += iw
	}
	return b.String()
}
