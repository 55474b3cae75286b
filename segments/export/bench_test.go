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
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
)

// Benchmarks export a consent-gated segment of generated subscribers: 100,000 by
// default, or SEGSCOPE_BENCH_ROWS. Each has a Raw twin running the same statements
// (the gate's count, then the COPY) through duckdb-go directly; the ratio of the two
// is segscope's overhead: progress counting, hashing the file, the manifest and the
// audit entry.

func TestMain(m *testing.M) {
	code := m.Run()
	querytest.Cleanup()
	os.Exit(code)
}

func benchFiles(b *testing.B) map[string]string {
	dir := querytest.Data(b)
	return map[string]string{
		"subscribers": filepath.Join(dir, sampledata.SubscribersFile),
		"consent":     filepath.Join(dir, sampledata.ConsentFile),
	}
}

const (
	benchRule    = "age >= 18"
	benchChannel = "email"
)

var benchColumns = []string{"email", "first_name", "country", "plan", "watch_hours_30d", "days_since_login"}

// benchLoaded returns an exporter over the generated data, a raw database holding
// the same tables, and the statements an export runs.
func benchLoaded(b *testing.B) (e *Exporter, db *sql.DB, count, sel string) {
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
		if _, err := db.Exec(`CREATE TABLE ` + table + ` AS SELECT * FROM read_csv(` + query.QuoteString(path) + `)`); err != nil {
			b.Fatal(err)
		}
	}
	if err := consent.New(ws).SetupSample(ctx); err != nil {
		b.Fatal(err)
	}
	define(b, ws, "adults", "subscribers", benchRule)
	c, err := segments.NewStore(ws).Compile(ctx, "adults")
	if err != nil {
		b.Fatal(err)
	}
	svc := consent.New(ws)
	svc.Now = newExporter(ws).consent.Now
	g, err := svc.Gate(ctx, consent.SegmentMembers(c), benchChannel)
	if err != nil {
		b.Fatal(err)
	}
	cols := append([]string{"subscriber_id"}, benchColumns...)
	for i, c := range cols {
		cols[i] = query.QuoteIdent(c)
	}
	count = `SELECT state, count(*) FROM (` + g.States + `) GROUP BY state` // as Gate counts

	sel = `SELECT ` + strings.Join(cols, ", ") + ` FROM subscribers WHERE ` + g.Where + ` ORDER BY subscriber_id`
	return newExporter(ws), db, count, sel
}

// benchExport exports the bench segment; raw skips the formula guard, so the
// two CSV benchmarks differ by what neutralising costs.
func benchExport(b *testing.B, f Format, raw bool) {
	e, _, _, _ := benchLoaded(b)
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

func benchRawExport(b *testing.B, f Format) {
	_, db, count, sel := benchLoaded(b)
	path := filepath.Join(b.TempDir(), "out."+string(f))
	copySQL := `COPY (` + sel + `) TO ` + query.QuoteString(path) + ` (` + copyOptions[f] + `)`
	b.ResetTimer()
	for b.Loop() {
		rows, err := db.Query(count)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
		if _, err := db.Exec(copySQL); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExportCSV(b *testing.B)        { benchExport(b, CSV, false) }
func BenchmarkExportCSVNoGuard(b *testing.B) { benchExport(b, CSV, true) }
func BenchmarkRawExportCSV(b *testing.B)     { benchRawExport(b, CSV) }
func BenchmarkExportParquet(b *testing.B)    { benchExport(b, Parquet, false) }
func BenchmarkRawExportParquet(b *testing.B) { benchRawExport(b, Parquet) }
