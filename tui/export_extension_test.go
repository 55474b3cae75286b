package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/tui/styles"
)

// TestExportFileNameMatchesFormat: the Export screen names its default file by
// the chosen format, and refuses a typed name that promises another format
// (a Parquet file named .csv) before writing anything.
func TestExportFileNameMatchesFormat(t *testing.T) {
	t.Parallel()
	ws := newSampleWorkspace(t)
	m := newSampleModel(t, ws, 120, 36, styles.Dark)
	e := m.Export()

	// Segment field first; two down is the format: csv → tsv → parquet.
	press(t, m, "6", "j", "j", "l", "l")
	if got := e.Request().Format; got != "parquet" {
		t.Fatalf("format %s, want parquet", got)
	}
	if dest := e.Destination(); !strings.HasSuffix(dest, "-internal.parquet") {
		t.Errorf("default destination %q, want one ending -internal.parquet", dest)
	}

	dir := t.TempDir()
	press(t, m, "tab")
	exportTo(t, m, filepath.Join(dir, "churn.csv"))
	press(t, m, "enter")
	res, err := e.Result()
	if res != nil || err == nil || !strings.Contains(err.Error(), "which is not a parquet file: name it churn.parquet") {
		t.Fatalf("a Parquet export to churn.csv gave %+v, %v", res, err)
	}
	mustContain(t, m, "name it churn.parquet")
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("the refused export wrote %s", entries[0].Name())
	}

	// The name it suggests is accepted.
	exportTo(t, m, filepath.Join(dir, "churn.parquet"))
	press(t, m, "enter")
	if res, err := e.Result(); err != nil || res == nil || res.Manifest.Format != "parquet" {
		t.Fatalf("export to churn.parquet: %+v, %v", res, err)
	}
}
