package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
)

// TestExportFormulaCells: a CSV export quotes a cell a spreadsheet would run and
// says so; --raw writes it as it is and says that instead.
func TestExportFormulaCells(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ws := filepath.Join(dir, "w.duckdb")
	src := filepath.Join(dir, "hostile.csv")
	if err := os.WriteFile(src, []byte("id,note\n1,=1+1\n2,hello\n3,-12.5 EUR\n4,+44 20 7946 0958\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "--no-sample", "import", src)
	mustRun(t, ws, "segment", "define", "all", "--table", "hostile", "--rule", "id > 0")

	out := filepath.Join(dir, "out.csv")
	report := mustRun(t, ws, "export", "all", "--acknowledge", "four-row test fixture", "-o", out)
	if !strings.Contains(report, "2 cells that a spreadsheet would run as formulas got a leading '") {
		t.Errorf("the report does not say what was quoted:\n%s", report)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := "id,note\n1,'=1+1\n2,hello\n3,'-12.5 EUR\n4,+44 20 7946 0958\n"; string(data) != want {
		t.Errorf("out.csv:\n%s\nwant:\n%s", data, want)
	}

	raw := filepath.Join(dir, "raw.csv")
	report = mustRun(t, ws, "export", "all", "--acknowledge", "four-row test fixture", "-o", raw, "--raw")
	if !strings.Contains(report, "cells written as they are (--raw)") {
		t.Errorf("the report does not say the cells are raw:\n%s", report)
	}
	if data, _ := os.ReadFile(raw); !strings.Contains(string(data), "\n1,=1+1\n") {
		t.Errorf("raw.csv:\n%s", data)
	}
}

// TestOpenSweepsKilledExports: any command that opens the workspace removes
// the half-written file an export killed midway left, wherever it was writing.
func TestOpenSweepsKilledExports(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)

	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	elsewhere := t.TempDir()
	left := filepath.Join(elsewhere, ".churn.csv.segscope-export-"+strconv.Itoa(dead.Process.Pid)+"-42.tmp")
	if err := os.WriteFile(left, []byte("subscriber_id,email\n1,half@written.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// What an export records before it writes, as a killed one leaves it.
	w, err := query.Open(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.DB().Exec(`CREATE TABLE IF NOT EXISTS segscope.export_temps (path VARCHAR, created_at TIMESTAMP)`)
	if err == nil {
		_, err = w.DB().Exec(`INSERT INTO segscope.export_temps VALUES (?, now())`, left)
	}
	w.Close()
	if err != nil {
		t.Fatal(err)
	}

	_, stderr, err := run(t, ws, "tables")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Fatalf("%s is still there after the workspace was opened", left)
	}
	if !strings.Contains(stderr, "removed "+left+", left by an export that was killed") {
		t.Errorf("stderr does not say what was removed:\n%s", stderr)
	}
}
