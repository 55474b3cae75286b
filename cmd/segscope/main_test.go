package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// TestMain gives the tests a config directory of their own (the audit key is
// not the user's) and removes the fixtures when they end.
func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// seeded is a workspace as the first command on a new path leaves it: made
// and seeded with the sample by the CLI itself. Seeding costs more than most
// tests here (every sample table imported, consent set up), so it is done once
// and each test gets a copy.
var seeded = querytest.NewFixture(func(tb testing.TB, path string) *query.Workspace {
	mustRun(tb, path, "tables")
	return openFile(tb, path)
})

// seededWorkspace is a copy of seeded, alone in a new directory.
func seededWorkspace(tb testing.TB) string {
	tb.Helper()
	ws := filepath.Join(tb.TempDir(), "w.duckdb")
	seeded.Copy(tb, ws)
	return ws
}

func openFile(tb testing.TB, path string) *query.Workspace {
	tb.Helper()
	ws, err := query.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	return ws
}
