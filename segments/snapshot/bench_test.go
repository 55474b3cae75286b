package snapshot

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// Two versions of a segment that move members both ways.
var benchRules = [2]string{
	"days_since_login > 7 and watch_hours_30d < watch_hours_prev_30d / 2",
	"days_since_login > 10 and watch_hours_30d < watch_hours_prev_30d / 1.5",
}

// BenchmarkSnapshotVsRaw records a snapshot of a segment whose rule alternates
// between two versions, so members enter and leave each time (segscope: the
// compilation, one pass for the keys, the intervals closed and opened, the
// audit entry; no reach, the generated data having no consent set up) against
// the twin a DuckDB user would write: a copy of the members' keys per snapshot.
//
// Both sides keep their data in a file, as a workspace does: DuckDB checkpoints
// an in-memory database by writing every table again (10 s at ten million rows
// after a one-row change), which would put on whichever side crosses the
// checkpoint threshold a cost no workspace file pays.
func BenchmarkSnapshotVsRaw(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	subscribers := filepath.Join(querytest.Data(b), "subscribers.parquet")
	ws, err := query.Open(ctx, filepath.Join(dir, "workspace.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	if _, err := ws.Import(ctx, subscribers, query.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("duckdb", filepath.Join(dir, "raw.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE subscribers AS SELECT * FROM read_parquet(` + query.QuoteString(subscribers) + `)`); err != nil {
		b.Fatal(err)
	}
	store := segments.NewStore(ws)
	s := New(ws)
	i := 0
	define := func() {
		if _, err := store.Define(ctx, segments.Definition{Name: "churn_risk", Table: "subscribers", Rule: benchRules[i%2]}); err != nil {
			b.Fatal(err)
		}
	}
	define()
	// Neither side pays for its import. DuckDB 1.5.6 writes a freshly loaded
	// table again at the first checkpoints after any later change, however small
	// (6 s, then 2 s, at ten million rows), and whichever side committed the
	// change that crossed the checkpoint threshold paid that.
	for _, d := range []*sql.DB{ws.DB(), db} {
		for range 4 {
			if _, err := d.Exec(`CREATE OR REPLACE TABLE settle AS SELECT 1 AS x; CHECKPOINT`); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := d.Exec(`DROP TABLE settle; CHECKPOINT`); err != nil {
			b.Fatal(err)
		}
	}
	querytest.ByTurns(b,
		querytest.Side{Name: "segscope", Run: func() {
			if _, err := s.Take(ctx, "churn_risk", ""); err != nil {
				b.Fatal(err)
			}
		}},
		querytest.Side{Name: "raw", Run: func() {
			if _, err := db.Exec(fmt.Sprintf(`CREATE TABLE snap_%d AS SELECT subscriber_id FROM subscribers WHERE %s`, i, benchRules[i%2])); err != nil {
				b.Fatal(err)
			}
		}, Then: func() {
			i++
			define() // the next version of the rule, timed on neither side
		}},
	)
}

// BenchmarkDiffVsRaw counts who entered and left between two snapshots against
// EXCEPT both ways over two copies of the members' keys.
func BenchmarkDiffVsRaw(b *testing.B) {
	ws := querytest.Workspace(b)
	db := querytest.RawSubscribers(b)
	ctx := context.Background()
	store := segments.NewStore(ws)
	s := New(ws)
	var snaps []Snapshot
	for i, r := range benchRules {
		if _, err := store.Define(ctx, segments.Definition{Name: "churn_risk", Table: "subscribers", Rule: r}); err != nil {
			b.Fatal(err)
		}
		t, err := s.Take(ctx, "churn_risk", "")
		if err != nil {
			b.Fatal(err)
		}
		snaps = append(snaps, t.Snapshot)
		if _, err := db.Exec(fmt.Sprintf(`CREATE TABLE snap_%d AS SELECT subscriber_id AS k FROM subscribers WHERE %s`, i, r)); err != nil {
			b.Fatal(err)
		}
	}
	raw := `SELECT (SELECT count(*) FROM (SELECT k FROM snap_1 EXCEPT SELECT k FROM snap_0)),
		(SELECT count(*) FROM (SELECT k FROM snap_0 EXCEPT SELECT k FROM snap_1))`
	querytest.ByTurns(b,
		querytest.Side{Name: "segscope", Run: func() {
			if _, err := s.Diff(ctx, "churn_risk", snaps[0], &snaps[1], false); err != nil {
				b.Fatal(err)
			}
		}},
		querytest.Side{Name: "raw", Run: func() {
			rows, err := db.Query(raw)
			querytest.Drain(b, rows, err)
		}},
	)
}

// BenchmarkSnapshotStorage measures the bytes a first snapshot of every row of a
// table of querytest.Rows() integer keys adds to a workspace file, per million
// keys, and what a second one with nobody moving adds.
func BenchmarkSnapshotStorage(b *testing.B) {
	ctx := context.Background()
	ws, err := query.Open(ctx, filepath.Join(b.TempDir(), "w.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	n := querytest.Rows()
	querytest.ImportCSV(b, ws, "people", "id,n\n1,1\n")
	if _, err := ws.DB().Exec(fmt.Sprintf(`INSERT INTO people SELECT i, i %% 7 FROM range(2, %d) t(i)`, n+1)); err != nil {
		b.Fatal(err)
	}
	if _, err := segments.NewStore(ws).Define(ctx, segments.Definition{Name: "everyone", Table: "people", Rule: "n >= 0"}); err != nil {
		b.Fatal(err)
	}
	s := New(ws)
	used := func() int64 {
		if _, err := ws.DB().Exec(`CHECKPOINT`); err != nil {
			b.Fatal(err)
		}
		var blocks, size int64
		if err := ws.DB().QueryRow(`SELECT used_blocks, block_size FROM pragma_database_size() WHERE database_name = current_database()`).Scan(&blocks, &size); err != nil {
			b.Fatal(err)
		}
		return blocks * size
	}
	var first, again int64
	for b.Loop() {
		if _, err := ws.DB().Exec(`DROP TABLE IF EXISTS segscope.snapshot_members; DROP TABLE IF EXISTS segscope.snapshots`); err != nil {
			b.Fatal(err)
		}
		before := used()
		if _, err := s.Take(ctx, "everyone", ""); err != nil {
			b.Fatal(err)
		}
		mid := used()
		if _, err := s.Take(ctx, "everyone", ""); err != nil {
			b.Fatal(err)
		}
		first, again = mid-before, used()-mid
	}
	b.ReportMetric(float64(first)/float64(n)*1e6/(1<<20), "MB/Mkeys")
	b.ReportMetric(float64(again)/float64(n)*1e6/(1<<20), "again-MB/Mkeys")
}
