package query

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func setting(t *testing.T, w *Workspace, name string) string {
	t.Helper()
	var v string
	if err := w.DB().QueryRow(`SELECT current_setting(?)::VARCHAR`, name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMemorySettings checks the main database's memory settings: the limit
// asked for, spilling beside the workspace file (and nowhere for an in-memory
// one, not into the current directory), locked like the rest of its settings.
func TestMemorySettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	w, err := OpenWith(ctx, path, OpenOptions{MemoryLimit: ConsoleMemoryLimit})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if got := setting(t, w, "memory_limit"); got != "192.0 MiB" {
		t.Errorf("memory_limit %q, want 192.0 MiB", got)
	}
	if got := setting(t, w, "temp_directory"); got != path+".tmp" {
		t.Errorf("temp_directory %q, want %q", got, path+".tmp")
	}
	if got := setting(t, w, "dynamic_or_filter_threshold"); got != "1024" {
		t.Errorf("dynamic_or_filter_threshold %q", got)
	}
	if _, err := w.DB().Exec(`SET memory_limit = '8GB'`); err == nil {
		t.Error("the memory limit could be raised after open")
	}

	m := openMemory(t)
	if got := setting(t, m, "temp_directory"); got != "" {
		t.Errorf("in-memory workspace spills to %q", got)
	}
}

// TestSortSpillsUnderTheLimit sorts more than the memory limit holds: the
// ordering spills to the workspace's temporary directory instead of failing,
// and that directory is private.
func TestSortSpillsUnderTheLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	w, err := OpenWith(ctx, path, OpenOptions{MemoryLimit: 96 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// About 150 MB of sort keys, against 96 MiB.
	if _, err := w.DB().ExecContext(ctx, `CREATE TABLE big AS SELECT range AS id, repeat(md5(range::VARCHAR), 4) AS s FROM range(1000000)`); err != nil {
		t.Fatal(err)
	}
	p := Page{Table: "big", OrderBy: "s", Offset: 500_000, Limit: 10}
	res, err := w.Rows(ctx, p)
	if err != nil {
		t.Fatalf("a sort larger than the memory limit: %v", err)
	}
	want, err := w.Query(ctx, `SELECT id FROM big ORDER BY s, id LIMIT 10 OFFSET 500000`, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Rows {
		if FormatValue(res.Rows[i][0]) != FormatValue(want.Rows[i][0]) {
			t.Fatalf("row %d: %v, want %v", i, res.Rows[i][0], want.Rows[i][0])
		}
	}
	info, err := os.Stat(path + ".tmp")
	if err != nil {
		t.Fatalf("nothing spilled: %v", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		t.Fatalf("spill directory mode %v: others can read it", info.Mode().Perm())
	}
}

// TestThreadsFromTheEnvironment: $SEGSCOPE_THREADS sets DuckDB's threads, locked
// like the other settings; a value that is not a count is refused before any
// file is made. Not parallel: it sets the environment.
func TestThreadsFromTheEnvironment(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv(ThreadsVariable, "3")
	w, err := Open(ctx, filepath.Join(dir, "ws.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if got := setting(t, w, "threads"); got != "3" {
		t.Errorf("threads %q with $%s=3", got, ThreadsVariable)
	}
	if _, err := w.DB().Exec(`SET threads = 8`); err == nil {
		t.Error("the threads could be changed after open")
	}
	for _, bad := range []string{"0", "-2", "two", "1.5"} {
		t.Setenv(ThreadsVariable, bad)
		path := filepath.Join(dir, "sub", "bad.duckdb")
		_, err := Open(ctx, path)
		if err == nil || !strings.Contains(err.Error(), ThreadsVariable) || !strings.Contains(err.Error(), strconv.Quote(bad)) {
			t.Errorf("$%s=%q: error %v, want one naming the variable and its value", ThreadsVariable, bad, err)
		}
		if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
			t.Errorf("$%s=%q: the workspace's directory was made: %v", ThreadsVariable, bad, err)
		}
	}
}
