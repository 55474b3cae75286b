package query

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func openMemory(t testing.TB) *Workspace {
	t.Helper()
	w, err := Open(context.Background(), Memory)
	if err != nil {
		t.Fatal(err)
	}
	w.SetActor("tester")
	t.Cleanup(func() { w.Close() })
	return w
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustImport(t testing.TB, w *Workspace, path string, opts ImportOptions) ImportResult {
	t.Helper()
	res, err := w.Import(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return res
}

// snapshot captures what must not change when an operation fails.
type snapshot struct {
	tables []TableInfo
	audit  int
}

func takeSnapshot(t testing.TB, w *Workspace) snapshot {
	t.Helper()
	tables, err := w.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	log, err := w.AuditLog(context.Background(), AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{tables: tables, audit: len(log)}
}

func (s snapshot) equal(o snapshot) bool {
	if s.audit != o.audit || len(s.tables) != len(o.tables) {
		return false
	}
	for i := range s.tables {
		if s.tables[i] != o.tables[i] {
			return false
		}
	}
	return true
}

const peopleCSV = "person_id,name,age,plan\n1,Ann,34,premium\n2,Bob,19,basic\n3,Cid,,family\n4,Dee,52,premium\n"
