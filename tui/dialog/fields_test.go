package dialog

import "testing"

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
