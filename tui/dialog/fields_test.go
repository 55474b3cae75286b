package dialog

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestCycleWrapsAndRestartsFromAHiddenField(t *testing.T) {
	shown := []string{"kind", "value", "reason"}
	for _, tc := range []struct {
		at   string
		by   int
		want string
	}{
		{"kind", 1, "value"}, {"reason", 1, "kind"}, {"kind", -1, "reason"}, {"table", 1, "value"},
	} {
		if got := Cycle(shown, tc.at, tc.by); got != tc.want {
			t.Errorf("Cycle from %s by %d = %s, want %s", tc.at, tc.by, got, tc.want)
		}
	}
}

func TestFocusOnlyAndType(t *testing.T) {
	a, b := TextInput("a", 10), TextInput("b", 10)
	FocusOnly(&b, &a, &b)
	if a.Focused() || !b.Focused() {
		t.Fatal("FocusOnly(&b) should focus b alone")
	}
	FocusOnly(nil, &a, &b)
	if a.Focused() || b.Focused() {
		t.Fatal("with a choice focused, no input should have the cursor")
	}
	if _, typed := Type(nil, nil); typed {
		t.Fatal("Type into a choice said it typed")
	}
}

func TestStepWraps(t *testing.T) {
	for _, tc := range []struct{ i, by, n, want int }{{0, 1, 3, 1}, {2, 1, 3, 0}, {0, -1, 3, 2}, {0, 1, 0, 0}} {
		if got := Step(tc.i, tc.by, tc.n); got != tc.want {
			t.Errorf("Step(%d, %d, %d) = %d, want %d", tc.i, tc.by, tc.n, got, tc.want)
		}
	}
}

// Navigate moves on tab and shift+tab, types into a focused input, and steps
// a focused choice on left and right.
func TestNavigate(t *testing.T) {
	k := DefaultFieldKeys()
	moved, chosen := 0, 0
	move := func(by int) { moved += by }
	choose := func(by int) tea.Cmd { chosen += by; return nil }
	in := TextInput("", 10)
	in.Focus()
	k.Navigate(tea.KeyPressMsg{Code: tea.KeyTab}, move, &in, choose)
	k.Navigate(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}, move, &in, choose)
	k.Navigate(tea.KeyPressMsg{Code: tea.KeyTab}, move, nil, choose)
	k.Navigate(tea.KeyPressMsg{Code: 'x', Text: "x"}, move, &in, choose)
	k.Navigate(tea.KeyPressMsg{Code: tea.KeyRight}, move, nil, choose)
	k.Navigate(tea.KeyPressMsg{Code: tea.KeyRight}, move, nil, choose)
	k.Navigate(tea.KeyPressMsg{Code: tea.KeyLeft}, move, nil, choose)
	if moved != 1 || chosen != 1 || in.Value() != "x" {
		t.Fatalf("moved %d, chosen %d, typed %q; want 1, 1 and x", moved, chosen, in.Value())
	}
}
