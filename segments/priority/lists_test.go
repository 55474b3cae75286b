package priority

import (
	"context"
	"strings"
	"testing"
)

// Lists names every list, or only those a segment is a step of; none before
// the first list is defined.
func TestLists(t *testing.T) {
	_, s := setup(t)
	ctx := context.Background()
	if got, err := s.Lists(ctx, ""); err != nil || len(got) != 0 {
		t.Fatalf("before any list: %v, %v", got, err)
	}
	for name, segs := range map[string][]string{"q4": {"champions", "at_risk"}, "winback": {"lapsed", "at_risk", "premium"}} {
		if _, err := s.Define(ctx, name, segs, "test"); err != nil {
			t.Fatal(err)
		}
	}
	names := func(segment string) []string {
		got, err := s.Lists(ctx, segment)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range got {
			out = append(out, l.Name)
		}
		return out
	}
	for segment, want := range map[string]string{"": "q4 winback", "at_risk": "q4 winback", "premium": "winback", "big_spenders": ""} {
		if got := names(segment); strings.Join(got, " ") != want {
			t.Errorf("lists of %q: %v, want %s", segment, got, want)
		}
	}
}
