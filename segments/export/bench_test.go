package export

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

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
	// As in segments/snapshot's benchmarks: the import's checkpoint is not an export's.
	if _, err := ws.DB().Exec(`CHECKPOINT`); err != nil {
		b.Fatal(err)
	}
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
		res, err := e.Export(context.Background(), Request{Acknowledge: acknowledged, Segment: "adults", Format: f, Channel: benchChannel,
			Columns: benchColumns, Path: path, Force: true, Raw: raw})
		if err != nil {
			b.Fatal(err)
		}
		rows = res.Manifest.Rows
	}
	b.ReportMetric(float64(rows), "rows")
}

// rawExporter returns the export by hand: states kept once, counted, the
// granted written.
func rawExporter(b *testing.B, db *sql.DB, f Format) func() int64 {
	path := filepath.Join(b.TempDir(), "raw."+string(f))
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	cols := "subscriber_id, " + strings.Join(benchColumns, ", ")
	states := `CREATE OR REPLACE TEMP TABLE st AS SELECT subscriber_id, state FROM (` +
		querytest.HandStatesSQL(benchRule, false, now, benchChannel) + `)`
	copySQL := `COPY (SELECT ` + cols + ` FROM subscribers JOIN st USING (subscriber_id) WHERE st.state = 'granted' ORDER BY subscriber_id) TO ` +
		query.QuoteString(path) + ` (` + copyOptions[f] + `)`
	return func() int64 {
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
		rows, _ := res.RowsAffected()
		return rows
	}
}

func benchRawExport(b *testing.B, f Format) {
	_, db := benchLoaded(b)
	export := rawExporter(b, db, f)
	b.ResetTimer()
	var rows int64
	for b.Loop() {
		rows = export()
	}
	b.ReportMetric(float64(rows), "rows")
}

// benchExportVsRaw runs segscope's export and the twin by turns on one load of
// the data, so that both see the same machine: on a shared one, the load others
// put on it moves more than either side's own cost. It reports each side's
// seconds per export and their ratio.
func benchExportVsRaw(b *testing.B, f Format) {
	e, db := benchLoaded(b)
	raw := rawExporter(b, db, f)
	path := filepath.Join(b.TempDir(), "out."+string(f))
	// The first export reads the data's vocabulary and places once (as a
	// command does); the pair measures what every export then costs.
	export := func() int64 {
		res, err := e.Export(context.Background(), Request{Acknowledge: acknowledged, Segment: "adults", Format: f, Channel: benchChannel,
			Columns: benchColumns, Path: path, Force: true})
		if err != nil {
			b.Fatal(err)
		}
		return res.Manifest.Rows
	}
	export()
	b.ResetTimer()
	var seg, twin, segCPU, twinCPU time.Duration
	for b.Loop() {
		start, cpu := time.Now(), cpuTime()
		n := export()
		seg += time.Since(start)
		segCPU += cpuTime() - cpu
		start, cpu = time.Now(), cpuTime()
		if m := raw(); m != n {
			b.Fatalf("segscope wrote %d rows, the twin %d", n, m)
		}
		twin += time.Since(start)
		twinCPU += cpuTime() - cpu
	}
	b.ReportMetric(seg.Seconds()/float64(b.N), "segscope-s/op")
	b.ReportMetric(twin.Seconds()/float64(b.N), "raw-s/op")
	b.ReportMetric(seg.Seconds()/twin.Seconds(), "ratio")
	if twinCPU > 0 {
		// The work each side did, whatever else ran on the machine.
		b.ReportMetric(segCPU.Seconds()/twinCPU.Seconds(), "cpu-ratio")
	}
}

func BenchmarkExportCSVVsRaw(b *testing.B)     { benchExportVsRaw(b, CSV) }
func BenchmarkExportParquetVsRaw(b *testing.B) { benchExportVsRaw(b, Parquet) }

func BenchmarkExportCSV(b *testing.B)        { benchExport(b, CSV, false) }
func BenchmarkExportCSVNoGuard(b *testing.B) { benchExport(b, CSV, true) }
func BenchmarkRawExportCSV(b *testing.B)     { benchRawExport(b, CSV) }
func BenchmarkExportParquet(b *testing.B)    { benchExport(b, Parquet, false) }
func BenchmarkRawExportParquet(b *testing.B) { benchRawExport(b, Parquet) }
