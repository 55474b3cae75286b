package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The file's format and the report's are two flags: --format json no longer
// turns a .csv export into JSON.
func TestExportFileFormatIsNotReportFormat(t *testing.T) {
	t.Parallel()
	ws := machineWorkspace(t)
	dir := t.TempDir()
	size, err := strconv.Atoi(strings.TrimSpace(mustRun(t, ws, "segment", "count", "churn_risk")))
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "out.csv")
	report := mustRun(t, ws, "export", "churn_risk", "--format", "csv", "-o", out, "--format", "json")
	var res struct {
		Path     string `json:"path"`
		Manifest struct {
			Format string `json:"format"`
			Rows   int    `json:"rows"`
		} `json:"manifest"`
	}
	if err := json.Unmarshal([]byte(report), &res); err != nil || res.Path != out || res.Manifest.Format != "csv" || res.Manifest.Rows != size {
		t.Fatalf("report %+v, %v\n%s", res, err, report)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(records) != size+1 || records[0][0] != "subscriber_id" {
		t.Fatalf("out.csv: %d records (want %d), %v", len(records), size+1, err)
	}

	// The extension chooses the format when --as does not; a CSV report has raw counts.
	pq := filepath.Join(dir, "out.parquet")
	report = mustRun(t, ws, "export", "churn_risk", "--channel", "email", "-o", pq, "--format", "csv")
	if data, err := os.ReadFile(pq); err != nil || !strings.HasPrefix(string(data), "PAR1") {
		t.Fatalf("out.parquet is not Parquet: %v", err)
	}
	rows, err := csv.NewReader(strings.NewReader(report)).ReadAll()
	if err != nil || len(rows) < 3 || rows[0][0] != "measure" {
		t.Fatalf("csv report: %v\n%s", err, report)
	}
	for _, r := range rows[1:] {
		if _, err := strconv.Atoi(r[1]); err != nil {
			t.Errorf("csv report: %q is not a raw count\n%s", r[1], report)
		}
	}
	if last := rows[len(rows)-1]; last[0] != "segment size" || last[1] != strconv.Itoa(size) {
		t.Errorf("csv report ends %v, want segment size %d", last, size)
	}

	// --as wins over nothing, and a customer-match file may be named .csv.
	mustRun(t, ws, "export", "churn_risk", "--as", "ndjson", "-o", filepath.Join(dir, "out.dat"))
	mustRun(t, ws, "export", "churn_risk", "--as", "google-ads", "-o", filepath.Join(dir, "ads.csv"))
	if data, err := os.ReadFile(filepath.Join(dir, "out.dat")); err != nil || !strings.HasPrefix(string(data), `{"subscriber_id":`) {
		t.Fatalf("out.dat is not NDJSON: %v\n%.80s", err, data)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--as", "parquet", "-o", filepath.Join(dir, "wrong.csv")}, "the file name wrong.csv ends in .csv, which is not a parquet file: name it wrong.parquet, or pass --as csv"},
		{[]string{"--as", "json", "-o", filepath.Join(dir, "wrong.ndjson")}, "name it wrong.json, or pass --as ndjson"},
		{[]string{"-o", filepath.Join(dir, "wrong.txt")}, "the file name wrong.txt does not say which format to write"},
		{[]string{"--as", "xlsx", "-o", filepath.Join(dir, "wrong.xlsx")}, `unknown export format "xlsx"`},
		{[]string{"--format", "parquet", "-o", filepath.Join(dir, "wrong.parquet")}, "the file's format is --as parquet"},
		{[]string{"--as", "csv"}, "name the file to write with -o FILE"},
	} {
		_, _, err := run(t, ws, append([]string{"export", "churn_risk"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("export %v: %v, want %q", c.args, err, c.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "wrong") {
			t.Errorf("a refused export left %s", e.Name())
		}
	}
}
