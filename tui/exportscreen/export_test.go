package exportscreen

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// exportTo types the path into the Export screen's destination, which has the focus.
func exportTo(t *testing.T, m *Model, path string) {
	t.Helper()
	tuitest.Press(t, m, "ctrl+u")
	tuitest.Type(t, m, path)
	if got := m.dest.Value(); got != path {
		t.Fatalf("destination %q, want %q", got, path)
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	t.Run("previews, writes and asks before replacing", func(t *testing.T) {
		t.Parallel()
		exportPreviewWriteReplace(t, tuitest.Sample.Open(t))
	})
	t.Run("cancelled midway leaves no file", func(t *testing.T) {
		t.Parallel()
		exportCancelled(t, tuitest.Sample.Open(t))
	})
}

func exportPreviewWriteReplace(t *testing.T, ws *query.Workspace) {
	ctx := context.Background()
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 120, 33)
	e := m
	exporter := export.New(ws, export.Options{Now: tuitest.Now})

	// churn_risk, gated on email: the second segment, the third channel.
	tuitest.Press(t, m, "l", "j", "l", "l")
	req := e.request()
	if req.Segment != "churn_risk" || req.Channel != "email" || len(req.Columns) != 1 || req.Columns[0] != "subscriber_id" {
		t.Fatalf("request %+v: want churn_risk on email with only the key", req)
	}
	want, err := exporter.Preview(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.preview, e.previewErr
	if err != nil || got == nil || got.Included != want.Included || got.Members != want.Members {
		t.Fatalf("preview %+v (%v), the engine says %+v", got, err, want)
	}
	for state, n := range want.Excluded {
		if got.Excluded[state] != n {
			t.Errorf("excluded %s: %d, the engine says %d", state, got.Excluded[state], n)
		}
	}
	tuitest.MustShow(t, m.View(), "churn_risk-email.csv", "✓ written", "✗ kept out", "withdrawn")

	// Tick a column, then export to a file of our own.
	tuitest.Press(t, m, "tab", "tab", "tab", "tab", "tab", "j", "j", "j", "j", "j", "space")
	path := filepath.Join(t.TempDir(), "churn.csv")
	tuitest.Press(t, m, "shift+tab")
	exportTo(t, m, path)
	tuitest.Press(t, m, "enter")
	res, err := e.result, e.runErr
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
	tuitest.MustShow(t, m.View(), "✓ Exported", manifest.SHA256[:20])

	// Again to the same file: the screen asks first.
	tuitest.Press(t, m, "enter")
	if !e.confirm {
		t.Fatal("exporting over an existing file did not ask")
	}
	tuitest.MustShow(t, m.View(), "The file exists", "y replace")
	tuitest.Press(t, m, "n")
	if e.confirm {
		t.Fatal("n did not answer")
	}
	if after, _ := os.ReadFile(export.ManifestPath(path)); string(after) != string(data) {
		t.Fatal("the file was replaced after n")
	}
	tuitest.Press(t, m, "enter", "y")
	if res, err := e.result, e.runErr; err != nil || res == nil || res.Manifest.Rows != want.Included {
		t.Fatalf("replacing: %+v (%v)", res, err)
	}
}

func exportCancelled(t *testing.T, ws *query.Workspace) {
	ctx := context.Background()
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 120, 33)
	tuitest.Press(t, m, "l", "tab", "tab", "tab", "tab", "tab")
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
	p := tuitest.NewPump()
	p.Run(m.Update(tuitest.Key("enter")))
	p.Until(t, m, func() bool { return m.progress.Rows > 0 })
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the file is in place before the export completed")
	}
	if !m.Cancel() || !m.cancelled {
		t.Fatal("Cancel did not cancel the export")
	}
	close(release)
	p.Until(t, m, nil)
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Fatalf("a cancelled export left %v", left[0].Name())
	}
	tuitest.MustShow(t, m.View(), "Cancelled: nothing was written.")
}

// TestExportFileNameMatchesFormat: the Export screen names its default file by
// the chosen format, and refuses a typed name that promises another format
// (a Parquet file named .csv) before writing anything.
func TestExportFileNameMatchesFormat(t *testing.T) {
	t.Parallel()
	m := tuitest.Open(t, New(tuitest.Env(t, tuitest.Sample.Open(t))), 120, 33)
	e := m

	// Segment field first; four down (channel, audience, members) is the
	// format: csv → tsv → parquet.
	tuitest.Press(t, m, "j", "j", "j", "j", "l", "l")
	if got := e.request().Format; got != "parquet" {
		t.Fatalf("format %s, want parquet", got)
	}
	if dest := e.dest.Value(); !strings.HasSuffix(dest, "-internal.parquet") {
		t.Errorf("default destination %q, want one ending -internal.parquet", dest)
	}

	dir := t.TempDir()
	tuitest.Press(t, m, "tab")
	exportTo(t, m, filepath.Join(dir, "churn.csv"))
	tuitest.Press(t, m, "enter")
	res, err := e.result, e.runErr
	if res != nil || err == nil || !strings.Contains(err.Error(), "which is not a parquet file: name it churn.parquet") {
		t.Fatalf("a Parquet export to churn.csv gave %+v, %v", res, err)
	}
	tuitest.MustShow(t, m.View(), "name it churn.parquet")
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("the refused export wrote %s", entries[0].Name())
	}

	// The name it suggests is accepted.
	exportTo(t, m, filepath.Join(dir, "churn.parquet"))
	tuitest.Press(t, m, "enter")
	if res, err := e.result, e.runErr; err != nil || res == nil || res.Manifest.Format != "parquet" {
		t.Fatalf("export to churn.parquet: %+v, %v", res, err)
	}
}
