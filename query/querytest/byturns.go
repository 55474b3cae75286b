package querytest

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
)

// Side is one side of a benchmark run by turns: a name for its metric and the
// work of one operation.
type Side struct {
	Name string
	Run  func()
	// Then, if set, runs after Run without being timed: setting up the next
	// turn.
	Then func()
}

// ByTurns runs each side once per iteration, one after another, so that every
// side sees the same machine: on a shared one the load others put on it moves
// more than any side's own cost. It reports each side's seconds per operation
// (NAME-s/op) and the first side's time over the second's (ratio).
func ByTurns(b *testing.B, sides ...Side) {
	b.Helper()
	took := make([]time.Duration, len(sides))
	b.ResetTimer()
	for b.Loop() {
		for i, s := range sides {
			start := time.Now()
			s.Run()
			took[i] += time.Since(start)
			if s.Then != nil {
				s.Then()
			}
		}
	}
	for i, s := range sides {
		b.ReportMetric(took[i].Seconds()/float64(b.N), s.Name+"-s/op")
	}
	if len(sides) > 1 && took[1] > 0 {
		b.ReportMetric(took[0].Seconds()/took[1].Seconds(), "ratio")
	}
}

// RawSubscribers is a plain DuckDB database (no segscope) holding the generated
// subscribers as the table subscribers: where the hand-written twins run.
func RawSubscribers(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	path := filepath.Join(Data(tb), "subscribers.parquet")
	if _, err := db.Exec(`CREATE TABLE subscribers AS SELECT * FROM read_parquet(` + query.QuoteString(path) + `)`); err != nil {
		tb.Fatal(err)
	}
	return db
}
