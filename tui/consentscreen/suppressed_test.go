package consentscreen

import (
	"context"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/suppress"
	"github.com/segscope/segscope/tui/tuitest"
)

// A segment's detail counts the members on a suppression list as a state of
// their own, ahead of their consent, once the workspace has a list.
func TestConsentDetailCountsSuppressed(t *testing.T) {
	ctx := context.Background()
	ws := tuitest.Sample.Open(t)
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 140, 37)
	tuitest.Press(t, m, "enter")
	before := m.cov
	if before == nil {
		t.Fatalf("no detail: %v", m.covErr)
	}
	if _, listed := before.Channels[0].Counts[consent.Suppressed]; listed {
		t.Fatal("suppressed counted with no list")
	}
	// The segment's first member by key, on the do-not-contact list.
	seg, err := segments.NewStore(ws).Compile(ctx, before.Population.Segment)
	if err != nil {
		t.Fatal(err)
	}
	var key string
	if err := ws.DB().QueryRow(`SELECT CAST(min(` + seg.Key + `) AS VARCHAR) FROM main.` + seg.Table + ` WHERE ` + seg.Where).Scan(&key); err != nil {
		t.Fatal(err)
	}
	if _, err := suppress.New(ws).Add(ctx, suppress.AddRequest{List: suppress.DoNotContact, Kind: suppress.Key,
		Entries: []suppress.Entry{{Line: 1, Value: key}}}); err != nil {
		t.Fatal(err)
	}
	tuitest.Press(t, m, "esc", "enter")
	after := m.cov
	if after == nil || after.Channels[0].Counts[consent.Suppressed] != 1 || after.Members != before.Members {
		t.Fatalf("after the list: %+v", after)
	}
	tuitest.MustShow(t, m.View(), "suppressed")
}
