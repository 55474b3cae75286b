package tui

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/tui/styles"
)

// exportTo types the path into the Export screen's destination, which has the focus.
func exportTo(t *testing.T, m *Model, path string) {
	t.Helper()
	press(t, m, "ctrl+u")
	typeText(t, m, path)
	if got := m.Export().Destination(); got != path {
		t.Fatalf("destination %q, want %q", got, path)
	}
}

// The export tests share a workspace of their own: exports add to the audit log
// that the goldens show.
func TestExport(t *testing.T) {
	t.Parallel()
	ws := newSampleWorkspace(t)
	t.Run("previews, writes and asks before replacing", func(t *testing.T) { exportPreviewWriteReplace(t, ws) })
	t.Run("cancelled midway leaves no file", func(t *testing.T) { exportCancelled(t, ws) })
}

func exportPreviewWriteReplace(t *testing.T, ws *query.Workspace) {
	ctx := context.Background()
	m := newSampleModel(t, ws, 120, 36, styles.Dark)
	e := m.Export()
	exporter := export.New(ws, export.Options{Now: fixedNow})

	// churn_risk, gated on email: the second segment, the third channel.
	press(t, m, "6", "l", "j", "l", "l")
	req := e.Request()
	if req.Segment != "churn_risk" || req.Channel != "email" || len(req.Columns) != 1 || req.Columns[0] != "subscriber_id" {
		t.Fatalf("request %+v: want churn_risk on email with only the key", req)
	}
	want, err := exporter.Preview(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Preview()
	if err != nil || got == nil || got.Included != want.Included || got.Members != want.Members {
		t.Fatalf("preview %+v (%v), the engine says %+v", got, err, want)
	}
	for state, n := range want.Excluded {
		if got.Excluded[state] != n {
			t.Errorf("excluded %s: %d, the engine says %d", state, got.Excluded[state], n)
		}
	}
	mustContain(t, m, "churn_risk-email.csv", "✓ written", "✗ kept out", "withdrawn")

	// Tick a column, then export to a file of our own.
	press(t, m, "tab", "tab", "tab", "j", "j", "j", "j", "j", "space")
	path := filepath.Join(t.TempDir(), "churn.csv")
	press(t, m, "shift+tab")
	exportTo(t, m, path)
	press(t, m, "enter")
	res, err := e.Result()
	if err != nil || res == nil {
		t.Fatalf("export: %v", err)
	}
	data, err := os.ReadFile(export.ManifestPath(path))
	if err != nil {
		t.Fatal(err)
	}
	var manifest export.Manifest
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Rows != want.Included || len(manifest.Columns) != 2 || manifest.Columns[1] != "country" {
		t.Fatalf("manifest: %d rows of %v, want %d rows of the key and country", manifest.Rows, manifest.Columns, want.Included)
	}
	mustContain(t, m, "✓ Exported", manifest.SHA256[:20])

	// Again to the same file: the screen asks first.
	press(t, m, "enter")
	if !e.Confirming() {
		t.Fatal("exporting over an existing file did not ask")
	}
	mustContain(t, m, "The file exists", "y replace")
	press(t, m, "n")
	if e.Confirming() {
		t.Fatal("n did not answer")
	}
	if after, _ := os.ReadFile(export.ManifestPath(path)); string(after) != string(data) {
		t.Fatal("the file was replaced after n")
	}
	press(t, m, "enter", "y")
	if res, err := e.Result(); err != nil || res == nil || res.Manifest.Rows != want.Included {
		t.Fatalf("replacing: %+v (%v)", res, err)
	}
}

func exportCancelled(t *testing.T, ws *query.Workspace) {
	ctx := context.Background()
	m := newSampleModel(t, ws, 120, 36, styles.Dark)
	press(t, m, "6", "l", "tab", "tab", "tab")
	dir := t.TempDir()
	path := filepath.Join(dir, "churn.csv")
	exportTo(t, m, path)

	// Holding the workspace's write lock keeps the export from committing, so
	// esc is sure to come while it runs, whatever the machine's speed.
	held, release := make(chan struct{}), make(chan struct{})
	go ws.WriteTx(ctx, func(*sql.Tx) error {
		close(held)
		<-release
		return nil
	})
	<-held
	p := newPump()
	_, cmd := m.Update(keyPress("enter"))
	p.run(cmd)
	p.until(t, m, func() bool { return m.Export().Progress().Rows > 0 })
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the file is in place before the export completed")
	}
	press(t, m, "esc")
	if !m.Export().Cancelled() || m.Notice() != "cancelled" {
		t.Fatalf("esc did not cancel the export (notice %q)", m.Notice())
	}
	close(release)
	p.until(t, m, nil)
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Fatalf("a cancelled export left %v", left[0].Name())
	}
	mustContain(t, m, "Cancelled: nothing was written.")
}
