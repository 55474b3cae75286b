package datascreen

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/tuitest"
)

// filterCount is how many rows the rule in the bar matches, once counted.
func filterCount(m *Model) (int64, bool) {
	r := m.bar.result
	if r.valid && r.err == nil && r.text == strings.TrimSpace(m.bar.input.Value()) {
		return r.n, true
	}
	return 0, false
}

func TestFilterErrorPointsAtToken(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 100, 30)
	tuitest.Press(t, hs, "/")
	text := "plan = 'gold' and agee > 30"
	tuitest.Type(t, hs, text)
	var re *rule.Error
	if err := m.filterError(); !errors.As(err, &re) {
		t.Fatalf("want a rule error for %q, got %v", text, err)
	}
	if want := strings.Index(text, "agee"); re.Pos != want {
		t.Fatalf("error at %d, want %d (%v)", re.Pos, want, re)
	}
	lines := strings.Split(tuitest.Text(m.View()), "\n")
	input, caret := lines[0], lines[1]
	col := strings.Index(input, "agee")
	if got := strings.Index(caret, "^"); got != col {
		t.Fatalf("caret at column %d, want %d under agee:\n%s\n%s", got, col, input, caret)
	}
	if !strings.Contains(caret, "did you mean") {
		t.Fatalf("no suggestion under the rule: %q", caret)
	}
	// Enter does not apply a wrong rule.
	tuitest.Press(t, hs, "enter")
	if m.rule != "" || !m.CapturesText() {
		t.Fatal("a wrong rule was applied or the bar closed")
	}
}

func TestFilterCountsAsYouTypeAndApplies(t *testing.T) {
	t.Parallel()
	m, hs, ws := openScreen(t, 100, 30)
	text := "plan in ('gold', 'silver') and age >= 40"
	where, err := segments.Filter(context.Background(), ws, "customers", text)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ws.Count(context.Background(), "customers", where)
	if err != nil {
		t.Fatal(err)
	}
	tuitest.Press(t, hs, "/")
	tuitest.Type(t, hs, text)
	n, ok := filterCount(m)
	if !ok || n != want {
		t.Fatalf("live count = %d (%v), want %d", n, ok, want)
	}
	tuitest.MustShow(t, m.View(), "of 120 match")
	tuitest.Press(t, hs, "enter")
	if m.rule != text || m.CapturesText() {
		t.Fatalf("filter = %q, want it applied and the bar closed", m.rule)
	}
	if m.grid.Total() != want {
		t.Fatalf("grid total = %d, want %d", m.grid.Total(), want)
	}
	tuitest.Press(t, hs, "esc")
	if m.rule != "" || m.grid.Total() != 120 {
		t.Fatal("esc did not clear the filter")
	}
}

func TestFilterCompletesColumnsAndValues(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 100, 30)
	input := func() string { return m.bar.input.Value() }
	tuitest.Press(t, hs, "/")
	tuitest.Type(t, hs, "pla")
	tuitest.Press(t, hs, "tab")
	if got := input(); got != "plan" {
		t.Fatalf("tab after pla gave %q, want plan", got)
	}
	tuitest.Type(t, hs, " = ")
	tuitest.Press(t, hs, "tab")
	// free is the most frequent plan in the fixture.
	if got := input(); got != "plan = 'free'" {
		t.Fatalf("tab after plan = gave %q", got)
	}
	tuitest.Press(t, hs, "tab")
	if got := input(); got != "plan = 'silver'" {
		t.Fatalf("second tab gave %q, want the next value", got)
	}
	// Personal data is not offered as values.
	tuitest.Press(t, hs, "ctrl+u")
	tuitest.Type(t, hs, "email = ")
	tuitest.Press(t, hs, "tab")
	if got := input(); got != "email = " {
		t.Fatalf("completed a masked column's values: %q", got)
	}
}

func TestPasteIntoFilter(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 100, 30)
	tuitest.Press(t, hs, "/")
	tuitest.Send(t, hs, tea.PasteMsg{Content: "plan = 'gold'"})
	if got := m.bar.input.Value(); got != "plan = 'gold'" {
		t.Fatalf("pasted rule = %q", got)
	}
	if _, ok := filterCount(m); !ok {
		t.Fatal("a pasted rule was not counted")
	}
}

// TestPastedMegabyteRuleIsRefusedInTheFilterBar pastes a megabyte into the
// filter bar: Update returns without taking it, the bar keeps the rule it had
// and says why, and nothing is sent to be counted. Up to the limit a paste is
// taken; one character past it is refused.
func TestPastedMegabyteRuleIsRefusedInTheFilterBar(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 100, 30)
	input := func() string { return m.bar.input.Value() }
	tuitest.Press(t, hs, "/")
	typed := "plan = 'gold'"
	tuitest.Type(t, hs, typed)
	n, ok := filterCount(m)
	if !ok {
		t.Fatal("the typed rule was not counted")
	}

	if cmd := hs.Update(tea.PasteMsg{Content: tuitest.MegabyteRule}); cmd != nil {
		t.Error("a refused paste asked for work")
	}
	if got := input(); got != typed {
		t.Fatalf("after the refused paste the bar holds %.40q…", got)
	}
	tuitest.MustShow(t, m.View(), tuitest.Refusal(len(typed)+len(tuitest.MegabyteRule)))
	tuitest.RequireFits(t, m.View(), 100, 27, "refused paste")
	if got, ok := filterCount(m); !ok || got != n {
		t.Errorf("the count of the kept rule became %d, %v; was %d", got, ok, n)
	}

	// A paste that brings the rule to the limit exactly is taken and counted.
	room := rule.MaxRuleChars - len(typed) - len(" or plan = ''")
	fits := " or plan = '" + strings.Repeat("y", room) + "'"
	tuitest.Send(t, hs, tea.PasteMsg{Content: fits})
	if got := input(); got != typed+fits {
		t.Fatalf("a paste to the limit was not taken whole: %d characters", len(got))
	}
	if strings.Contains(tuitest.Text(m.View()), "a rule can be at most") {
		t.Error("the refusal stayed after the rule changed")
	}
	if _, ok := filterCount(m); !ok {
		t.Errorf("the rule at the limit was not counted: %v", m.filterError())
	}
	tuitest.RequireFits(t, m.View(), 100, 27, "rule at the limit")
	tuitest.Type(t, hs, "z")
	if got := len(input()); got != rule.MaxRuleChars {
		t.Errorf("a key past the limit made the rule %d characters", got)
	}
	if want := tuitest.Refusal(rule.MaxRuleChars + 1); !strings.Contains(tuitest.Text(m.View()), want) {
		t.Errorf("a key past the limit was dropped without saying why:\n%s", tuitest.Text(m.View()))
	}
	tuitest.Press(t, hs, "backspace")
	if strings.Contains(tuitest.Text(m.View()), "a rule can be at most") {
		t.Error("the refusal stayed after backspace")
	}
}

// BenchmarkFilterBarLongRule draws the Data screen with a rule at the length
// limit in the filter bar, the cursor at its end: the frame after every key.
func BenchmarkFilterBarLongRule(b *testing.B) {
	m, hs, _ := openScreen(b, 160, 48)
	tuitest.Press(b, hs, "/")
	long := strings.Repeat("plan = 'gold' or ", rule.MaxRuleChars/17)
	tuitest.Send(b, hs, tea.PasteMsg{Content: long[:len(long)-4]})
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}
