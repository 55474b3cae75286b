package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// segment sql --select count, run by DuckDB on the workspace file, counts
// what segment count does; --dialect writes the engine's SQL; an unknown
// dialect or selection is refused.
func TestSegmentSQLDialects(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	count := func(name string) int64 {
		out := strings.TrimSpace(mustRun(t, ws, "segment", "count", name, "--format", "csv"))
		n, err := strconv.ParseInt(out[strings.LastIndexByte(out, ',')+1:], 10, 64)
		if err != nil {
			t.Fatalf("segment count: %q", out)
		}
		return n
	}
	text := mustRun(t, ws, "segment", "sql", "churn_risk", "--select", "count")
	if !strings.HasPrefix(text, "SELECT count(*) AS members\n") {
		t.Fatalf("--select count printed\n%s", text)
	}
	db, err := sql.Open("duckdb", ws+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.QueryRow(strings.TrimSuffix(strings.TrimSpace(text), ";")).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	db.Close()
	if want := count("churn_risk"); n != want || n == 0 {
		t.Errorf("the printed count query gives %d, segment count %d", n, want)
	}

	pg := mustRun(t, ws, "segment", "sql", "churn_risk", "--dialect", "postgres")
	for _, want := range []string{`FROM "subscribers"`, `"views"`, `(TIMESTAMP '2026-11-01 00:00:00' - INTERVAL '14 day')`} {
		if !strings.Contains(pg, want) {
			t.Errorf("postgres SQL lacks %s:\n%s", want, pg)
		}
	}
	bq := mustRun(t, ws, "segment", "sql", "churn_risk", "--dialect", "BigQuery", "--format", "json")
	var got map[string]string
	if err := json.Unmarshal([]byte(bq), &got); err != nil {
		t.Fatal(err)
	}
	if got["dialect"] != "bigquery" || !strings.Contains(got["sql"], "DATETIME_SUB(DATETIME '2026-11-01 00:00:00', INTERVAL 14 DAY)") {
		t.Errorf("bigquery as JSON: %v", got)
	}
	mustFail(t, ws, "choose one of duckdb, postgres, bigquery, snowflake, databricks", "segment", "sql", "churn_risk", "--dialect", "oracle")
	mustFail(t, ws, "--select must be members or count", "segment", "sql", "churn_risk", "--select", "keys")
}

// export-defs writes the seeded segments; import-defs reads them into
// another workspace with the same tables, where each counts the same; --dbt
// writes a model per segment.
func TestExportImportDefsCLI(t *testing.T) {
	t.Parallel()
	from, to := seededWorkspace(t), seededWorkspace(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "segments.json")
	mustRun(t, from, "segment", "define", "regular_new", "--table", "subscribers", "--rule", "segment('new') and count(views) >= 3", "--reason", "test")
	mustRun(t, from, "segment", "export-defs", "regular_new", "high_value", "-o", file, "--dbt", filepath.Join(dir, "dbt"), "--dialect", "snowflake")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Format   string
		Segments []struct{ Name string }
	}
	if err := json.Unmarshal(data, &f); err != nil || f.Format != "segscope.segments" || len(f.Segments) != 3 {
		t.Fatalf("segments.json: %v %+v", err, f)
	}
	for _, name := range []string{"regular_new.sql", "new.sql", "high_value.sql", "schema.yml"} {
		if _, err := os.Stat(filepath.Join(dir, "dbt", name)); err != nil {
			t.Error(err)
		}
	}
	mustRun(t, to, "segment", "delete", "new", "--reason", "test")
	out := mustRun(t, to, "segment", "import-defs", file, "--reason", "shared", "--format", "json")
	if !strings.Contains(out, `"regular_new"`) {
		t.Fatalf("import-defs printed %s", out)
	}
	for _, name := range []string{"regular_new", "new", "high_value"} {
		a := mustRun(t, from, "segment", "count", name, "--format", "csv")
		b := mustRun(t, to, "segment", "count", name, "--format", "csv")
		if a != b {
			t.Errorf("%s counts %q where it came from and %q after the import", name, a, b)
		}
	}
	mustFail(t, to, "not a segment definitions file", "segment", "import-defs", filepath.Join(dir, "dbt", "schema.yml"))
}
