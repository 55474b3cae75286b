package querytest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
)

// Empty is an in-memory workspace acting as "tester", closed when the test ends.
func Empty(tb testing.TB) *query.Workspace {
	tb.Helper()
	ws, err := query.Open(context.Background(), query.Memory)
	if err != nil {
		tb.Fatal(err)
	}
	ws.SetActor("tester")
	tb.Cleanup(func() { ws.Close() })
	return ws
}

// Sample is Empty with the embedded sample tables named (all of them when none are).
func Sample(tb testing.TB, tables ...string) *query.Workspace {
	tb.Helper()
	ws := Empty(tb)
	importSample(tb, ws, tables...)
	return ws
}

// SampleWithEvents is Sample with the sample's event tables (views) as well,
// generated as a new workspace's are: about a second more, and 600,000 rows,
// so only for the tests that need them.
func SampleWithEvents(tb testing.TB, tables ...string) *query.Workspace {
	tb.Helper()
	ws := Sample(tb, tables...)
	for _, t := range sampledata.EventTables {
		if _, err := ws.ImportFS(context.Background(), sampledata.SeedFS, t.File, t.Name); err != nil {
			tb.Fatal(err)
		}
	}
	return ws
}

func importSample(tb testing.TB, ws *query.Workspace, tables ...string) {
	tb.Helper()
	for _, t := range sampledata.Tables {
		if len(tables) > 0 && !slices.Contains(tables, t.Name) {
			continue
		}
		if _, err := ws.ImportFS(context.Background(), sampledata.Files, t.File, t.Name); err != nil {
			tb.Fatal(err)
		}
	}
}

// ImportCSV writes content to a file and imports it as table.
func ImportCSV(tb testing.TB, ws *query.Workspace, table, content string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), table+".csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	if _, err := ws.Import(context.Background(), path, query.ImportOptions{Table: table}); err != nil {
		tb.Fatal(err)
	}
}
