package compare

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/segments"
)

// openWorkspace is an empty in-memory workspace and its segment store.
func openWorkspace(t testing.TB) (*query.Workspace, *segments.Store) {
	t.Helper()
	ws, err := query.Open(context.Background(), query.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetActor("tester")
	return ws, segments.NewStore(ws)
}

// sampleWorkspace holds the embedded sample subscribers.
func sampleWorkspace(t testing.TB) (*query.Workspace, *segments.Store) {
	t.Helper()
	ws, store := openWorkspace(t)
	if _, err := ws.ImportFS(context.Background(), sampledata.Files, "subscribers.csv.gz", "subscribers"); err != nil {
		t.Fatal(err)
	}
	return ws, store
}

func importCSV(t testing.TB, ws *query.Workspace, table, content string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), table+".csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(context.Background(), path, query.ImportOptions{Table: table}); err != nil {
		t.Fatal(err)
	}
}

func define(t testing.TB, store *segments.Store, name, table, rule string) {
	t.Helper()
	if _, err := store.Define(context.Background(), segments.Definition{Name: name, Table: table, Rule: rule}); err != nil {
		t.Fatal(err)
	}
}

// scalar runs hand-written SQL returning one number.
func scalar(t testing.TB, ws *query.Workspace, q string) int64 {
	t.Helper()
	var n int64
	if err := ws.DB().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
