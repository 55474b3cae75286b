package export

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/consent"
)

// Benchmarks export a consent-gated segment of generated subscribers: 100,000 by
// default, or SEGSCOPE_BENCH_ROWS. Each has a Raw twin doing the same job by hand
// through duckdb-go directly, the shortest way a DuckDB user would: the members'
// states into a temporary table (querytest.HandStatesSQL), the excluded counted
// from it, the granted COPYed. The ratio is what segscope adds: its consent rules
// for any data, progress, the formula guard, hashing the file, the manifest and
// the audit entry.

func TestMain(m *testing.M) {
	code := m.Run()
	querytest.Cleanup()
	os.Exit(code)
}

func benchFiles(b *testing.B) map[string]string {
	dir := querytest.Data(b)
	return map[string]string{
		"subscribers": filepath.Join(dir, "subscribers.parquet"),
		"consent":     filepath.Join(dir, "consent.parquet"),
	}
}

const (
	benchRule    = "age >= 18"
	benchChannel = "email"
)

var benchColumns = []string{"email", "first_name", "country", "plan", "watch_hours_30d", "days_since_login"}

// benchLoaded returns an exporter over the generated data and a raw database
// holding the same tables.
func benchLoaded(b *testing.B) (*Exporter, *sql.DB) {
	ctx := context.Background()
	ws := querytest.Empty(b)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for table, path := range benchFiles(b) {
		if _, err := ws.Import(ctx, path, query.ImportOptions{Table: table}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(`CREATE TABLE ` + table + ` AS SELECT * FROM read_parquet(` + query.QuoteString(path) + `)`); err != nil {
			b.Fatal(err)
		}
	}
	if err := consent.New(ws).SetupSample(ctx); err != nil {
		b.Fatal(err)
	}
	define(b, ws, "adults", "subscribers", benchRule)
	return newExporter(ws), db
}

// benchExport exports the bench segment; raw skips the formula guard, so the
// two CSV benchmarks differ by what neutralising costs.
func benchExport(b *testing.B, f Format, raw bool) {
	e, _ := benchLoaded(b)
	path := filepath.Join(b.TempDir(), "out."+string(f))
	b.ResetTimer()
	var rows int64
	for b.Loop() {
		res, err := e.Export(context.Background(), Request{Segment: "adults", Format: f, Channel: benchChannel,
			Columns: benchColumns, Path: path, Force: true, Raw: raw})
		if err != nil {
			b.Fatal(err)
		}
		rows = res.Manifest.Rows
	}
	b.ReportMetric(float64(rows), "rows")
}

// benchRawExport is the export by hand: states kept once, counted, the granted written.
func benchRawExport(b *testing.B, f Format) {
	_, db := benchLoaded(b)
	path := filepath.Join(b.TempDir(), "out."+string(f))
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	cols := "subscriber_id, " + strings.Join(benchColumns, ", ")
	states := `CREATE OR REPLACE TEMP TABLE st AS SELECT subscriber_id, state FROM (` +
		querytest.HandStatesSQL(benchRule, false, now, benchChannel) + `)`
	copySQL := `COPY (SELECT ` + cols + ` FROM subscribers JOIN st USING (subscriber_id) WHERE st.state = 'granted' ORDER BY subscriber_id) TO ` +
		query.QuoteString(path) + ` (` + copyOptions[f] + `)`
	b.ResetTimer()
	var rows int64
	for b.Loop() {
		if _, err := conn.ExecContext(ctx, states); err != nil {
			b.Fatal(err)
		}
		counts, err := conn.QueryContext(ctx, `SELECT state, count(*) FROM st GROUP BY state`)
		if err != nil {
			b.Fatal(err)
		}
		for counts.Next() {
		}
		counts.Close()
		res, err := conn.ExecContext(ctx, copySQL)
		if err != nil {
			b.Fatal(err)
		}
		rows, _ = res.RowsAffected()
	}
	b.ReportMetric(float64(rows), "rows")
}

func BenchmarkExportCSV(b *testing.B)        { benchExport(b, CSV, false) }
func BenchmarkExportCSVNoGuard(b *testing.B) { benchExport(b, CSV, true) }
func BenchmarkRawExportCSV(b *testing.B)     { benchRawExport(b, CSV) }
func BenchmarkExportParquet(b *testing.B)    { benchExport(b, Parquet, false) }
func BenchmarkRawExportParquet(b *testing.B) { benchRawExport(b, Parquet) }
