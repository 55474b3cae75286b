package compare

import (
	"context"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

// openWorkspace is an empty in-memory workspace and its segment store.
func openWorkspace(t testing.TB) (*query.Workspace, *segments.Store) {
	ws := querytest.Empty(t)
	return ws, segments.NewStore(ws)
}

// sampleWorkspace is a copy of the embedded sample subscribers, imported once
// per test binary.
func sampleWorkspace(t testing.TB) (*query.Workspace, *segments.Store) {
	ws := querytest.SampleCopy(t, "subscribers")
	return ws, segments.NewStore(ws)
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
