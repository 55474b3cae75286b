package common

import "testing"

func TestDebounceAcceptsOnlyItsLatestEdit(t *testing.T) {
	var a, b Debounce
	first := a.Edit()().(DebounceMsg)
	second := a.Edit()().(DebounceMsg)
	other := b.Edit()().(DebounceMsg)
	if a.Settled(first) || !a.Settled(second) || a.Settled(other) || !b.Settled(other) {
		t.Fatal("a tick was taken for another edit's")
	}
}
