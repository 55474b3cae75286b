package segments

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/events/eventstest"
)

func TestRFMMapCoversEveryScoreOnce(t *testing.T) {
	var seen [6][6]string
	for _, c := range rfmMap {
		for _, sp := range c.spans {
			for r := sp.R[0]; r <= sp.R[1]; r++ {
				for f := sp.F[0]; f <= sp.F[1]; f++ {
					if seen[r][f] != "" {
						t.Errorf("R%d F%d is in both %s and %s", r, f, seen[r][f], c.name)
					}
					seen[r][f] = c.name
				}
			}
		}
	}
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			if seen[r][f] == "" {
				t.Errorf("R%d F%d is in no cell", r, f)
			}
		}
	}
}

// retailRFM is a workspace with online-retail–shaped invoice lines as orders,
// the customers derived from them, and the orders' amount.
func retailRFM(t *testing.T) *query.Workspace {
	t.Helper()
	ctx := context.Background()
	ws := querytest.Empty(t)
	if _, err := ws.Import(ctx, eventstest.WriteRetail(t, 6000, 7), query.ImportOptions{Table: "orders"}); err != nil {
		t.Fatal(err)
	}
	if _, err := events.Setup(ctx, ws, events.Config{Table: "orders", Key: "CustomerID", Time: "InvoiceDate",
		Audience: "customers", Amount: "Quantity * UnitPrice"}, events.Options{Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	return ws
}

// Each cell's rule selects exactly the people the scoring put in it, the
// cells partition the scored people, and saving them is one change.
func TestRFMCellsAreTheirRules(t *testing.T) {
	ctx := context.Background()
	ws := retailRFM(t)
	r, err := MeasureRFM(ctx, ws, "customers", "")
	if err != nil {
		t.Fatal(err)
	}
	var audience int64
	if err := ws.DB().QueryRow(`SELECT count(*) FROM customers`).Scan(&audience); err != nil {
		t.Fatal(err)
	}
	if r.People+r.Unscored != audience || r.People == 0 {
		t.Fatalf("scored %d + unscored %d, audience %d", r.People, r.Unscored, audience)
	}
	var sum int64
	nonEmpty := 0
	for _, c := range r.Cells {
		sum += c.People
		if c.People > 0 {
			nonEmpty++
		}
	}
	if sum != r.People {
		t.Errorf("cells hold %d people, %d were scored", sum, r.People)
	}
	if nonEmpty < 6 {
		t.Errorf("only %d of %d cells hold anyone: the fixture does not exercise the map", nonEmpty, len(r.Cells))
	}
	// The monetary cut-offs are the per-customer amounts' quintiles, by hand.
	var m4 float64
	if err := ws.DB().QueryRow(`SELECT quantile_disc(s, 0.8) FROM (SELECT "CustomerID", sum("Quantity" * "UnitPrice") AS s
		FROM orders WHERE "CustomerID" IS NOT NULL GROUP BY ALL)`).Scan(&m4); err != nil {
		t.Fatal(err)
	}
	if r.Monetary == nil || r.Monetary[3] != strconv.FormatFloat(m4, 'g', -1, 64) {
		t.Errorf("monetary cut-offs %v, 80th percentile by hand %v", r.Monetary, m4)
	}

	store := NewStore(ws)
	segs, err := store.SaveAll(ctx, r.Definitions("RFM cells, measured"), Create)
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != len(rfmMap) {
		t.Fatalf("saved %d segments", len(segs))
	}
	for _, c := range r.Cells {
		n, err := store.Count(ctx, c.Name)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if n != c.People {
			t.Errorf("%s: its rule selects %d, the scoring put %d there\n%s", c.Name, n, c.People, c.Rule)
		}
	}
	// All or nothing: creating them again fails without writing any.
	before := auditCount(t, ws)
	if _, err := store.SaveAll(ctx, r.Definitions("again"), Create); !errors.Is(err, ErrExists) {
		t.Fatalf("creating the cells twice: %v", err)
	}
	if after := auditCount(t, ws); after != before {
		t.Errorf("a failed SaveAll wrote %d audit entries", after-before)
	}
}

// As of a date inside the events, RFM scores what had happened by then, and
// the cells' rules still select exactly the people scored into them.
func TestRFMAsOfADate(t *testing.T) {
	ctx := context.Background()
	ws := retailRFM(t)
	asOf := time.Date(2011, 6, 30, 0, 0, 0, 0, time.UTC)
	if err := events.SetAsOf(ctx, ws, asOf, "mid-year"); err != nil {
		t.Fatal(err)
	}
	r, err := MeasureRFM(ctx, ws, "customers", "")
	if err != nil {
		t.Fatal(err)
	}
	var before int64
	if err := ws.DB().QueryRow(`SELECT count(DISTINCT "CustomerID") FROM orders WHERE "InvoiceDate" <= TIMESTAMP '2011-06-30'`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if r.People != before {
		t.Errorf("scored %d people as of 2011-06-30, %d had ordered by then", r.People, before)
	}
	for _, c := range r.Cells {
		p, err := PreviewRule(ctx, ws, "customers", c.Rule)
		if err != nil {
			t.Fatal(err)
		}
		if p.Count != c.People {
			t.Errorf("%s: its rule selects %d, the scoring put %d there", c.Name, p.Count, c.People)
		}
	}
}

func TestRFMNeedsTimedEvents(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	if _, err := ws.Import(ctx, eventstest.WriteRetail(t, 300, 3), query.ImportOptions{Table: "orders"}); err != nil {
		t.Fatal(err)
	}
	if _, err := MeasureRFM(ctx, ws, "orders", ""); err == nil || !strings.Contains(err.Error(), "no event table with a time") {
		t.Errorf("RFM of a table without events: %v", err)
	}
	if _, err := events.Setup(ctx, ws, events.Config{Table: "orders", Key: "CustomerID", Audience: "customers"}, events.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := MeasureRFM(ctx, ws, "customers", "orders"); err == nil || !strings.Contains(err.Error(), "no time column") {
		t.Errorf("RFM on events without a time: %v", err)
	}
	if _, err := MeasureRFM(ctx, ws, "customers", "views"); err == nil || !strings.Contains(err.Error(), "not an event table") {
		t.Errorf("RFM on a table that is not an event table: %v", err)
	}
}

// Asked to score an event table (the table the Data screen has open after an
// import, which R on the Segments screen scores), RFM says to score its
// audience instead of offering to set up events of the events.
func TestRFMOfAnEventTableNamesItsAudience(t *testing.T) {
	ws := retailRFM(t)
	_, err := MeasureRFM(context.Background(), ws, "orders", "")
	if err == nil || !strings.Contains(err.Error(), "orders holds the events of customers: score customers") ||
		strings.Contains(err.Error(), "events setup") {
		t.Errorf("RFM of an event table: %v", err)
	}
}

// Templates fitted to an event table say whose events it holds, so that the
// picker can point at the audience rather than at the event table's columns.
func TestFitNamesTheAudienceOfAnEventTable(t *testing.T) {
	ws := retailRFM(t)
	ctx := context.Background()
	if f, err := Fit(ctx, ws, "orders"); err != nil || f.EventsOf != "customers" {
		t.Errorf("fit of the events: %+v, %v", f.EventsOf, err)
	}
	if f, err := Fit(ctx, ws, "customers"); err != nil || f.EventsOf != "" || len(f.Templates) == 0 {
		t.Errorf("fit of the audience: %+v, %v", f, err)
	}
}
