package consent

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

// Benchmarks run on generated subscribers and their consent events: 100,000
// subscribers by default, or SEGSCOPE_BENCH_ROWS. Each has a Raw twin asking the
// same question of the same tables through duckdb-go directly, written by hand
// the shortest way a DuckDB user would who knows this data's words and country
// codes (querytest.HandStatesSQL); the ratio of the two is what segscope's generality and
// bookkeeping cost.

func benchFiles(b *testing.B) (subscribers, events string) {
	dir := querytest.Data(b)
	return filepath.Join(dir, "subscribers.parquet"), filepath.Join(dir, "consent.parquet")
}

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// benchLoaded returns a segscope service and a raw database holding the same tables.
func benchLoaded(b *testing.B) (*Service, *sql.DB) {
	subscribers, events := benchFiles(b)
	ctx := context.Background()
	ws := querytest.Empty(b)
	for table, path := range map[string]string{"subscribers": subscribers, "consent": events} {
		if _, err := ws.Import(ctx, path, query.ImportOptions{Table: table}); err != nil {
			b.Fatal(err)
		}
	}
	if err := New(ws).SetupSample(ctx); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for table, path := range map[string]string{"subscribers": subscribers, "consent": events} {
		if _, err := db.Exec(`CREATE TABLE ` + table + ` AS SELECT * FROM read_parquet(` + query.QuoteString(path) + `)`); err != nil {
			b.Fatal(err)
		}
	}
	return newService(ws), db
}

// rawCoverageSQL is coverage by hand: states counted by channel and jurisdiction.
func rawCoverageSQL(members string) string {
	return `SELECT channel, jurisdiction, state, count(*) FROM (` + querytest.HandStatesSQL(members, members != "", now) + `) GROUP BY ALL`
}

func drain(b *testing.B, db *sql.DB, q string) {
	rows, err := db.Query(q)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	rows.Close()
}

func BenchmarkCoverage(b *testing.B) {
	s, _ := benchLoaded(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Coverage(context.Background(), WholeTable("subscribers"), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(querytest.Rows()), "rows")
}

func BenchmarkRawCoverage(b *testing.B) {
	_, db := benchLoaded(b)
	q := rawCoverageSQL("")
	b.ResetTimer()
	for b.Loop() {
		drain(b, db, q)
	}
}

const benchChurn = "days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2"

func BenchmarkCoverageSegment(b *testing.B) {
	s, _ := benchLoaded(b)
	ctx := context.Background()
	if _, err := segments.NewStore(s.ws).Define(ctx, segments.Definition{Name: "churn_risk", Table: "subscribers", Rule: benchChurn}); err != nil {
		b.Fatal(err)
	}
	c, err := segments.NewStore(s.ws).Compile(ctx, "churn_risk")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Coverage(ctx, SegmentMembers(c), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawCoverageSegment(b *testing.B) {
	_, db := benchLoaded(b)
	q := rawCoverageSQL(benchChurn)
	b.ResetTimer()
	for b.Loop() {
		drain(b, db, q)
	}
}

// The Raw twins answer the same question: on the sample (the generator's data),
// the hand-written states count as segscope's do.
func TestHandStatesAgree(t *testing.T) {
	ws := sample(t)
	s := newService(ws)
	c := define(t, ws, "churn_risk", "subscribers", benchChurn)
	for _, pop := range []Population{WholeTable("subscribers"), SegmentMembers(c)} {
		cov, err := s.Coverage(context.Background(), pop, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameTallies(t, coverageTallies(cov), tallies(t, ws.DB(),
			`SELECT channel, state, count(*) FROM (`+querytest.HandStatesSQL(pop.Where, pop.Where != "", now)+`) GROUP BY ALL`))
	}
}

// benchCoverageVsRaw runs Coverage and the twin by turns on one load of the data
// (see the export benchmarks' benchExportVsRaw), reporting each side's seconds
// per run and their ratio. The first Coverage reads the data's vocabulary and
// places, as a command does once.
func benchCoverageVsRaw(b *testing.B, segment bool) {
	s, db := benchLoaded(b)
	ctx := context.Background()
	pop := WholeTable("subscribers")
	if segment {
		if _, err := segments.NewStore(s.ws).Define(ctx, segments.Definition{Name: "churn_risk", Table: "subscribers", Rule: benchChurn}); err != nil {
			b.Fatal(err)
		}
		c, err := segments.NewStore(s.ws).Compile(ctx, "churn_risk")
		if err != nil {
			b.Fatal(err)
		}
		pop = SegmentMembers(c)
	}
	q := rawCoverageSQL(pop.Where)
	coverage := func() {
		if _, err := s.Coverage(ctx, pop, nil); err != nil {
			b.Fatal(err)
		}
	}
	coverage()
	b.ResetTimer()
	var seg, twin time.Duration
	for b.Loop() {
		start := time.Now()
		coverage()
		seg += time.Since(start)
		start = time.Now()
		drain(b, db, q)
		twin += time.Since(start)
	}
	b.ReportMetric(seg.Seconds()/float64(b.N), "segscope-s/op")
	b.ReportMetric(twin.Seconds()/float64(b.N), "raw-s/op")
	b.ReportMetric(seg.Seconds()/twin.Seconds(), "ratio")
}

func BenchmarkCoverageVsRaw(b *testing.B)        { benchCoverageVsRaw(b, false) }
func BenchmarkCoverageSegmentVsRaw(b *testing.B) { benchCoverageVsRaw(b, true) }
