package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
)

func mustFail(t *testing.T, ws, want string, args ...string) {
	t.Helper()
	_, _, err := run(t, ws, args...)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("segscope %s: %v, want an error saying %q", strings.Join(args, " "), err, want)
	}
}

// A campaign from the command line: split, size the test, a priority list,
// snapshots, exports narrowed to an arm, a step and the new members, and the
// segment's diff and trend.
func TestCampaignCLI(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	dir := t.TempDir()
	mustRun(t, ws, "segment", "define", "lapsing", "--table", "subscribers", "--rule", "days_since_login > 20", "--reason", "test", "--description", "d")
	mustRun(t, ws, "segment", "define", "fans", "--table", "subscribers", "--rule", "watch_hours_30d > 40", "--reason", "test", "--description", "d")
	mustRun(t, ws, "segment", "define", "shoppers", "--table", "creators", "--rule", "orders > 3", "--reason", "test", "--description", "d")

	mustFail(t, ws, "add up to 90%", "split", "lapsing", "--arms", "control:10,treatment:80")
	mustFail(t, ws, "has not been split", "split", "show", "lapsing")
	var shown struct {
		Salt  string `json:"salt"`
		Sizes []struct {
			Name    string `json:"name"`
			Members int64  `json:"members"`
		} `json:"sizes"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "split", "lapsing", "--arms", "control:20,treatment:80", "--salt", "s1", "--format", "json")), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Salt != "s1" || len(shown.Sizes) != 2 || shown.Sizes[0].Members == 0 || shown.Sizes[1].Members < 3*shown.Sizes[0].Members {
		t.Fatalf("split: %+v", shown)
	}
	mustFail(t, ws, "--replace", "split", "lapsing", "--arms", "control:50,treatment:50")
	var mde []struct {
		Arm  string  `json:"arm"`
		Rate float64 `json:"detectable_rate"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "split", "mde", "lapsing", "--baseline", "0.05", "--format", "json")), &mde); err != nil {
		t.Fatal(err)
	}
	if len(mde) != 1 || mde[0].Arm != "treatment" || !(mde[0].Rate > 0.05 && mde[0].Rate < 0.2) {
		t.Fatalf("mde: %+v", mde)
	}
	mustFail(t, ws, "--baseline", "split", "mde", "lapsing")
	out := mustRun(t, ws, "split", "lift", "lapsing", "--outcome", "churned", "--format", "csv")
	if !strings.HasPrefix(out, "arms,rate (test),rate (control),lift,95% interval,relative,p\ntreatment vs control,") {
		t.Fatalf("lift: %q", out)
	}

	mustFail(t, ws, "must all be on one table", "priority", "define", "q4", "--segments", "fans,shoppers")
	var w struct {
		Steps []struct {
			Segment  string `json:"segment"`
			Audience int64  `json:"audience"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "priority", "define", "q4", "--segments", "fans,lapsing", "--format", "json")), &w); err != nil {
		t.Fatal(err)
	}
	if len(w.Steps) != 2 || w.Steps[1].Segment != "lapsing" {
		t.Fatalf("waterfall: %+v", w)
	}

	mustFail(t, ws, "no earlier snapshot of segment lapsing", "segment", "diff", "lapsing")
	mustFail(t, ws, "no earlier export", "export", "lapsing", "--only-new", "-o", filepath.Join(dir, "x.csv"), "--acknowledge", "test")
	mustRun(t, ws, "export", "lapsing", "--arm", "treatment", "-o", filepath.Join(dir, "arm.csv"), "--acknowledge", "test")
	mustRun(t, ws, "export", "q4", "--step", "lapsing", "-o", filepath.Join(dir, "step.csv"), "--acknowledge", "test")
	mustRun(t, ws, "export", "lapsing", "-o", filepath.Join(dir, "all.csv"), "--acknowledge", "test")
	if got := querytest.CSVKeys(t, filepath.Join(dir, "step.csv")); int64(len(got)) != w.Steps[1].Audience {
		t.Fatalf("step file holds %d, the waterfall says %d", len(got), w.Steps[1].Audience)
	}
	var m struct {
		Audience struct {
			Arm, Salt, Step, Priority string
			Snapshot                  int64
		} `json:"audience"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, "arm.csv.manifest.json"))
	if err := json.Unmarshal(data, &m); err != nil || m.Audience.Arm != "treatment" || m.Audience.Salt != "s1" || m.Audience.Snapshot == 0 {
		t.Fatalf("arm manifest: %+v %v", m, err)
	}

	// The rule widens: --only-new writes those who entered, which diff lists.
	mustRun(t, ws, "segment", "define", "lapsing", "--table", "subscribers", "--rule", "days_since_login > 15", "--reason", "wider")
	var d struct {
		Entered     int64    `json:"entered"`
		Left        int64    `json:"left"`
		EnteredKeys []string `json:"entered_keys"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "segment", "diff", "lapsing", "--since", "last-export", "--keys", "--format", "json")), &d); err != nil {
		t.Fatal(err)
	}
	if d.Entered == 0 || d.Left != 0 || int64(len(d.EnteredKeys)) != d.Entered {
		t.Fatalf("diff: %+v", d)
	}
	mustRun(t, ws, "export", "lapsing", "--only-new", "-o", filepath.Join(dir, "new.csv"), "--acknowledge", "test")
	slices.Sort(d.EnteredKeys)
	if got := querytest.CSVKeys(t, filepath.Join(dir, "new.csv")); !slices.Equal(got, d.EnteredKeys) {
		t.Fatalf("--only-new wrote %d keys, diff says %d entered", len(got), len(d.EnteredKeys))
	}
	mustFail(t, ws, "--since", "segment", "diff", "lapsing", "--since", "someday")

	mustRun(t, ws, "snapshot", "lapsing")
	out, errOut, err := run(t, ws, "segment", "trend", "lapsing", "--format", "csv", "--drift", "0.05")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "snapshot,taken,version,kind,members,change,drift,reach: ") ||
		!strings.Contains(lines[4], ",2,export,") || !strings.Contains(lines[4], ",!,") || !strings.Contains(lines[5], ",snapshot,") ||
		strings.Contains(lines[3], "!") {
		t.Fatalf("trend:\n%s", out)
	}
	if !strings.Contains(errOut, "warning: 1 snapshot moved by more than 5%") {
		t.Fatalf("no drift warning: %q", errOut)
	}
}
