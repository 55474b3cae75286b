package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/querytest"
)

// The big-data check's path at a small size: sample --parquet-only, both
// tables attached by glob, a segment counted, consent set up and its coverage
// read, a consent-gated Parquet export, each against hand-written DuckDB on
// the same files; then a changed part stops the table.
func TestAttachedSampleEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	ws := filepath.Join(dir, "w.duckdb")
	data := filepath.Join(dir, "data")
	mustRun(t, ws, "--no-sample", "tables") // an empty workspace
	mustRun(t, ws, "sample", "--rows", "4000", "--parquet-only", "--out", data)
	if _, err := os.Stat(filepath.Join(data, "subscribers", "part-00001.parquet")); err != nil {
		t.Fatalf("no Parquet part: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(data, "*", "*.csv")); len(matches) > 0 {
		t.Fatalf("CSV parts left behind: %v", matches)
	}
	// A pattern is a path unless --glob says otherwise.
	if _, _, err := run(t, ws, "attach", filepath.Join(data, "subscribers", "*.parquet"), "--as", "subscribers"); err == nil || !strings.Contains(err.Error(), "--glob") {
		t.Fatalf("a pattern without --glob: %v", err)
	}
	mustRun(t, ws, "attach", "--glob", filepath.Join(data, "subscribers", "*.parquet"), "--as", "subscribers")
	mustRun(t, ws, "attach", "--glob", filepath.Join(data, "consent", "*.parquet"), "--as", "consent")
	var tables []query.TableInfo
	if err := json.Unmarshal([]byte(mustRun(t, ws, "--format", "json", "tables")), &tables); err != nil {
		t.Fatal(err)
	}
	if len(tables) != 2 || !tables[1].Attached || tables[1].Rows != 4000 || tables[1].Key != "subscriber_id" || tables[0].Key != "" {
		t.Fatalf("tables = %+v", tables)
	}

	raw, err := query.Open(ctx, query.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, tb := range []string{"subscribers", "consent"} {
		if _, err := raw.DB().ExecContext(ctx, `CREATE VIEW `+tb+` AS SELECT * FROM read_parquet(`+query.QuoteString(filepath.Join(data, tb, "*.parquet"))+`)`); err != nil {
			t.Fatal(err)
		}
	}
	const rule = "days_since_login > 7 and watch_hours_30d < watch_hours_prev_30d / 2"
	const ruleSQL = "days_since_login > 7 AND watch_hours_30d < watch_hours_prev_30d / 2"
	var want int64
	if err := raw.DB().QueryRowContext(ctx, `SELECT count(*) FROM subscribers WHERE `+ruleSQL).Scan(&want); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "segment", "define", "churn", "--table", "subscribers", "--rule", rule, "--description", "churn risk", "--reason", "test", "--create")
	if got := strings.TrimSpace(mustRun(t, ws, "segment", "count", "churn")); got != counts.Format(want) && got != jsonNumber(want) {
		t.Fatalf("segment count = %q, hand-written %d", got, want)
	}

	if out := mustRun(t, ws, "compare", "churn", "--top", "3"); !strings.Contains(out, "days_since_login") {
		t.Fatalf("compare on an attached table:\n%s", out)
	}
	if out := mustRun(t, ws, "profile", "subscribers", "plan"); !strings.Contains(out, "standard") {
		t.Fatalf("profile on an attached table:\n%s", out)
	}
	mustRun(t, ws, "consent", "setup", "--table", "subscribers", "--from-proposal")
	var granted int64
	if err := raw.DB().QueryRowContext(ctx, `SELECT count(*) FROM (`+querytest.HandStatesSQL(ruleSQL, true, time.Now(), "email")+`) WHERE state = 'granted'`).Scan(&granted); err != nil {
		t.Fatal(err)
	}
	coverage := mustRun(t, ws, "--format", "json", "consent", "churn", "--channel", "email")
	if !strings.Contains(coverage, "granted") {
		t.Fatalf("coverage:\n%s", coverage)
	}
	out := filepath.Join(dir, "churn.parquet")
	_, stderr, err := run(t, ws, "export", "churn", "--channel", "email", "-o", out, "--acknowledge", "test of an attached table")
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	var exported int64
	if err := raw.DB().QueryRowContext(ctx, `SELECT count(*) FROM read_parquet(`+query.QuoteString(out)+`)`).Scan(&exported); err != nil {
		t.Fatal(err)
	}
	if exported != granted || exported == 0 {
		t.Fatalf("exported %d members contactable by email; hand-written says %d", exported, granted)
	}

	// One part rewritten: the table says so, and reading it stops with why.
	part := filepath.Join(data, "subscribers", "part-00001.parquet")
	if _, err := raw.DB().ExecContext(ctx, `COPY (SELECT * FROM read_parquet(`+query.QuoteString(part)+`) LIMIT 10) TO `+query.QuoteString(part)+` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	listing, _, err := run(t, ws, "tables")
	if err != nil || !strings.Contains(listing, "subscribers: part-00001.parquet changed since it was attached") {
		t.Fatalf("tables after a change: %v\n%s", err, listing)
	}
	if _, _, err := run(t, ws, "segment", "count", "churn"); err == nil || !strings.Contains(err.Error(), "changed since it was attached") || !strings.Contains(err.Error(), "attach it again") {
		t.Fatalf("segment count after a change: %v", err)
	}
	if _, _, err := run(t, ws, "query", "select count(*) from subscribers"); err == nil || !strings.Contains(err.Error(), "changed since it was attached") {
		t.Fatalf("query after a change: %v", err)
	}
	// Attached again, it reads the files as they are now.
	mustRun(t, ws, "attach", "--glob", filepath.Join(data, "subscribers", "*.parquet"), "--as", "subscribers")
	if _, _, err := run(t, ws, "segment", "count", "churn"); err != nil {
		t.Fatalf("segment count after attaching again: %v", err)
	}
}
