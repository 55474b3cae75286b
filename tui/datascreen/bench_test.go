package datascreen

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	tea "charm.land/bubbletea/v2"
	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/tuitest"
)

// benchRows is the size of the key-press benchmark's table: 200,000 rows, or
// SEGSCOPE_BENCH_ROWS (10000000 for the figure the product promises).
func benchRows(b *testing.B) int {
	if v := os.Getenv("SEGSCOPE_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("SEGSCOPE_BENCH_ROWS=%q is not a row count", v)
		}
		return n
	}
	return 200_000
}

// bigWorkspace imports a generated Parquet file of n audience rows. DuckDB
// writes the file; the console sees an ordinary imported table.
func bigWorkspace(b *testing.B, n int) *query.Workspace {
	b.Helper()
	path := filepath.Join(b.TempDir(), "audience.parquet")
	gen, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer gen.Close()
	_, err = gen.Exec(fmt.Sprintf(`COPY (
		SELECT i AS person_id,
			'user' || i || '@example.com' AS email,
			['basic', 'standard', 'premium', 'family'][1 + i %% 4] AS plan,
			['US', 'DE', 'FR', 'GB', 'ES'][1 + (i * 7) %% 5] AS country,
			18 + (i * 13) %% 60 AS age,
			round(((i * 37) %% 5000) / 100.0, 2) AS spend,
			DATE '2020-01-01' + CAST(i %% 2000 AS INTEGER) AS signup_date,
			i %% 9 = 0 AS churned
		FROM range(1, %d + 1) t(i)) TO '%s' (FORMAT parquet)`, n, path))
	if err != nil {
		b.Fatal(err)
	}
	ws, err := query.Open(context.Background(), query.Memory)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	if _, err := ws.Import(context.Background(), path, query.ImportOptions{Table: "audience"}); err != nil {
		b.Fatal(err)
	}
	return ws
}

// benchModel is the Data screen on table in the body of a 160×48 console,
// its first rows fetched, and the harness that stands for the root.
func benchModel(b *testing.B, ws *query.Workspace, table string) (*Model, *tuitest.Harness) {
	m := New(tuitest.Env(b, ws), Options{Table: table})
	hs := tuitest.NewHarness(m, 160, 48)
	tuitest.Settle(b, hs, tea.Batch(m.Init(), m.SetSize(160, 45)), nil)
	return m, hs
}

// keyToFrame is one key press as the runtime handles it: Update, the
// commands it returns (the page fetch) and their results, then the frame.
func keyToFrame(b *testing.B, m *Model, hs *tuitest.Harness, k string) {
	tuitest.Settle(b, hs, hs.Update(tuitest.Key(k)), nil)
	_ = m.View()
}

// BenchmarkKeyToFrame measures a key press on a big table, from Update to a
// frame showing the rows: a jump to the end (rows fetched from DuckDB), a step
// among rows already fetched, and paging down.
func BenchmarkKeyToFrame(b *testing.B) {
	n := benchRows(b)
	ws := bigWorkspace(b, n)
	b.Run(fmt.Sprintf("G/rows=%d", n), func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			m, hs := benchModel(b, ws, "audience")
			b.StartTimer()
			keyToFrame(b, m, hs, "G")
			if !rowLoaded(m, int64(n-1)) {
				b.Fatal("the last row was not fetched")
			}
		}
	})
	// A sort by a column (each time another, so that no row order is kept
	// from before), then G as soon as the sort's first page shows.
	b.Run(fmt.Sprintf("sort-then-G/rows=%d", n), func(b *testing.B) {
		i := 0
		for b.Loop() {
			b.StopTimer()
			m, hs := benchModel(b, ws, "audience")
			for range i % len(m.grid.Columns()) {
				keyToFrame(b, m, hs, "l")
			}
			keyToFrame(b, m, hs, "s")
			if col := m.view().order; col == "" || !rowLoaded(m, 0) {
				b.Fatalf("sorted by %q, first row fetched: %v", col, rowLoaded(m, 0))
			}
			b.StartTimer()
			keyToFrame(b, m, hs, "G")
			if !rowLoaded(m, int64(n-1)) {
				b.Fatal("the sort's last row was not fetched")
			}
			i++
		}
	})
	b.Run(fmt.Sprintf("k/rows=%d", n), func(b *testing.B) {
		m, hs := benchModel(b, ws, "audience")
		keyToFrame(b, m, hs, "G")
		keys := []string{"k", "j"}
		i := 0
		for b.Loop() {
			keyToFrame(b, m, hs, keys[i%2])
			i++
		}
	})
	b.Run(fmt.Sprintf("pgdown/rows=%d", n), func(b *testing.B) {
		m, hs := benchModel(b, ws, "audience")
		for b.Loop() {
			if m.grid.Cursor() > int64(n)-200 {
				b.StopTimer()
				keyToFrame(b, m, hs, "g")
				b.StartTimer()
			}
			keyToFrame(b, m, hs, "pgdown")
		}
	})
}
