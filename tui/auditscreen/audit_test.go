package auditscreen

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

func TestAuditFiltersAndVerifies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := tuitest.Customers.Open(t)
	all, err := ws.AuditLog(ctx, query.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 100, 27)
	if got := m.entries; len(got) != len(all) || got[0].Seq != all[0].Seq {
		t.Fatalf("%d entries from %d, want %d from %d", len(got), got[0].Seq, len(all), all[0].Seq)
	}
	tuitest.MustShow(t, m.View(), "segment.create", "gold_us", all[0].Hash[:8])

	// a steps through the actions: imports, then segment changes.
	tuitest.Press(t, m, "a")
	for _, e := range m.entries {
		if e.Action != query.ActionImport {
			t.Fatalf("filtered by import, got %+v", e)
		}
	}
	tuitest.MustShow(t, m.View(), "action imports")
	tuitest.Press(t, m, "a")
	if n := len(m.entries); n != len(tuitest.Segments) {
		t.Fatalf("%d segment changes, want %d", n, len(tuitest.Segments))
	}
	// / filters by subject; esc clears every filter.
	tuitest.Press(t, m, "esc", "/")
	tuitest.Type(t, m, "gold_us")
	tuitest.Press(t, m, "enter")
	if got := m.entries; len(got) != 1 || got[0].Subject != "gold_us" {
		t.Fatalf("subject filter: %+v", got)
	}
	tuitest.Press(t, m, "esc")
	if len(m.entries) != len(all) {
		t.Fatal("esc did not clear the filters")
	}

	// Enter shows an entry's details as indented JSON.
	tuitest.Press(t, m, "enter")
	tuitest.MustShow(t, m.View(), "entry "+strconv.FormatInt(all[0].Seq, 10), `"rule": "plan = 'free' and age < 30"`)
	tuitest.Press(t, m, "esc")

	tuitest.Press(t, m, "v")
	if v := m.verdict; m.checkErr != nil || v == nil || !v.OK() || v.Entries != int64(len(all)) {
		t.Fatalf("verdict %+v (%v)", v, m.checkErr)
	}
	tuitest.MustShow(t, m.View(), "Hash chain intact — "+strconv.Itoa(len(all))+" entries")

	if _, err := ws.DB().ExecContext(ctx, "UPDATE segscope.audit SET actor='x' WHERE seq=2"); err != nil {
		t.Fatal(err)
	}
	tuitest.Press(t, m, "r", "v")
	if v := m.verdict; v == nil || v.BrokenSeq != 2 {
		t.Fatalf("after tampering: %+v", v)
	}
	tuitest.MustShow(t, m.View(), "Audit log broken at entry 2: entry 2 was altered: its contents do not match its hash")
	var row string
	for _, l := range strings.Split(tuitest.Text(m.View()), "\n") {
		if strings.Contains(l, "✗     2") {
			row = l
		}
	}
	if row == "" {
		t.Fatalf("the broken entry is not marked:\n%s", tuitest.Text(m.View()))
	}
}

func TestAuditPages(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	for i := range 40 {
		if err := ws.Audit(context.Background(), query.ActionPIIReveal, "customers.email", map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 80, 21)
	first := m.entries
	if len(first) == 0 || len(first) >= 40 {
		t.Fatalf("a page of %d entries", len(first))
	}
	tuitest.MustShow(t, m.View(), "pgdn older")
	tuitest.Press(t, m, "pgdown")
	second := m.entries
	if second[0].Seq != first[len(first)-1].Seq-1 {
		t.Fatalf("the second page starts at %d after %d", second[0].Seq, first[len(first)-1].Seq)
	}
	tuitest.Press(t, m, "pgup")
	if m.entries[0].Seq != first[0].Seq {
		t.Fatal("pgup did not come back to the newest page")
	}
}

// Entries cut from the end leave a chain with no broken link; the screen shows
// what the signed checkpoint says is gone, as audit --verify does.
func TestAuditScreenShowsACutTail(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	all, err := ws.AuditLog(context.Background(), query.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	last := all[0].Seq
	if _, err := ws.DB().ExecContext(context.Background(), "DELETE FROM segscope.audit WHERE seq >= ?", last-1); err != nil {
		t.Fatal(err)
	}
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 160, 27)
	tuitest.Press(t, m, "v")
	if v := m.verdict; v == nil || v.OK() || v.BrokenSeq != last-1 {
		t.Fatalf("verdict after a cut tail: %+v", v)
	}
	tuitest.MustShow(t, m.View(), fmt.Sprintf("Audit log broken at entry %d: entries %d–%d are gone", last-1, last-1, last))
}
