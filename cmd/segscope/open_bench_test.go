package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query/querytest"
)

// The fixed cost every command pays is opening the workspace. The twin is what
// a DuckDB user pays for the least they can do with the same file: open it,
// run SELECT 1, close it. `segscope tables` is measured against it, and so is
// opening and closing the workspace as a command does, with nothing between.
// RawTables answers what `tables` shows (names, column counts, exact row
// counts) the shortest way by hand, to tell the listing's own cost from
// segscope's. All run on a workspace seeded with the sample data (3 tables).

func benchWorkspace(b *testing.B) string {
	b.Helper()
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	ws := filepath.Join(b.TempDir(), "w.duckdb")
	var out, errOut bytes.Buffer
	a := newApp(&out, &errOut)
	root := a.root()
	root.SetArgs([]string{"--workspace", ws, "tables"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		b.Fatalf("seed: %v\n%s", err, errOut.String())
	}
	a.close()
	return ws
}

// tablesCommand runs `segscope tables` in-process, as main runs it.
func tablesCommand(b *testing.B, ws string) {
	var out, errOut bytes.Buffer
	a := newApp(&out, &errOut)
	root := a.root()
	root.SetArgs([]string{"--workspace", ws, "--no-color", "tables"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		b.Fatalf("tables: %v\n%s", err, errOut.String())
	}
	if err := a.close(); err != nil {
		b.Fatal(err)
	}
}

// rawOpen is the twin: duckdb-go opens the file, runs SELECT 1 and closes it.
func rawOpen(b *testing.B, ws string) {
	db, err := sql.Open("duckdb", ws)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`SELECT 1`); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTablesCommand is `segscope tables` run in-process, as main runs it.
func BenchmarkTablesCommand(b *testing.B) {
	ws := benchWorkspace(b)
	b.ResetTimer()
	for b.Loop() {
		tablesCommand(b, ws)
	}
}

// BenchmarkTablesByTurns runs `segscope tables` and the raw twin by turns on
// the same workspace, so that both see the same load on a shared machine; its
// ratio is the one the fast open is held to (1.2).
func BenchmarkTablesByTurns(b *testing.B) {
	ws := benchWorkspace(b)
	querytest.ByTurns(b,
		querytest.Side{Name: "segscope", Run: func() { tablesCommand(b, ws) }},
		querytest.Side{Name: "raw", Run: func() { rawOpen(b, ws) }})
}

// BenchmarkWorkspaceOpen is what every command pays before its own work: the
// workspace opened and closed as the CLI does it.
func BenchmarkWorkspaceOpen(b *testing.B) {
	ws := benchWorkspace(b)
	ctx := context.Background()
	var out, errOut bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		a := newApp(&out, &errOut)
		a.workspacePath = ws
		if _, err := a.workspace(ctx); err != nil {
			b.Fatal(err)
		}
		if err := a.close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawTables lists the tables with their column and exact row counts
// through duckdb-go, the way a DuckDB user would.
func BenchmarkRawTables(b *testing.B) {
	ws := benchWorkspace(b)
	b.ResetTimer()
	for b.Loop() {
		db, err := sql.Open("duckdb", ws)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := db.Query(`SELECT table_name, column_count FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1`)
		if err != nil {
			b.Fatal(err)
		}
		var counts []string
		for rows.Next() {
			var name string
			var cols int
			if err := rows.Scan(&name, &cols); err != nil {
				b.Fatal(err)
			}
			counts = append(counts, `SELECT count(*) FROM "`+name+`"`)
		}
		rows.Close()
		if _, err := db.Exec(strings.Join(counts, " UNION ALL ")); err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawOpen is the twin: duckdb-go opens the file and runs SELECT 1.
func BenchmarkRawOpen(b *testing.B) {
	ws := benchWorkspace(b)
	b.ResetTimer()
	for b.Loop() {
		rawOpen(b, ws)
	}
}

// BenchmarkTablesProcess is the fixed cost as a person meets it: `segscope
// tables` run as a process, by turns with the twin program testdata/rawopen
// (duckdb-go opens the file, runs SELECT 1, closes it). Both binaries are built
// first. Starting a process counts here: Go's and DuckDB's initialisation, and
// the package initialisation of everything segscope links.
func BenchmarkTablesProcess(b *testing.B) {
	ws := benchWorkspace(b)
	dir := b.TempDir()
	segscope, raw := filepath.Join(dir, "segscope"), filepath.Join(dir, "rawopen")
	for bin, pkg := range map[string]string{segscope: ".", raw: "./testdata/rawopen"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", pkg, err, out)
		}
	}
	run := func(name string, args ...string) func() {
		return func() {
			cmd := exec.Command(name, args...)
			cmd.Env = os.Environ() // benchWorkspace's config directory
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%s: %v\n%s", name, err, out)
			}
		}
	}
	querytest.ByTurns(b,
		querytest.Side{Name: "segscope", Run: run(segscope, "--workspace", ws, "--no-color", "tables")},
		querytest.Side{Name: "raw", Run: run(raw, ws)})
}
