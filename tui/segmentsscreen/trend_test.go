package segmentsscreen

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/tuitest"
)

// s takes a snapshot of the segment under the cursor: the list grows a trend
// column with its sparkline, the detail a chart, and the notice says who
// entered and left since the last export, as counted by the rules themselves.
func TestSnapshotKeyTrendAndDiffSinceExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := tuitest.Customers.Open(t)
	store := segments.NewStore(ws)
	m, hs := console(t, ws, 100, 30)
	if text := screenText(m, hs); strings.Contains(text, "trend") || strings.Contains(text, "size and reach") {
		t.Fatalf("a trend before any snapshot:\n%s", text)
	}
	tuitest.Press(t, hs, "s")
	first, err := store.Count(ctx, "big_spenders")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("Snapshot 1 of big_spenders: %s members; no export yet", draw.Count(first)); !strings.HasPrefix(hs.Notice, want) {
		t.Fatalf("notice %q, want %q…", hs.Notice, want)
	}
	text := screenText(m, hs)
	tuitest.MustShow(t, text, "trend", "size and reach · 1 snapshot", "last snapshot 1 (snapshot")
	if row := lineWith(text, "big_spenders"); !strings.ContainsAny(row, "▁▂▃▄▅▆▇█") {
		t.Fatalf("no sparkline on big_spenders' row: %q", row)
	}

	// An export's snapshot, then a wider rule: the members between 300 and
	// 400 enter, nobody leaves.
	c, err := store.Compile(ctx, "big_spenders")
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := snapshot.Record(ctx, ws, tx, c, nil, snapshot.KindExport, snapshot.Scope{}, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	tuitest.Define(t, ws, segments.Definition{Name: "between", Table: "customers", Rule: "spend >= 300 and spend < 400"},
		segments.Definition{Name: "big_spenders", Table: "customers", Rule: "spend >= 300"})
	entered, err := store.Count(ctx, "between")
	if err != nil || entered == 0 {
		t.Fatalf("members between 300 and 400: %d, %v", entered, err)
	}
	tuitest.Press(t, hs, "r")
	tuitest.Press(t, hs, "g", "j") // between, then big_spenders
	if m.selected() != "big_spenders" {
		t.Fatalf("cursor on %s", m.selected())
	}
	tuitest.Press(t, hs, "s")
	if want := fmt.Sprintf("since the last export (snapshot 2) %s entered, 0 left", draw.Count(entered)); !strings.Contains(hs.Notice, want) {
		t.Fatalf("notice %q lacks %q", hs.Notice, want)
	}
	tuitest.MustShow(t, screenText(m, hs), "size and reach · 3 snapshots", "last snapshot 3 (snapshot")
	if first+entered > first*6/5 {
		tuitest.MustShow(t, screenText(m, hs), "⚠ size moved")
	}
	tuitest.RequireFits(t, m.View(), 100, 27, "trend")
}

func lineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// Channels sharing an initial are plotted with different letters.
func TestReachMarksDiffer(t *testing.T) {
	used := map[rune]bool{}
	got := string([]rune{reachMark("sms", used), reachMark("social", used), reachMark("ss", used), reachMark("email", used)})
	if got != "soae" {
		t.Fatalf("marks %q, want soae", got)
	}
}
