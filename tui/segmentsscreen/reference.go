package segmentsscreen

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/draw"
)

// reference lists the table's columns by kind, and the rule language's
// words, as a reminder while writing the rule.
func (m *Model) reference(h int) []string {
	st := m.env.Styles
	e := &m.editor
	w := m.width
	const kindW = 10
	lines := []string{" " + st.Subtitle.Render("Columns of "+e.table)}
	schema, ok := e.schemas[e.table]
	if !ok {
		return append(lines, " "+st.Faint.Render("reading…"))
	}
	kinds := []struct {
		label string
		types []rule.Type
	}{
		{"numbers", []rule.Type{rule.TypeNumber}},
		{"text", []rule.Type{rule.TypeString}},
		{"dates", []rule.Type{rule.TypeDate, rule.TypeTimestamp}},
		{"yes/no", []rule.Type{rule.TypeBool}},
	}
	for _, k := range kinds {
		var names []string
		for _, c := range schema.Columns {
			if slices.Contains(k.types, c.Type) {
				names = append(names, c.Name)
			}
		}
		if len(names) == 0 {
			continue
		}
		wrapped := strings.Split(ansi.Wordwrap(strings.Join(names, "  "), max(w-kindW-3, 10), " "), "\n")
		for i, l := range wrapped {
			label := ""
			if i == 0 {
				label = k.label
			}
			lines = append(lines, "  "+st.Faint.Render(draw.Fit(label, kindW))+st.TokColumn.Render(l))
		}
	}
	words := "and or not · = != < <= > >= · in (…) · between … and … · like · contains · is null · ago(30 days) · segment('name')"
	rows := []struct{ label, text string }{{"rules", words}}
	if len(schema.Events) > 0 {
		rows = append([]struct{ label, text string }{{"events", eventWords(schema.Events)}}, rows...)
	}
	for _, r := range rows {
		for i, l := range strings.Split(ansi.Wordwrap(r.text, max(w-kindW-3, 10), " "), "\n") {
			label := ""
			if i == 0 {
				label = r.label
			}
			lines = append(lines, "  "+st.Faint.Render(draw.Fit(label, kindW))+st.Muted.Render(l))
		}
	}
	if len(lines) > h {
		lines = append(lines[:h-1], "  "+st.Faint.Render("…"))
	}
	return lines
}

// eventWords names the event tables and shows the event conditions on the
// first of them, with one of its number columns where a value is summed.
func eventWords(evs []rule.EventTable) string {
	names := make([]string, len(evs))
	for i, ev := range evs {
		names[i] = ev.Name
	}
	ev := evs[0]
	num := "column"
	for _, c := range ev.Columns {
		if c.Type == rule.TypeNumber && c.Name != ev.Key && c.Name != query.SurrogateKey {
			num = c.Name
			break
		}
	}
	n, col := rule.Name(ev.Name), rule.Name(num)
	words := []string{"count(" + n + ") >= 5", "count(" + n + " where …)",
		"sum/avg/min/max(" + n + "." + col + ")", "count_distinct(" + n + "." + col + ")"}
	if ev.Time != "" {
		words = append(words, "first/last("+n+") < ago(90 days)", "none("+n+" in last 30 days)")
	} else {
		words = append(words, "none("+n+")")
	}
	return strings.Join(names, "  ") + ": " + strings.Join(words, " · ")
}
