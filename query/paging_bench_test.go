package query_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// sortViews are the sorts the paging benchmarks take in turn: a column with
// many ties each way, a unique text column and a measure. Four views against
// two kept orderings means every sort starts from nothing.
var sortViews = []query.Page{
	{OrderBy: "days_since_login", Desc: true},
	{OrderBy: "email"},
	{OrderBy: "watch_hours_30d"},
	{OrderBy: "days_since_login"},
}

const pageRows = 100

// rawOrder is what a DuckDB user types for the view, or for its reverse, whose
// first rows are the view's last.
func rawOrder(v query.Page, reverse bool) string {
	if v.Desc != reverse {
		return query.QuoteIdent(v.OrderBy) + " DESC"
	}
	return query.QuoteIdent(v.OrderBy)
}

// BenchmarkSortedPaging measures what the console waits for after a sort: the
// first page (SortFirstPage), and the last page when G is pressed right after
// the first page shows (SortThenG) or a quarter of a second later, as a person
// would (SortThenGAfterPause). The Raw twins are DuckDB's own answer typed by
// hand: ORDER BY the column LIMIT 100, and for the end the reverse order
// LIMIT 100.
func BenchmarkSortedPaging(b *testing.B) {
	w, db := loaded(b)
	ctx := context.Background()
	n, err := w.Count(ctx, "subscribers", "")
	if err != nil {
		b.Fatal(err)
	}
	page := func(v query.Page, offset int64) query.Page {
		v.Table, v.Offset, v.Limit, v.Browse = "subscribers", offset, pageRows, true
		return v
	}
	b.Run("SortFirstPage", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := w.Rows(ctx, page(sortViews[i%len(sortViews)], 0)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("RawSortFirstPage", func(b *testing.B) {
		i := 0
		for b.Loop() {
			rows, err := db.Query(`SELECT * FROM subscribers ORDER BY ` + rawOrder(sortViews[i%len(sortViews)], false) + ` LIMIT 100`)
			querytest.Drain(b, rows, err)
			i++
		}
	})
	sortThenG := func(b *testing.B, pause time.Duration) {
		i := 0
		for b.Loop() {
			v := sortViews[i%len(sortViews)]
			b.StopTimer()
			if _, err := w.Rows(ctx, page(v, 0)); err != nil {
				b.Fatal(err)
			}
			time.Sleep(pause)
			b.StartTimer()
			if _, err := w.Rows(ctx, page(v, n-pageRows)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	b.Run("SortThenG", func(b *testing.B) { sortThenG(b, 0) })
	b.Run("SortThenGAfterPause", func(b *testing.B) { sortThenG(b, 250*time.Millisecond) })
	b.Run("RawSortThenG", func(b *testing.B) {
		i := 0
		for b.Loop() {
			rows, err := db.Query(`SELECT * FROM subscribers ORDER BY ` + rawOrder(sortViews[i%len(sortViews)], true) + ` LIMIT 100`)
			querytest.Drain(b, rows, err)
			i++
		}
	})
}

// memoryHelperEnv names the workspace TestConsoleMemoryHelper browses.
const memoryHelperEnv = "SEGSCOPE_MEMORY_HELPER"

// BenchmarkConsoleMemory reports the peak resident memory (VmHWM) of a process
// that opens a workspace file holding querytest.Rows() subscribers as the
// console does (query.ConsoleMemoryLimit) and browses and sorts it the way the
// console's grid does (TestConsoleMemoryHelper). A fresh process, so that
// neither the import nor other benchmarks count.
func BenchmarkConsoleMemory(b *testing.B) {
	_, pq := benchData(b)
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "ws.duckdb")
	w, err := query.OpenWith(ctx, path, query.OpenOptions{MemoryLimit: query.ConsoleMemoryLimit})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Import(ctx, pq, query.ImportOptions{Table: "subscribers"}); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	var peak float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConsoleMemoryHelper$", "-test.v")
		cmd.Env = append(os.Environ(), memoryHelperEnv+"="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("helper: %v\n%s", err, out)
		}
		kb := int64(-1)
		for sc := bufio.NewScanner(strings.NewReader(string(out))); sc.Scan(); {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "peak-rss-kb "); ok {
				kb, _ = strconv.ParseInt(rest, 10, 64)
			}
		}
		if kb < 0 {
			b.Fatalf("helper printed no peak:\n%s", out)
		}
		peak = max(peak, float64(kb)/1024)
	}
	b.ReportMetric(peak, "peak-MB")
}

// TestConsoleMemoryHelper is BenchmarkConsoleMemory's browsing process: pages
// of the table unsorted, then three sorts one after another, each shown from
// the top, at its end (G), and in the middle once its ordering is built; it
// prints its peak resident memory.
func TestConsoleMemoryHelper(t *testing.T) {
	path := os.Getenv(memoryHelperEnv)
	if path == "" {
		t.Skip("run by BenchmarkConsoleMemory")
	}
	ctx := context.Background()
	w, err := query.OpenWith(ctx, path, query.OpenOptions{MemoryLimit: query.ConsoleMemoryLimit})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	n, err := w.Count(ctx, "subscribers", "")
	if err != nil {
		t.Fatal(err)
	}
	const limit = 150 // three screens, as the grid reads ahead
	for _, off := range []int64{0, n / 3, n / 2, n - limit} {
		if _, err := w.Rows(ctx, query.Page{Table: "subscribers", Offset: off, Limit: limit, Browse: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range sortViews[:3] {
		v.Table, v.Limit, v.Browse = "subscribers", limit, true
		// The middle page waits for the ordering, built in the background.
		for _, off := range []int64{0, n - limit, n / 2, n / 3} {
			v.Offset = off
			if _, err := w.Rows(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status to read the peak from")
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Println("peak-rss-kb", strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
}
