package events_test

import (
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/events"
)

// byTurns runs segscope's way and the hand-written twin by turns on one load
// of the data (the shared machine's load falls on both alike), reporting each
// side's seconds per run and their ratio.
func byTurns(b *testing.B, seg, raw func()) {
	seg()
	raw()
	b.ResetTimer()
	var s, r time.Duration
	for b.Loop() {
		start := time.Now()
		seg()
		s += time.Since(start)
		start = time.Now()
		raw()
		r += time.Since(start)
	}
	b.ReportMetric(s.Seconds()/float64(b.N), "segscope-s/op")
	b.ReportMetric(r.Seconds()/float64(b.N), "raw-s/op")
	b.ReportMetric(s.Seconds()/r.Seconds(), "ratio")
}

// BenchmarkPerPersonVsRaw reads the events-per-person histogram of the
// profile panel (one statement: group, stats, round width, bins, people
// without events) against an analyst's two statements with the width known.
func BenchmarkPerPersonVsRaw(b *testing.B) {
	ws := benchOrders(b)
	e, err := events.Setup(ctx, ws, ordersSetup, events.Options{})
	if err != nil {
		b.Fatal(err)
	}
	const per = `(SELECT CustomerID, count(*) AS n FROM main.orders WHERE CustomerID IS NOT NULL GROUP BY CustomerID)`
	byTurns(b, func() {
		if _, err := events.PerPerson(ctx, ws, e); err != nil {
			b.Fatal(err)
		}
	}, func() {
		var people, evs, hi int64
		var med float64
		if err := ws.DB().QueryRowContext(ctx, `SELECT count(*), sum(n), median(n), max(n) FROM `+per).Scan(&people, &evs, &med, &hi); err != nil {
			b.Fatal(err)
		}
		rows, err := ws.DB().QueryContext(ctx, `SELECT floor(n / 5) * 5 AS low, count(*) FROM `+per+` GROUP BY low ORDER BY low`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
	})
}

// BenchmarkGroupByMeasureVsRaw groups the audience by count(orders) as Slice
// does (the round width found first, then the groups) against the join and
// group an analyst would write with the width known.
func BenchmarkGroupByMeasureVsRaw(b *testing.B) {
	ws := benchOrders(b)
	if _, err := events.Setup(ctx, ws, ordersSetup, events.Options{}); err != nil {
		b.Fatal(err)
	}
	byTurns(b, func() {
		if _, err := events.Group(ctx, ws, query.Grouping{Table: "customers", By: []string{"count(orders)"}}); err != nil {
			b.Fatal(err)
		}
	}, func() {
		rows, err := ws.DB().QueryContext(ctx, `SELECT floor(coalesce(n, 0) / 5) * 5 AS low, count(*) FROM main.customers c
			LEFT JOIN (SELECT CustomerID, count(*) AS n FROM main.orders WHERE CustomerID IS NOT NULL GROUP BY CustomerID) o
			USING (CustomerID) GROUP BY low ORDER BY low`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
	})
}
