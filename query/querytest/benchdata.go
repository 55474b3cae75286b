// Package querytest provides the workspaces segscope's tests and benchmarks
// share: an empty one, one holding the embedded sample, and generated data sets
// at benchmark sizes, so every package tests and measures on the same rows.
package querytest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
)

// Rows is the benchmark size: 100,000 subscribers so CI stays quick, or
// SEGSCOPE_BENCH_ROWS (1000000, 10000000) for the README's figures.
func Rows() int {
	if n, err := strconv.Atoi(os.Getenv("SEGSCOPE_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

var generated struct {
	once      sync.Once
	dir       string
	temporary bool
	err       error
}

// Data generates the sample data set at Rows() once per test binary and returns
// its directory, holding subscribers.csv, subscribers.parquet, consent.csv,
// consent.parquet and creators.csv. Call Cleanup from TestMain.
func Data(tb testing.TB) string {
	tb.Helper()
	generated.once.Do(func() {
		generated.dir, generated.err = generate()
	})
	if generated.err != nil {
		tb.Fatal(generated.err)
	}
	return generated.dir
}

// generate writes the data set to a fresh temporary directory, or, when
// SEGSCOPE_BENCH_DIR is set, reuses (or fills once) that directory's
// rows-N subdirectory, so the ten-million-row set is generated once for all packages.
func generate() (string, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "segscope-bench-")
	if shared := os.Getenv("SEGSCOPE_BENCH_DIR"); shared != "" {
		os.Remove(dir)
		dir = filepath.Join(shared, "rows-"+strconv.Itoa(Rows()))
		if _, err := os.Stat(filepath.Join(dir, "consent.parquet")); err == nil {
			return dir, nil
		}
		err = os.MkdirAll(dir, 0o755)
	} else {
		generated.temporary = true
	}
	if err != nil {
		return "", err
	}
	opts := sampledata.DefaultOptions()
	opts.Rows = Rows()
	// These benchmarks read subscribers and consent only; views would add
	// 30 per subscriber, minutes of generating at 1M rows.
	opts.ViewsPerSubscriber = 0
	if _, err := sampledata.Generate(ctx, opts, dir); err != nil {
		return "", err
	}
	w, err := query.Open(ctx, query.Memory)
	if err != nil {
		return "", err
	}
	defer w.Close()
	for _, name := range []string{"subscribers", "consent"} {
		if err := w.ConvertToParquet(ctx, filepath.Join(dir, name+".csv"), filepath.Join(dir, name+".parquet")); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// Cleanup removes the generated data, unless it lives in SEGSCOPE_BENCH_DIR.
func Cleanup() {
	if generated.temporary {
		os.RemoveAll(generated.dir)
	}
}

// Workspace returns an in-memory workspace holding the generated subscribers and
// consent tables, imported through segscope.
func Workspace(tb testing.TB) *query.Workspace {
	tb.Helper()
	dir := Data(tb)
	ctx := context.Background()
	w, err := query.Open(ctx, query.Memory)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { w.Close() })
	for _, name := range []string{"subscribers", "consent"} {
		if _, err := w.Import(ctx, filepath.Join(dir, name+".parquet"), query.ImportOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
	return w
}
