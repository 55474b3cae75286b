package rule_test

import (
	"database/sql"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/segscope/segscope/segments/rule"
)

// benchEventsDB holds SEGSCOPE_BENCH_PEOPLE people (default 100,000) and
// SEGSCOPE_BENCH_EVENTS_PER viewing events each on average (default 30),
// spread over a year before the as-of date.
func benchEventsDB(b *testing.B) (*sql.DB, rule.Schema) {
	b.Helper()
	people, per := 100_000, 30
	if v, err := strconv.Atoi(os.Getenv("SEGSCOPE_BENCH_PEOPLE")); err == nil && v > 0 {
		people = v
	}
	if v, err := strconv.Atoi(os.Getenv("SEGSCOPE_BENCH_EVENTS_PER")); err == nil && v > 0 {
		per = v
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	n := strconv.Itoa(people)
	for _, q := range []string{
		`CREATE TABLE people AS SELECT CAST(i AS BIGINT) AS id, i % 5 = 0 AS trial FROM range(` + n + `) r(i)`,
		`CREATE TABLE views AS SELECT CAST(hash(i) % ` + n + ` AS BIGINT) AS id,
			TIMESTAMP '2026-11-01' - INTERVAL (hash(i * 7) % 365) DAY AS t, CAST(hash(i * 13) % 120 AS INTEGER) AS minutes
			FROM range(` + strconv.Itoa(per) + ` * ` + n + `) r(i)`,
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	return db, rule.Schema{
		Table: "people", Key: "id",
		Columns: []rule.Column{{Name: "id", Type: rule.TypeNumber}, {Name: "trial", Type: rule.TypeBool}},
		Events: []rule.EventTable{{Name: "views", Key: "id", Time: "t", Columns: []rule.Column{
			{Name: "id", Type: rule.TypeNumber}, {Name: "t", Type: rule.TypeTimestamp}, {Name: "minutes", Type: rule.TypeNumber}}}},
		AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	}
}

// Two event conditions: no viewing in the last 3 days, yet over 1,800
// minutes watched in all.
const benchEventRule = `count(views in last 3 days) = 0 and sum(views.minutes) > 1800`

// The hand-written twins: one grouped pass joined to the people, and one
// correlated subquery per condition.
const (
	benchEventJoin = `SELECT count(*) FROM people p LEFT JOIN (SELECT id,
		count(*) FILTER (WHERE t > TIMESTAMP '2026-11-01' - INTERVAL 3 DAY AND t <= TIMESTAMP '2026-11-01') AS recent,
		sum(minutes) AS minutes FROM views GROUP BY id) v USING (id)
		WHERE coalesce(v.recent, 0) = 0 AND coalesce(v.minutes, 0) > 1800`
	benchEventCorrelated = `SELECT count(*) FROM people p WHERE
		(SELECT count(*) FROM views v WHERE v.id = p.id AND v.t > TIMESTAMP '2026-11-01' - INTERVAL 3 DAY AND v.t <= TIMESTAMP '2026-11-01') = 0
		AND (SELECT coalesce(sum(minutes), 0) FROM views v WHERE v.id = p.id) > 1800`
)

// BenchmarkEventCountVsRaw compiles and counts benchEventRule and runs each
// hand-written twin, by turns on one load of the data, reporting seconds
// per run of each and the ratio to the faster twin.
func BenchmarkEventCountVsRaw(b *testing.B) {
	db, s := benchEventsDB(b)
	count := func(q string) int64 {
		var n int64
		if err := db.QueryRow(q).Scan(&n); err != nil {
			b.Fatal(err)
		}
		return n
	}
	where, err := rule.Compile(benchEventRule, s, nil)
	if err != nil {
		b.Fatal(err)
	}
	if got, want := count(`SELECT count(*) FROM people WHERE `+where), count(benchEventJoin); got != want {
		b.Fatalf("the rule counts %d people, the hand-written join %d", got, want)
	}
	b.ResetTimer()
	var seg, join, corr time.Duration
	for b.Loop() {
		start := time.Now()
		where, err := rule.Compile(benchEventRule, s, nil)
		if err != nil {
			b.Fatal(err)
		}
		count(`SELECT count(*) FROM people WHERE ` + where)
		seg += time.Since(start)
		start = time.Now()
		count(benchEventJoin)
		join += time.Since(start)
		start = time.Now()
		count(benchEventCorrelated)
		corr += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(seg.Seconds()/n, "segscope-s/op")
	b.ReportMetric(join.Seconds()/n, "join-s/op")
	b.ReportMetric(corr.Seconds()/n, "correlated-s/op")
	b.ReportMetric(seg.Seconds()/min(join, corr).Seconds(), "ratio")
}
