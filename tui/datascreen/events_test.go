package datascreen

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/grid"
	"github.com/segscope/segscope/tui/tuitest"
)

// openOn is the Data screen on ws's table in a w×h console, with a harness.
func openOn(tb testing.TB, ws *query.Workspace, table string, w, h int) (*Model, *tuitest.Harness) {
	tb.Helper()
	m := New(tuitest.Env(tb, ws), Options{Table: table})
	hs := tuitest.NewHarness(m, w, h)
	tuitest.Settle(tb, hs, tea.Batch(m.Init(), m.SetSize(w, h-3)), nil)
	return m, hs
}

func frontView(hs *tuitest.Harness) string { return tuitest.Text(hs.Dialogs.Front().View()) }

func TestEnterShowsAPersonsEventsNewestFirstMasked(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	tuitest.SetUpPurchases(t, ws)
	m, hs := openOn(t, ws, "customers", 120, 30)
	tuitest.Press(t, hs, "j", "j", "j", "j", "j") // customer 6, with 6 purchases
	tuitest.Press(t, hs, "enter")
	if hs.Front() != TimelineDialog {
		t.Fatalf("enter opened %q", hs.Front())
	}
	v := frontView(hs)
	tuitest.MustShow(t, v, "Events of customer_id 6", "6 events, newest first", "personal data masked")
	if strings.Contains(v, "buyer6@example.com") {
		t.Fatalf("the timeline shows an email unmasked:\n%s", v)
	}
	// Newest first: customer 6's purchases are 6 days apart from 2026-01-01.
	var at []int
	for j := range 6 {
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 6*j).Format("2006-01-02")
		at = append(at, strings.Index(v, day))
	}
	for j := 1; j < 6; j++ {
		if at[j] < 0 || at[j] > at[j-1] {
			t.Fatalf("purchase %d (%d) is not above purchase %d (%d):\n%s", j, at[j], j-1, at[j-1], v)
		}
	}
	// r on the email column reveals it once the reveal is in the audit log.
	tuitest.Press(t, hs, "l", "l", "l", "l", "l", "r")
	tuitest.MustShow(t, frontView(hs), "buyer6@example.com")
	entries, err := ws.AuditLog(context.Background(), query.AuditFilter{Action: query.ActionPIIReveal})
	if err != nil || len(entries) != 1 || entries[0].Subject != "purchases.email" || !strings.Contains(entries[0].Details, `"person":"6"`) {
		t.Fatalf("the reveal's audit entry: %+v, %v", entries, err)
	}
	tuitest.Press(t, hs, "esc")
	if hs.Front() != "" || m.tl.open {
		t.Fatal("esc left the timeline open")
	}
}

func TestTimelinePagesThroughManyEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "people", "person,plan\nann,gold\nbob,free\n")
	var b strings.Builder
	b.WriteString("person,n\n")
	for i := range 450 {
		fmt.Fprintf(&b, "ann,%d\nbob,%d\n", i, -i)
	}
	querytest.ImportCSV(t, ws, "clicks", b.String())
	if _, err := events.Setup(ctx, ws, events.Config{Table: "clicks", Key: "person", Audience: "people"}, events.Options{}); err != nil {
		t.Fatal(err)
	}
	m, hs := openOn(t, ws, "people", 100, 30)
	tuitest.Press(t, hs, "enter")
	tuitest.MustShow(t, frontView(hs), "Events of person ann", "450 events, last rows first (no time column)")
	if n := len(m.tl.rows); n != timelinePage {
		t.Fatalf("%d events fetched at first, want a page of %d", n, timelinePage)
	}
	// The end fetches the pages before it as the rows on screen reach them.
	for len(m.tl.rows) < 450 {
		before := len(m.tl.rows)
		tuitest.Press(t, hs, "G")
		if len(m.tl.rows) == before {
			t.Fatalf("G stopped fetching at %d of 450 events", before)
		}
	}
	col := func(name string) int {
		return slices.IndexFunc(m.tl.grid.Columns(), func(c grid.Column) bool { return c.Name == name })
	}
	person, n := col("person"), col("n")
	for i, r := range m.tl.rows {
		if r[person] != "ann" || r[n] != int64(449-i) {
			t.Fatalf("event %d of ann's timeline is %v, want her row %d", i, r, 449-i)
		}
	}
}

func TestProfileOfThePersonKeyIsEventsPerPerson(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	tuitest.SetUpPurchases(t, ws)
	m, hs := openOn(t, ws, "customers", 160, 40)
	tuitest.Press(t, hs, "p")
	// 120 customers: i%7 purchases each, so the 17 multiples of 7 have none.
	tuitest.MustShow(t, m.View(), "events per person", "purchases per customer_id", "358 events of 103 · 17 without",
		"median 3 · most 6")
	// Another column's profile is the column's own.
	tuitest.Press(t, hs, "l")
	v := tuitest.Text(m.View())
	if strings.Contains(v, "events per person") || !strings.Contains(v, "Profile email") {
		t.Fatalf("the email column's profile:\n%s", v)
	}
}

func TestEventsTableIsOfferedForSetup(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	m, hs := openOn(t, ws, "purchases", 160, 40)
	titles := func() []string {
		var out []string
		for _, c := range m.Commands() {
			out = append(out, c.Title)
		}
		return out
	}
	if !slices.Contains(titles(), "Set up purchases as events…") {
		t.Fatalf("purchases names customers' key, yet the palette offers %v", titles())
	}
	msgs := tuitest.Collect(hs.Update(tuitest.Key("E")))
	if len(msgs) != 1 || msgs[0] != (common.SetUpEventsMsg{Table: "purchases"}) {
		t.Fatalf("E sent %v, want the form asked for on purchases", msgs)
	}
	tuitest.Press(t, hs, "enter")
	if !strings.Contains(hs.Notice, "purchases may hold events: E sets it up") {
		t.Fatalf("enter on an events table not set up says %q", hs.Notice)
	}

	tuitest.SetUpPurchases(t, ws)
	tuitest.Send(t, hs, common.EventsChangedMsg{Table: "purchases", Audience: "customers"})
	if m.table.Name != "purchases" || slices.Contains(titles(), "Set up purchases as events…") {
		t.Fatalf("after the setup the screen shows %s and offers %v", m.table.Name, titles())
	}
	tuitest.MustShow(t, m.View(), "360 rows · events of cus")
}

// A setup elsewhere keeps the open table's filter; the table made again by
// it is opened afresh.
func TestEventsSetupKeepsTheOpenFilter(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	m, hs := openOn(t, ws, "customers", 160, 40)
	tuitest.Press(t, hs, "/")
	tuitest.Type(t, hs, "plan = 'gold'")
	tuitest.Press(t, hs, "enter")
	if m.rule != "plan = 'gold'" {
		t.Fatalf("filter %q", m.rule)
	}
	tuitest.SetUpPurchases(t, ws)
	tuitest.Send(t, hs, common.EventsChangedMsg{Table: "purchases", Audience: "customers"})
	if m.rule != "plan = 'gold'" || m.table.Name != "customers" || len(m.eventsOf("customers")) != 1 {
		t.Fatalf("after the setup: table %s, filter %q, event tables %v", m.table.Name, m.rule, m.eventsOf("customers"))
	}
}
