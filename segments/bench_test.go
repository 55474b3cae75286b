package segments_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

const (
	benchRule = `days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2 and plan in ('premium', 'family', 'standard')`
	benchSQL  = `SELECT count(*) FROM subscribers WHERE days_since_login > 30 AND watch_hours_30d < watch_hours_prev_30d / 2 AND plan IN ('premium', 'family', 'standard')`
)

// BenchmarkSegmentCount counts a stored segment: look-up, fresh compilation and the count.
func BenchmarkSegmentCount(b *testing.B) {
	ctx := context.Background()
	ws := querytest.Workspace(b)
	store := segments.NewStore(ws)
	if _, err := store.Define(ctx, segments.Definition{Name: "churn_risk", Table: "subscribers", Rule: benchRule}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := store.Count(ctx, "churn_risk"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(querytest.Rows()), "rows")
}

// BenchmarkRawSegmentCount is the same count written by hand through duckdb-go.
func BenchmarkRawSegmentCount(b *testing.B) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pq := filepath.Join(querytest.Data(b), "subscribers.parquet")
	if _, err := db.Exec(`CREATE TABLE subscribers AS SELECT * FROM read_parquet(` + query.QuoteString(pq) + `)`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		var n int64
		if err := db.QueryRow(benchSQL).Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}
