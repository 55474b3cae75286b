package segmentsscreen

import (
	"context"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/tui/tuitest"
)

// R scores the table's people and asks before saving the cells, which then
// arrive in the list as one change.
func TestRFMCellsFromTheList(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	tuitest.SetUpPurchases(t, ws)
	m, hs := console(t, ws, 100, 34)
	m.scopeTable = "customers"
	tuitest.Press(t, hs, "R")
	if hs.Front() != RFMDialog {
		t.Fatalf("R opened %q (notice %q)", hs.Front(), hs.Notice)
	}
	tuitest.MustShow(t, screenText(m, hs), "Create 11 RFM segments on customers?", "rfm_champions", "rfm_lost", "scored on purchases")
	if list, _ := segments.NewStore(ws).List(context.Background()); len(list) != 0 {
		t.Fatalf("segments saved before the answer: %d", len(list))
	}
	tuitest.Press(t, hs, "y")
	list, err := segments.NewStore(ws).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rfm := 0
	for _, s := range list {
		if strings.HasPrefix(s.Name, segments.RFMPrefix) {
			rfm++
		}
	}
	if rfm != 11 || hs.Notice != "Saved 11 RFM segments" || m.selected() != "rfm_champions" {
		t.Fatalf("after y: %d RFM segments, notice %q, selected %q", rfm, hs.Notice, m.selected())
	}
}

func TestRFMWithoutEventsSaysWhy(t *testing.T) {
	t.Parallel()
	m, hs := console(t, tuitest.Customers.Open(t), 100, 30)
	m.scopeTable = "customers"
	tuitest.Press(t, hs, "R")
	if hs.Front() != "" || !strings.Contains(hs.Notice, "no event table with a time") {
		t.Fatalf("R without events: dialog %q, notice %q", hs.Front(), hs.Notice)
	}
}
