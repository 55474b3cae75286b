package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

// TestPastedMegabyteRuleIsRefusedInTheFilterBar pastes a megabyte into the
// filter bar: Update returns without taking it, the bar keeps the rule it had
// and says why, and nothing is sent to be counted. Up to the limit a paste is
// taken; one character past it is refused.
func TestPastedMegabyteRuleIsRefusedInTheFilterBar(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "/")
	typed := "plan = 'gold'"
	typeText(t, m, typed)
	n, ok := m.Data().FilterCount()
	if !ok {
		t.Fatal("the typed rule was not counted")
	}

	_, cmd := m.Update(tea.PasteMsg{Content: tuitest.MegabyteRule})
	if cmd != nil {
		t.Error("a refused paste asked for work")
	}
	if got := m.Data().FilterInput(); got != typed {
		t.Fatalf("after the refused paste the bar holds %.40q…", got)
	}
	screen := screenText(m)
	if want := tuitest.Refusal(len(typed) + len(tuitest.MegabyteRule)); !strings.Contains(screen, want) {
		t.Fatalf("the screen lacks %q:\n%s", want, screen)
	}
	requireFits(t, m, 100, 30, "refused paste")
	if got, ok := m.Data().FilterCount(); !ok || got != n {
		t.Errorf("the count of the kept rule became %d, %v; was %d", got, ok, n)
	}

	// A paste that brings the rule to the limit exactly is taken and counted.
	room := rule.MaxRuleChars - len(typed) - len(" or plan = ''")
	fits := " or plan = '" + strings.Repeat("y", room) + "'"
	send(t, m, tea.PasteMsg{Content: fits})
	if got := m.Data().FilterInput(); got != typed+fits {
		t.Fatalf("a paste to the limit was not taken whole: %d characters", len(got))
	}
	if strings.Contains(screenText(m), "a rule can be at most") {
		t.Error("the refusal stayed after the rule changed")
	}
	if _, ok := m.Data().FilterCount(); !ok {
		t.Errorf("the rule at the limit was not counted: %v", m.Data().FilterError())
	}
	requireFits(t, m, 100, 30, "rule at the limit")
	typeText(t, m, "z")
	if got := len(m.Data().FilterInput()); got != rule.MaxRuleChars {
		t.Errorf("a key past the limit made the rule %d characters", got)
	}
	if want := tuitest.Refusal(rule.MaxRuleChars + 1); !strings.Contains(screenText(m), want) {
		t.Errorf("a key past the limit was dropped without saying why:\n%s", screenText(m))
	}
	press(t, m, "backspace")
	if strings.Contains(screenText(m), "a rule can be at most") {
		t.Error("the refusal stayed after backspace")
	}
}

// BenchmarkFilterBarLongRule draws the Data screen with a rule at the length
// limit in the filter bar, the cursor at its end: the frame after every key.
func BenchmarkFilterBarLongRule(b *testing.B) {
	ws := newWorkspace(b)
	m := newModel(b, ws, 160, 48, styles.Dark)
	press(b, m, "/")
	long := strings.Repeat("plan = 'gold' or ", rule.MaxRuleChars/17)
	send(b, m, tea.PasteMsg{Content: long[:len(long)-4]})
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}
