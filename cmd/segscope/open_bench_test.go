package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// The fixed cost every command pays is opening the workspace. The twin is what
// a DuckDB user pays for the least they can do with the same file: open it,
// run SELECT 1, close it. Both run on a workspace seeded with the sample data.

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

// BenchmarkTablesCommand is `segscope tables` run in-process, as main runs it.
func BenchmarkTablesCommand(b *testing.B) {
	ws := benchWorkspace(b)
	var out, errOut bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		out.Reset()
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
}

// BenchmarkRawOpen is the twin: duckdb-go opens the file and runs SELECT 1.
func BenchmarkRawOpen(b *testing.B) {
	ws := benchWorkspace(b)
	b.ResetTimer()
	for b.Loop() {
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
}
