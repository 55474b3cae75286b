package segmentsscreen

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

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
	for i, l := range strings.Split(ansi.Wordwrap(words, max(w-kindW-3, 10), " "), "\n") {
		label := ""
		if i == 0 {
			label = "rules"
		}
		lines = append(lines, "  "+st.Faint.Render(draw.Fit(label, kindW))+st.Muted.Render(l))
	}
	if len(lines) > h {
		lines = append(lines[:h-1], "  "+st.Faint.Render("…"))
	}
	return lines
}
