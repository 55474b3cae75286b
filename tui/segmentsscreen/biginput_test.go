package segmentsscreen

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/tuitest"
)

// TestPastedMegabyteRuleIsRefusedInTheSegmentEditor: the same in the rule
// box of the segment editor, a textarea.
func TestPastedMegabyteRuleIsRefusedInTheSegmentEditor(t *testing.T) {
	m, hs := console(t, emptyOfSegments(t), 100, 30)
	tuitest.Press(t, hs, "n")
	tuitest.Type(t, hs, "gold_big")
	tuitest.Press(t, hs, "tab", "tab")
	typed := "plan = 'gold'"
	tuitest.Type(t, hs, typed)

	cmd := hs.Update(tea.PasteMsg{Content: tuitest.MegabyteRule})
	if cmd != nil {
		t.Error("a refused paste asked for work")
	}
	if _, _, got := m.draft(); got != typed {
		t.Fatalf("after the refused paste the rule is %.40q…", got)
	}
	if want := tuitest.Refusal(len(typed) + len(tuitest.MegabyteRule)); !strings.Contains(screenText(m, hs), want) {
		t.Fatalf("the screen lacks %q:\n%s", want, screenText(m, hs))
	}
	tuitest.RequireFits(t, m.View(), 100, 27, "refused paste in the editor")

	// Line breaks count, and a rule of many lines up to the limit is taken.
	lines := strings.Repeat("\nor plan = 'y'", (rule.MaxRuleChars-len(typed))/len("\nor plan = 'y'"))
	tuitest.Send(t, hs, tea.PasteMsg{Content: lines})
	if _, _, got := m.draft(); got != typed+lines {
		t.Fatalf("a paste within the limit was not taken whole: %d of %d characters", len(got), len(typed+lines))
	}
	if n, ok := m.counted(); !ok || n == 0 {
		t.Errorf("the long rule was not counted: %d, %v (%v)", n, ok, m.editor.ruleError())
	}
	tuitest.RequireFits(t, m.View(), 100, 27, "long rule in the editor")
}

// TestUpAndDownMoveByRowsOfALongRule: a rule of one long line is drawn on
// several rows; up and down move between them, and leave the rule box only
// from its first and last rows.
func TestUpAndDownMoveByRowsOfALongRule(t *testing.T) {
	m, hs := console(t, emptyOfSegments(t), 100, 30)
	tuitest.Press(t, hs, "n")
	tuitest.Type(t, hs, "gold_long")
	tuitest.Press(t, hs, "tab", "tab")
	long := strings.Repeat("plan = 'gold' or ", 12) + "plan = 'gold'"
	tuitest.Send(t, hs, tea.PasteMsg{Content: long})
	tuitest.Press(t, hs, "up")
	tuitest.Type(t, hs, "Z")
	_, _, got := m.draft()
	if !strings.Contains(got, "Z") || strings.HasSuffix(got, "Z") {
		t.Fatalf("up from the last row of a long rule did not move up within it: %q", got)
	}
	// The cursor is on the middle row of three: one down to the last, one more out.
	tuitest.Press(t, hs, "backspace", "down", "down")
	tuitest.Type(t, hs, "because")
	if _, _, rule := m.draft(); rule != long {
		t.Errorf("down from the last row stayed in the rule: %q", rule)
	}
	if !strings.Contains(screenText(m, hs), "because") {
		t.Errorf("down from the last row did not reach the description:\n%s", screenText(m, hs))
	}
}

// BenchmarkSegmentEditorLongRule is a key and the frame after it in the rule
// box holding a rule at the length limit, in three shapes.
func BenchmarkSegmentEditorLongRule(b *testing.B) {
	shapes := []struct{ name, text string }{
		{"one line", strings.Repeat(" or plan = 'y'", 9900/14)},
		{"700 lines", strings.Repeat("\nor plan = 'y'", 9900/14)},
		{"long and tall", "plan = '" + strings.Repeat("y", 4900) + "'" + strings.Repeat("\n", 4900) + " or active"},
	}
	for _, shape := range shapes {
		b.Run(shape.name, func(b *testing.B) {
			m := New(tuitest.Env(b, tuitest.Customers.Open(b)))
			m.SetSize(100, 27)
			tuitest.Settle(b, m, m.Show(), nil)
			tuitest.Press(b, m, "n")
			tuitest.Type(b, m, "gold_big")
			tuitest.Press(b, m, "tab", "tab")
			tuitest.Send(b, m, tea.PasteMsg{Content: shape.text})
			b.ResetTimer()
			for b.Loop() {
				m.Update(tuitest.Key("x"))
				_ = m.View()
			}
		})
	}
}
