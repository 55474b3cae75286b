package segments_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/events"
)

// BenchmarkRFMVsRaw scores SEGSCOPE_BENCH_PEOPLE people (default 100,000)
// with SEGSCOPE_BENCH_EVENTS_PER orders each on average (default 30), by turns with the hand-written twin: the
// per-person measures, NTILE(5) scores and the count per score pair, as a
// DuckDB user would write it (NTILE splits ties by row order, which
// MeasureRFM does not; the work is the same).
func BenchmarkRFMVsRaw(b *testing.B) {
	ctx := context.Background()
	people, per := 100_000, 30
	if v, err := strconv.Atoi(os.Getenv("SEGSCOPE_BENCH_PEOPLE")); err == nil && v > 0 {
		people = v
	}
	if v, err := strconv.Atoi(os.Getenv("SEGSCOPE_BENCH_EVENTS_PER")); err == nil && v > 0 {
		per = v
	}
	ws := querytest.Empty(b)
	n := strconv.Itoa(people)
	if _, err := ws.DB().ExecContext(ctx, `CREATE TABLE orders AS SELECT CAST(hash(i) % `+n+` AS BIGINT) AS customer,
		TIMESTAMP '2026-11-01' - INTERVAL (hash(i * 7) % 365) DAY AS t, CAST(hash(i * 13) % 9000 AS DOUBLE) / 100 AS price,
		CAST(1 + hash(i * 17) % 4 AS INTEGER) AS qty FROM range(`+strconv.Itoa(per)+` * `+n+`) r(i)`); err != nil {
		b.Fatal(err)
	}
	if _, err := events.Setup(ctx, ws, events.Config{Table: "orders", Key: "customer", Time: "t", Audience: "customers",
		Amount: "qty * price"}, events.Options{}); err != nil {
		b.Fatal(err)
	}
	const raw = `WITH p AS (SELECT customer, max(t) AS r, count(*) AS f, sum(qty * price) AS m FROM orders GROUP BY customer),
		s AS (SELECT ntile(5) OVER (ORDER BY r) AS rs, ntile(5) OVER (ORDER BY f) AS fs, ntile(5) OVER (ORDER BY m) AS ms FROM p)
		SELECT rs, fs, count(*) FROM s GROUP BY ALL`
	b.ResetTimer()
	var seg, twin time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := segments.MeasureRFM(ctx, ws, "customers", ""); err != nil {
			b.Fatal(err)
		}
		seg += time.Since(start)
		start = time.Now()
		rows, err := ws.DB().QueryContext(ctx, raw)
		querytest.Drain(b, rows, err)
		twin += time.Since(start)
	}
	b.ReportMetric(seg.Seconds()/float64(b.N), "segscope-s/op")
	b.ReportMetric(twin.Seconds()/float64(b.N), "raw-s/op")
	b.ReportMetric(seg.Seconds()/twin.Seconds(), "ratio")
}
