package comparescreen

import (
	"context"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/tuitest"
)

// A number column's drill-down bins both sides off the UI goroutine and draws
// them over each other, A in box-drawing strokes and B in braille, with the
// range both span and a legend; a categorical column bins nothing.
func TestCompareOverlaidDistributions(t *testing.T) {
	t.Parallel()
	ws := tuitest.Sample.Open(t)
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 100, 40)
	tuitest.Press(t, m, "a", "j", "enter") // churn_risk against the rest
	res := m.result
	i := 0
	for res.Columns[i].Numeric == nil {
		i++
	}
	for range i {
		tuitest.Press(t, m, "j")
	}
	tuitest.Press(t, m, "enter")
	col := res.Columns[i]
	want, err := compare.Distributions(context.Background(), ws, segments.NewStore(ws), "churn_risk", "", col.Name, overlayBins)
	if err != nil {
		t.Fatal(err)
	}
	h := m.over.hist
	if h == nil || m.over.column != col.Name || h.Low != want.Low || h.High != want.High {
		t.Fatalf("binned %q: %+v (%v), the engine says %+v", m.over.column, h, m.over.err, want)
	}
	tuitest.Press(t, m, "G")
	text := tuitest.Text(m.View())
	tuitest.MustShow(t, text, "distributions:", "─ churn_risk", "⠤ rest of subscribers", number(col.Kind, want.High))
	chart := text[strings.Index(text, "distributions:"):]
	if !strings.ContainsAny(chart, "╭╮╯╰") || !strings.ContainsFunc(chart, func(r rune) bool { return r > 0x2800 && r <= 0x28ff }) {
		t.Fatalf("the chart lacks one side's line:\n%s", chart)
	}
	tuitest.RequireFits(t, m.View(), 100, 40, "overlay")

	tuitest.Press(t, m, "esc")
	for res.Columns[i].Numeric != nil {
		i++
	}
	tuitest.Press(t, m, "g")
	for range i {
		tuitest.Press(t, m, "j")
	}
	tuitest.Press(t, m, "enter")
	if _, running := m.Running(); running || strings.Contains(tuitest.Text(m.View()), "distributions:") {
		t.Fatal("a categorical column was binned")
	}
}
