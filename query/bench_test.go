package query_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// Benchmarks run on generated subscribers (querytest.Rows). Each segscope benchmark
// has a Raw twin doing the same work through duckdb-go directly; the ratio of the
// two is segscope's overhead.

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

func benchData(b *testing.B) (csvPath, parquetPath string) {
	dir := querytest.Data(b)
	return filepath.Join(dir, "subscribers.csv"), filepath.Join(dir, "subscribers.parquet")
}

func benchRows() int { return querytest.Rows() }

func openMemory(b *testing.B) *query.Workspace {
	b.Helper()
	w, err := query.Open(context.Background(), query.Memory)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	return w
}

func rawDB(b *testing.B) *sql.DB {
	b.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func rawExec(b *testing.B, db *sql.DB, q string) {
	b.Helper()
	if _, err := db.Exec(q); err != nil {
		b.Fatal(err)
	}
}

func benchImport(b *testing.B, path string) {
	w := openMemory(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.Import(context.Background(), path, query.ImportOptions{Table: "subscribers"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows()), "rows")
}

// benchImportVsRaw imports with segscope and with DuckDB's own reader by turns, so
// the load others put on a shared machine falls on both alike; the ratio is the
// figure to read.
func benchImportVsRaw(b *testing.B, path, reader string) {
	w := openMemory(b)
	db := rawDB(b)
	b.ResetTimer()
	var seg, twin time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := w.Import(context.Background(), path, query.ImportOptions{Table: "subscribers"}); err != nil {
			b.Fatal(err)
		}
		seg += time.Since(start)
		start = time.Now()
		rawExec(b, db, `CREATE OR REPLACE TABLE subscribers AS SELECT * FROM `+reader+`(`+query.QuoteString(path)+`)`)
		twin += time.Since(start)
	}
	b.ReportMetric(seg.Seconds()/float64(b.N), "segscope-s/op")
	b.ReportMetric(twin.Seconds()/float64(b.N), "raw-s/op")
	b.ReportMetric(seg.Seconds()/twin.Seconds(), "ratio")
	b.ReportMetric(float64(benchRows()), "rows")
}

func BenchmarkImportCSVVsRaw(b *testing.B) {
	csv, _ := benchData(b)
	benchImportVsRaw(b, csv, "read_csv")
}

func BenchmarkImportParquetVsRaw(b *testing.B) {
	_, pq := benchData(b)
	benchImportVsRaw(b, pq, "read_parquet")
}

func BenchmarkImportCSV(b *testing.B)     { csv, _ := benchData(b); benchImport(b, csv) }
func BenchmarkImportParquet(b *testing.B) { _, pq := benchData(b); benchImport(b, pq) }

func BenchmarkRawImportCSV(b *testing.B) {
	csv, _ := benchData(b)
	db := rawDB(b)
	b.ResetTimer()
	for b.Loop() {
		rawExec(b, db, `CREATE OR REPLACE TABLE subscribers AS SELECT * FROM read_csv(`+query.QuoteString(csv)+`)`)
	}
}

func BenchmarkRawImportParquet(b *testing.B) {
	_, pq := benchData(b)
	db := rawDB(b)
	b.ResetTimer()
	for b.Loop() {
		rawExec(b, db, `CREATE OR REPLACE TABLE subscribers AS SELECT * FROM read_parquet(`+query.QuoteString(pq)+`)`)
	}
}

// loaded returns a segscope workspace and a raw database holding the same table.
func loaded(b *testing.B) (*query.Workspace, *sql.DB) {
	_, pq := benchData(b)
	w := openMemory(b)
	if _, err := w.Import(context.Background(), pq, query.ImportOptions{Table: "subscribers"}); err != nil {
		b.Fatal(err)
	}
	db := rawDB(b)
	rawExec(b, db, `CREATE TABLE subscribers AS SELECT * FROM read_parquet(`+query.QuoteString(pq)+`)`)
	return w, db
}

func BenchmarkProfileColumn(b *testing.B) {
	w, _ := loaded(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.ProfileColumn(context.Background(), "subscribers", "watch_hours_30d", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawProfileColumn runs the statements ProfileColumn runs, without segscope.
func BenchmarkRawProfileColumn(b *testing.B) {
	_, db := loaded(b)
	c := `"watch_hours_30d"`
	stats := `SELECT count(*), count(*) - count(` + c + `), count(DISTINCT ` + c + `), min(` + c + `)::VARCHAR, max(` + c + `)::VARCHAR,
		avg(` + c + `), stddev_samp(` + c + `), quantile_cont(` + c + `, 0.25), median(` + c + `), quantile_cont(` + c + `, 0.75),
		min(` + c + `)::DOUBLE, max(` + c + `)::DOUBLE FROM subscribers`
	top := `SELECT ` + c + `::VARCHAR, count(*) AS n FROM subscribers GROUP BY ALL ORDER BY n DESC, 1 NULLS LAST LIMIT 10`
	hist := `SELECT least(floor((v - ?) / ?)::BIGINT, 19) AS bin, count(*) FROM (SELECT ` + c + `::DOUBLE AS v FROM subscribers) WHERE v IS NOT NULL GROUP BY bin ORDER BY bin`
	b.ResetTimer()
	for b.Loop() {
		var count, nulls, distinct int64
		var minText, maxText string
		var mean, std, q25, med, q75, lo, hi float64
		if err := db.QueryRow(stats).Scan(&count, &nulls, &distinct, &minText, &maxText, &mean, &std, &q25, &med, &q75, &lo, &hi); err != nil {
			b.Fatal(err)
		}
		rows, err := db.Query(top)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
		rows, err = db.Query(hist, lo, (hi-lo)/20)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
	}
}

// pageOffsets spread page fetches over the whole table, the way a user jumps around.
func pageOffsets() []int64 {
	n := int64(benchRows())
	return []int64{0, n / 3, n / 2, n - 100}
}

func BenchmarkRowsPage(b *testing.B) {
	w, _ := loaded(b)
	offsets := pageOffsets()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := w.Rows(context.Background(), query.Page{Table: "subscribers", Offset: offsets[i%len(offsets)], Limit: 100}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkRawRowsPage(b *testing.B) {
	_, db := loaded(b)
	offsets := pageOffsets()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		rows, err := db.Query(`SELECT * FROM subscribers LIMIT 100 OFFSET ?`, offsets[i%len(offsets)])
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for j := range vals {
			ptrs[j] = &vals[j]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
		}
		rows.Close()
		i++
	}
}

func BenchmarkRowsPageSorted(b *testing.B) {
	w, _ := loaded(b)
	offsets := pageOffsets()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		p := query.Page{Table: "subscribers", OrderBy: "days_since_login", Desc: true, Offset: offsets[i%len(offsets)], Limit: 100}
		if _, err := w.Rows(context.Background(), p); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkRawRowsPageSorted(b *testing.B) {
	_, db := loaded(b)
	offsets := pageOffsets()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		rows, err := db.Query(`SELECT * FROM subscribers ORDER BY days_since_login DESC NULLS LAST, rowid LIMIT 100 OFFSET ?`, offsets[i%len(offsets)])
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
		i++
	}
}

func BenchmarkProfileTable(b *testing.B) {
	w, _ := loaded(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.ProfileTable(context.Background(), "subscribers"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawProfileTable runs ProfileTable's exact statistics, written out by
// hand from the table's columns, without segscope.
func BenchmarkRawProfileTable(b *testing.B) {
	_, db := loaded(b)
	rows, err := db.Query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'subscribers' ORDER BY ordinal_position`)
	if err != nil {
		b.Fatal(err)
	}
	selects := []string{"count(*)"}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			b.Fatal(err)
		}
		c := `"` + name + `"`
		selects = append(selects, `count(`+c+`)`, `count(DISTINCT `+c+`)`, `min(`+c+`)::VARCHAR`, `max(`+c+`)::VARCHAR`)
		if query.Numeric(typ) {
			selects = append(selects, `avg(`+c+`)`, `stddev_samp(`+c+`)`, `quantile_cont(`+c+`::DOUBLE, [0.25, 0.5, 0.75])`)
		}
	}
	rows.Close()
	q := `SELECT ` + strings.Join(selects, ", ") + ` FROM subscribers`
	b.ResetTimer()
	for b.Loop() {
		rows, err := db.Query(q)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
	}
}

// BenchmarkRawSummarize is the approximate profile ProfileTable used to be:
// HyperLogLog distinct counts and sampled quantiles.
func BenchmarkRawSummarize(b *testing.B) {
	_, db := loaded(b)
	b.ResetTimer()
	for b.Loop() {
		rows, err := db.Query(`SUMMARIZE subscribers`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
	}
}
