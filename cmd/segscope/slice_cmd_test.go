package main

import (
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func csvRecords(t *testing.T, out string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	return recs
}

// TestSliceMatchesHandWrittenSQL checks the slice command's groups against SQL
// written out by hand, with a rule narrowing the rows and a rate measure.
func TestSliceMatchesHandWrittenSQL(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	got := csvRecords(t, mustRun(t, ws, "slice", "subscribers", "--by", "plan", "--rule", "age >= 30",
		"--measure", "rate:churned=true", "--format", "csv"))
	want := csvRecords(t, mustRun(t, ws, "query", `select plan, count(*) as n, count(*) / sum(count(*)) over () as share,
		avg((churned::VARCHAR = 'true')::INTEGER) as rate from subscribers where age >= 30 group by plan order by n desc, plan`, "--format", "csv"))
	if strings.Join(got[0], ",") != "plan,count,share,rate_churned" || len(got) != len(want) || len(got) < 3 {
		t.Fatalf("slice %v, SQL %v", got, want)
	}
	for i := 1; i < len(got); i++ {
		if got[i][0] != want[i][0] || got[i][1] != want[i][1] {
			t.Fatalf("row %d: slice %v, SQL %v", i, got[i], want[i])
		}
		for _, c := range []int{2, 3} {
			g, err1 := strconv.ParseFloat(got[i][c], 64)
			w, err2 := strconv.ParseFloat(want[i][c], 64)
			if err1 != nil || err2 != nil || g != w {
				t.Fatalf("row %d column %d: slice %q, SQL %q: CSV holds raw numbers", i, c, got[i][c], want[i][c])
			}
		}
	}

	// JSON keeps numbers as numbers; two columns and months group as the screen does.
	var rows []map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, ws, "slice", "subscribers", "--by", "signup_date,plan", "--months", "--format", "json", "--limit", "5")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("--limit 5 gave %d groups", len(rows))
	}
	if _, ok := rows[0]["count"].(float64); !ok || len(rows[0]["signup_date"].(string)) != len("2024-01") {
		t.Fatalf("json group %v: want a numeric count and a month label", rows[0])
	}

	// People read percentages; the numbers agree.
	table := mustRun(t, ws, "slice", "subscribers", "--by", "plan", "--rule", "age >= 30", "--measure", "rate:churned=true")
	if !strings.Contains(table, "%") || !strings.Contains(table, got[1][0]) {
		t.Fatalf("table output:\n%s", table)
	}
}

func TestSliceRefusesAndMasks(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"slice", "subscribers"}, "one or two columns"},
		{[]string{"slice", "subscribers", "--by", "a,b,c"}, "one or two columns"},
		{[]string{"slice", "subscribers", "--by", "nope"}, `no column "nope"`},
		{[]string{"slice", "subscribers", "--by", "plan", "--measure", "median:age"}, "use count, share"},
		{[]string{"slice", "subscribers", "--by", "plan", "--measure", "rate:churned"}, "rate:churned=true"},
		{[]string{"slice", "subscribers", "--by", "plan", "--measure", "sum:plan"}, "needs a numeric column"},
		{[]string{"slice", "subscribers", "--by", "plan", "--rule", "agee > 3"}, "agee"},
		{[]string{"slice", "no_table", "--by", "plan"}, "no_table"},
	} {
		_, _, err := run(t, ws, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("segscope %s: %v, want an error saying %q", strings.Join(c.args, " "), err, c.want)
		}
	}
	out, errOut, err := run(t, ws, "slice", "subscribers", "--by", "email", "--limit", "3", "--format", "csv")
	if err != nil || strings.Count(out, "••••") != 3 || !strings.Contains(errOut, "personal data masked: email") {
		t.Fatalf("grouped by email: %q %q %v", out, errOut, err)
	}
	out = mustRun(t, ws, "--reveal", "slice", "subscribers", "--by", "email", "--limit", "3", "--format", "csv")
	if strings.Contains(out, "••••") || strings.Count(out, "@") != 3 {
		t.Fatalf("revealed: %q", out)
	}
	if audit := mustRun(t, ws, "audit", "--format", "json"); !strings.Contains(audit, `\"command\":\"slice\"`) {
		t.Fatalf("the reveal is not in the audit log")
	}
}
