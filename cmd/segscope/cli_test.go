package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
)

// run executes one segscope command line in-process against a workspace file.
func run(t testing.TB, workspace string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runWithInput(t, nil, workspace, args...)
}

// runWithInput is run with stdin reading from in.
func runWithInput(t testing.TB, in io.Reader, workspace string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := newApp(&out, &errOut)
	root := a.root()
	if in != nil {
		root.SetIn(in)
	}
	root.SetArgs(append([]string{"--workspace", workspace, "--no-color"}, args...))
	err = root.ExecuteContext(context.Background())
	a.close()
	return out.String(), errOut.String(), err
}

func mustRun(t testing.TB, workspace string, args ...string) string {
	t.Helper()
	out, errOut, err := run(t, workspace, args...)
	if err != nil {
		t.Fatalf("segscope %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

func TestSampleImportTables(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	dir := filepath.Dir(ws)
	data := filepath.Join(dir, "s")
	mustRun(t, ws, "sample", "--rows", "3000", "--out", data)
	for _, f := range []string{"subscribers.csv", "subscribers.parquet", "consent.csv", "consent.parquet", "creators.csv"} {
		if info, err := os.Stat(filepath.Join(data, f)); err != nil || info.Size() == 0 {
			t.Fatalf("sample did not write %s: %v", f, err)
		}
	}
	mustRun(t, ws, "import", filepath.Join(data, "subscribers.csv"))
	var tables []struct {
		Name string `json:"name"`
		Rows int64  `json:"rows"`
		Key  string `json:"key_column"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "tables", "--format", "json")), &tables); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tb := range tables {
		if tb.Name == "subscribers" {
			found = tb.Rows == 3000 && tb.Key == "subscriber_id"
		}
	}
	if !found {
		t.Fatalf("tables: %+v", tables)
	}
	// The parquet file imports under another name and agrees.
	mustRun(t, ws, "import", filepath.Join(data, "subscribers.parquet"), "--as", "subs_pq")
	out := mustRun(t, ws, "query", "select count(*) as n from subs_pq join subscribers using (subscriber_id) where subs_pq.plan = subscribers.plan", "--format", "csv")
	if strings.TrimSpace(out) != "n\n3000" {
		t.Fatalf("parquet vs csv: %q", out)
	}
	if out := mustRun(t, ws, "profile", "subscribers", "plan"); !strings.Contains(out, "top values") {
		t.Fatalf("profile: %s", out)
	}
	if out := mustRun(t, ws, "profile", "subscribers"); !strings.Contains(out, "watch_hours_30d") {
		t.Fatalf("table profile: %s", out)
	}
}

func TestQueryRefusesWrites(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	_, _, err := run(t, ws, "query", "drop table subscribers")
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("drop: %v", err)
	}
	if out := mustRun(t, ws, "query", "select count(*) from subscribers", "--format", "csv"); !strings.Contains(out, "20000") {
		t.Fatalf("subscribers after refused drop: %q", out)
	}
}

func TestImportFailureExitsNonZero(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	dir := filepath.Dir(ws)
	before := mustRun(t, ws, "tables", "--format", "csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("\x00\x01binary"), 0o644)
	for _, args := range [][]string{{"import", bad}, {"import", filepath.Join(dir, "missing.csv")}, {"import", dir}} {
		if _, _, err := run(t, ws, args...); err == nil {
			t.Fatalf("%v succeeded", args)
		}
	}
	if after := mustRun(t, ws, "tables", "--format", "csv"); after != before {
		t.Fatalf("workspace changed:\n%s\n%s", before, after)
	}
	if _, _, err := run(t, ws, "tables", "--format", "yaml"); err == nil {
		t.Fatal("accepted --format yaml")
	}
}

func TestSegmentLifecycleAndAudit(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	rule := "days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2"
	mustRun(t, ws, "segment", "define", "churn_risk", "--table", "subscribers", "--rule", rule, "--reason", "first cut")
	count := strings.TrimSpace(mustRun(t, ws, "segment", "count", "churn_risk"))
	byHand := mustRun(t, ws, "query", "select count(*) as n from subscribers where "+rule, "--format", "csv")
	if byHand != "n\n"+count+"\n" || count == "0" {
		t.Fatalf("segment count %q, hand-written %q", count, byHand)
	}
	mustRun(t, ws, "segment", "define", "churn_risk", "--table", "subscribers", "--rule", rule+" and age >= 18", "--reason", "adults")
	history := mustRun(t, ws, "segment", "history", "churn_risk", "--format", "csv")
	if !strings.Contains(history, "1,") || !strings.Contains(history, "first cut") || !strings.Contains(history, "adults") {
		t.Fatalf("history: %s", history)
	}
	if out := mustRun(t, ws, "segment", "sql", "churn_risk"); !strings.Contains(out, `"age" >= 18`) {
		t.Fatalf("sql: %s", out)
	}
	if out := mustRun(t, ws, "segment", "members", "churn_risk", "--limit", "3", "--format", "json"); strings.Count(out, "subscriber_id") != 3 {
		t.Fatalf("members: %s", out)
	}
	_, _, err := run(t, ws, "segment", "define", "bad", "--table", "subscribers", "--rule", "days_since_logn > 3")
	if err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Fatalf("bad rule: %v", err)
	}
	if out := mustRun(t, ws, "audit", "--verify"); !strings.Contains(out, "intact") {
		t.Fatalf("verify: %s", out)
	}
	for _, name := range []string{"report.md", "report.html"} {
		path := filepath.Join(filepath.Dir(ws), name)
		mustRun(t, ws, "audit", "--report", path)
		if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "churn_risk") || !strings.Contains(string(data), "adults") {
			t.Fatalf("%s: %v\n%s", name, err, data)
		}
	}
	// Tamper with the file directly, as an attacker with the file would: the
	// entry of the version given "first cut" (after the sample's seeding).
	var seq int64
	w := openFile(t, ws)
	err = w.DB().QueryRow(`SELECT seq FROM segscope.audit WHERE details LIKE '%first cut%'`).Scan(&seq)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	tamper(t, ws, fmt.Sprintf(`UPDATE segscope.audit SET details = replace(details, 'first cut', 'nothing to see') WHERE seq = %d`, seq))
	_, _, err = run(t, ws, "audit", "--verify")
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("entry %d", seq)) {
		t.Fatalf("tampered verify of entry %d: %v", seq, err)
	}
}

// tamper edits a closed workspace behind segscope's back.
func tamper(t *testing.T, path, statement string) {
	t.Helper()
	w, err := query.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.DB().ExecContext(context.Background(), statement); err != nil {
		t.Fatal(err)
	}
}
