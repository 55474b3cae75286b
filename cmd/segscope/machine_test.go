package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// dressed matches a number written for people: a thousands separator, a
// percentage or a "<0.0001".
var dressed = regexp.MustCompile(`^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$|^[-+]?\d+(\.\d+)?\s*%$|^<\s*\d`)

// machine is the sample workspace with a segment, a second one, and consent
// set up, so every command has something of more than 999 rows to say.
var machine = querytest.NewFixture(func(tb testing.TB, ws string) *query.Workspace {
	seeded.Copy(tb, ws)
	mustRun(tb, ws, "segment", "define", "churn_risk", "--table", "subscribers", "--rule", "days_since_login > 30 or sessions_30d < 3")
	mustRun(tb, ws, "segment", "define", "premium", "--table", "subscribers", "--rule", "plan = 'premium'")
	mustRun(tb, ws, "consent", "setup", "--table", "subscribers", "--key", "subscriber_id", "--consent-table", "consent",
		"--channel-col", "channel", "--status-col", "status", "--time-col", "event_time")
	return openFile(tb, ws)
})

// machineWorkspace is a copy of machine, alone in a new directory.
func machineWorkspace(t *testing.T) string {
	t.Helper()
	ws := filepath.Join(t.TempDir(), "w.duckdb")
	machine.Copy(t, ws)
	return ws
}

// machineCommands is every command that prints results, with arguments that
// give it large counts, shares, means and p-values to print.
var machineCommands = [][]string{
	{"tables"},
	{"profile", "subscribers"},
	{"profile", "subscribers", "plan"},
	{"profile", "subscribers", "watch_hours_30d"},
	{"query", "select plan, count(*) as n, avg(age) as mean_age, count(*) / 20000 as share, 1234.50::DECIMAL(10,2) as price from subscribers group by plan order by plan"},
	{"segment", "list"},
	{"segment", "count", "churn_risk"},
	{"segment", "show", "churn_risk"},
	{"segment", "history", "churn_risk"},
	{"segment", "members", "churn_risk", "--limit", "5"},
	{"compare", "churn_risk"},
	{"compare", "churn_risk", "premium"},
	{"compare", "churn_risk", "--column", "plan"},
	{"compare", "churn_risk", "--column", "watch_hours_30d"},
	{"consent"},
	{"consent", "churn_risk"},
	{"audit"},
	{"audit", "--verify"},
}

// Machine formats carry raw numbers: 20000 and 0.55, never "20,000" or "55.0%".
func TestMachineFormatsPrintRawNumbers(t *testing.T) {
	t.Parallel()
	ws := machineWorkspace(t)
	for _, args := range machineCommands {
		name := strings.Join(args, " ")
		out := mustRun(t, ws, append(args, "--format", "csv")...)
		records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(records) < 2 {
			t.Errorf("%s --format csv: %d records, %v\n%s", name, len(records), err, out)
			continue
		}
		for _, rec := range records {
			for _, field := range rec {
				if dressed.MatchString(strings.TrimSpace(field)) {
					t.Errorf("%s --format csv: %q is written for people\n%s", name, field, out)
				}
			}
		}

		out = mustRun(t, ws, append(args, "--format", "json")...)
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil || v == nil {
			t.Errorf("%s --format json: %v, %v\n%s", name, v, err, out)
			continue
		}
		walkJSON(v, func(s string) {
			if dressed.MatchString(strings.TrimSpace(s)) {
				t.Errorf("%s --format json: %q is written for people", name, s)
			}
		})
	}
}

// The check above can fail: tables for people do dress their numbers.
func TestTableFormatIsForPeople(t *testing.T) {
	t.Parallel()
	ws := machineWorkspace(t)
	for _, args := range [][]string{{"tables"}, {"segment", "list"}, {"compare", "churn_risk", "--column", "plan"}} {
		out := mustRun(t, ws, args...)
		found := false
		for _, field := range strings.FieldsFunc(out, func(r rune) bool { return r == '│' || r == '\n' }) {
			found = found || dressed.MatchString(strings.TrimSpace(field))
		}
		if !found {
			t.Errorf("%s: no number written for people in\n%s", strings.Join(args, " "), out)
		}
	}
}

// Query results in JSON keep numbers as numbers, DECIMAL digit for digit.
func TestQueryJSONNumbers(t *testing.T) {
	t.Parallel()
	ws := machineWorkspace(t)
	out := mustRun(t, ws, "query", "select 20000 as n, 0.55::DOUBLE as share, 1234.50::DECIMAL(10,2) as price, 170141183460469231731687303715884105727::HUGEINT as big, 'nan'::DOUBLE as nan", "--format", "json")
	want := `"n": 20000` + "|" + `"share": 0.55` + "|" + `"price": 1234.5` + "|" + `"big": 170141183460469231731687303715884105727` + "|" + `"nan": "NaN"`
	for _, w := range strings.Split(want, "|") {
		if !strings.Contains(out, w) {
			t.Errorf("query json lacks %s:\n%s", w, out)
		}
	}
}

func walkJSON(v any, visit func(string)) {
	switch x := v.(type) {
	case string:
		visit(x)
	case []any:
		for _, e := range x {
			walkJSON(e, visit)
		}
	case map[string]any:
		for _, e := range x {
			walkJSON(e, visit)
		}
	}
}

// Notes count in words that agree with the number.
func TestNotesSingularPlural(t *testing.T) {
	t.Parallel()
	ws := machineWorkspace(t)
	for limit, want := range map[string]string{"1": "showing the first 1 row (--limit)", "2": "showing the first 2 rows (--limit)"} {
		if out := mustRun(t, ws, "query", "select subscriber_id from subscribers", "--limit", limit); !strings.Contains(out, want) {
			t.Errorf("--limit %s: no %q in\n%s", limit, want, out)
		}
	}
	mustRun(t, ws, "segment", "define", "one", "--table", "subscribers", "--rule", "subscriber_id = 7")
	dir := t.TempDir()
	if out := mustRun(t, ws, "export", "one", "--acknowledge", "one-row test fixture", "-o", filepath.Join(dir, "one.csv")); !strings.Contains(out, "1 row of one written") {
		t.Errorf("export of one member:\n%s", out)
	}
	if out := mustRun(t, ws, "audit", "--report", filepath.Join(dir, "r.md")); !strings.Contains(out, fmt.Sprintf("(%d segments, 1 export;", len(sampleSegments())+2)) {
		t.Errorf("audit report note:\n%s", out)
	}
}
