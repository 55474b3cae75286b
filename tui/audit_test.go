package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/styles"
)

func TestAuditFiltersAndVerifies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := newWorkspace(t)
	define(t, ws, sampleSegments...)
	all, err := ws.AuditLog(ctx, query.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "8")
	a := m.Audit()
	if got := a.Entries(); len(got) != len(all) || got[0].Seq != all[0].Seq {
		t.Fatalf("%d entries from %d, want %d from %d", len(got), got[0].Seq, len(all), all[0].Seq)
	}
	mustContain(t, m, "segment.create", "gold_us", all[0].Hash[:8])

	// a steps through the actions: imports, then segment changes.
	press(t, m, "a")
	for _, e := range a.Entries() {
		if e.Action != query.ActionImport {
			t.Fatalf("filtered by import, got %+v", e)
		}
	}
	mustContain(t, m, "action imports")
	press(t, m, "a")
	if n := len(a.Entries()); n != len(sampleSegments) {
		t.Fatalf("%d segment changes, want %d", n, len(sampleSegments))
	}
	// / filters by subject; esc clears every filter.
	press(t, m, "esc", "/")
	typeText(t, m, "gold_us")
	press(t, m, "enter")
	if got := a.Entries(); len(got) != 1 || got[0].Subject != "gold_us" {
		t.Fatalf("subject filter: %+v", got)
	}
	press(t, m, "esc")
	if len(a.Entries()) != len(all) {
		t.Fatal("esc did not clear the filters")
	}

	// Enter shows an entry's details as indented JSON.
	press(t, m, "enter")
	mustContain(t, m, "entry "+strconv.FormatInt(all[0].Seq, 10), `"rule": "plan = 'free' and age < 30"`)
	press(t, m, "esc")

	press(t, m, "v")
	v, err := a.Verdict()
	if err != nil || v == nil || !v.OK() || v.Entries != int64(len(all)) {
		t.Fatalf("verdict %+v (%v)", v, err)
	}
	mustContain(t, m, "Hash chain intact — "+strconv.Itoa(len(all))+" entries")

	if _, err := ws.DB().ExecContext(ctx, "UPDATE segscope.audit SET actor='x' WHERE seq=2"); err != nil {
		t.Fatal(err)
	}
	press(t, m, "r", "v")
	if v, _ := a.Verdict(); v == nil || v.BrokenSeq != 2 {
		t.Fatalf("after tampering: %+v", v)
	}
	mustContain(t, m, "Audit log broken at entry 2: entry 2 was altered: its contents do not match its hash")
	var row string
	for _, l := range strings.Split(screenText(m), "\n") {
		if strings.Contains(l, "✗     2") {
			row = l
		}
	}
	if row == "" {
		t.Fatalf("the broken entry is not marked:\n%s", screenText(m))
	}
}

func TestAuditPages(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	for i := range 40 {
		if err := ws.Audit(context.Background(), query.ActionPIIReveal, "customers.email", map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	m := newModel(t, ws, 80, 24, styles.Dark)
	press(t, m, "8")
	a := m.Audit()
	first := a.Entries()
	if len(first) == 0 || len(first) >= 40 {
		t.Fatalf("a page of %d entries", len(first))
	}
	mustContain(t, m, "pgdn older")
	press(t, m, "pgdown")
	second := a.Entries()
	if second[0].Seq != first[len(first)-1].Seq-1 {
		t.Fatalf("the second page starts at %d after %d", second[0].Seq, first[len(first)-1].Seq)
	}
	press(t, m, "pgup")
	if a.Entries()[0].Seq != first[0].Seq {
		t.Fatal("pgup did not come back to the newest page")
	}
}

// Entries cut from the end leave a chain with no broken link; the screen shows
// what the signed checkpoint says is gone, as audit --verify does.
func TestAuditScreenShowsACutTail(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	define(t, ws, sampleSegments...)
	all, err := ws.AuditLog(context.Background(), query.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	last := all[0].Seq
	if _, err := ws.DB().ExecContext(context.Background(), "DELETE FROM segscope.audit WHERE seq >= ?", last-1); err != nil {
		t.Fatal(err)
	}
	m := newModel(t, ws, 160, 30, styles.Dark)
	press(t, m, "8", "v")
	if v, _ := m.Audit().Verdict(); v == nil || v.OK() || v.BrokenSeq != last-1 {
		t.Fatalf("verdict after a cut tail: %+v", v)
	}
	mustContain(t, m, fmt.Sprintf("Audit log broken at entry %d: entries %d–%d are gone", last-1, last-1, last))
}
