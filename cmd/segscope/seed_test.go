package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
)

// The first run leaves a workspace with the sample's tables, its viewing
// events, consent set up and the four documented segments, each with people
// in it, so every screen has something to show.
func TestFirstRunSeedsSegmentsAndConsent(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)

	var tables []struct {
		Name string `json:"name"`
		Rows int64  `json:"rows"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "tables", "--format", "json")), &tables); err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, tb := range tables {
		rows[tb.Name] = tb.Rows
	}
	if rows["subscribers"] != 20000 || rows["views"] < 20000*28 || rows["views"] > 20000*34 {
		t.Errorf("tables after the first run: %+v; want 20,000 subscribers and about 30 views each", tables)
	}

	var list []struct {
		Name string `json:"name"`
		Size int64  `json:"size"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "segment", "list", "--format", "json")), &list); err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int64{}
	for _, s := range list {
		sizes[s.Name] = s.Size
	}
	for _, d := range sampleSegments() {
		size, ok := sizes[d.Name]
		if !ok || size == 0 {
			t.Errorf("seeded segment %s: listed %v with %d members; want it, not empty (list %+v)", d.Name, ok, size, list)
			continue
		}
		// The count is that of the segment's SQL, run as it would be elsewhere.
		sql := strings.TrimSuffix(strings.TrimSpace(mustRun(t, ws, "segment", "sql", d.Name)), ";")
		byHand := mustRun(t, ws, "query", "select count(*) as n from ("+sql+")", "--format", "csv")
		if want := "n\n" + jsonNumber(size) + "\n"; byHand != want {
			t.Errorf("%s: list says %d, its SQL counts %q", d.Name, size, byHand)
		}
		var show struct {
			Description string `json:"description"`
		}
		if err := json.Unmarshal([]byte(mustRun(t, ws, "segment", "show", d.Name, "--format", "json")), &show); err != nil {
			t.Fatal(err)
		}
		var history []struct {
			Reason string `json:"reason"`
		}
		if err := json.Unmarshal([]byte(mustRun(t, ws, "segment", "history", d.Name, "--format", "json")), &history); err != nil {
			t.Fatal(err)
		}
		if show.Description == "" || len(history) != 1 || history[0].Reason != sampleReason {
			t.Errorf("%s: description %q, history %+v; want documented, with the seeding's reason", d.Name, show.Description, history)
		}
		// Consent is set up for the segments' table, so their coverage shows.
		if out := mustRun(t, ws, "consent", d.Name, "--channel", "email"); !strings.Contains(out, "granted") {
			t.Errorf("consent %s:\n%s", d.Name, out)
		}
	}
	// The views are the subscribers' events, and the sample's date is the as-of time.
	var asOf struct {
		AsOf string `json:"as_of"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "as-of", "--format", "json")), &asOf); err != nil || asOf.AsOf != "2026-11-01" {
		t.Errorf("as-of after the first run: %+v (%v), want 2026-11-01", asOf, err)
	}
	var evs []struct {
		Table    string `json:"table"`
		Audience string `json:"audience"`
		Time     string `json:"time"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "events", "list", "--format", "json")), &evs); err != nil ||
		len(evs) != 1 || evs[0].Table != "views" || evs[0].Audience != "subscribers" || evs[0].Time != "time" {
		t.Errorf("event tables after the first run: %+v (%v)", evs, err)
	}
	// Counted by hand, the event conditions and ago() mean what their
	// descriptions say, at the sample's date.
	for name, where := range map[string]string{
		"churn_risk": `not churned and not exists (select 1 from views v where v.subscriber_id = s.subscriber_id and v."time" > timestamp '2026-10-18')
			and (select count(*) from views v where v.subscriber_id = s.subscriber_id) >= 5`,
		"lapsed": `not exists (select 1 from views v where v.subscriber_id = s.subscriber_id and v."time" > timestamp '2026-10-02')`,
		"new":    `signup_date > date '2026-08-03'`,
	} {
		byHand := mustRun(t, ws, "query", "select count(*) as n from subscribers s where "+where, "--format", "csv")
		if want := "n\n" + jsonNumber(sizes[name]) + "\n"; byHand != want {
			t.Errorf("%s has %d members; counted by hand %q", name, sizes[name], byHand)
		}
	}

	if out := mustRun(t, ws, "audit", "--verify"); !strings.Contains(out, "intact") {
		t.Errorf("audit after seeding: %s", out)
	}
}

// sample writes the views beside the other files, scaled by
// --views-per-subscriber, and refuses a rate it cannot make.
func TestSampleWritesViews(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	count := func(views string) (int, string) {
		out := filepath.Join(dir, "v"+views)
		stdout, stderr, err := run(t, filepath.Join(dir, "w.duckdb"), "--no-sample", "sample", "--rows", "400", "--views-per-subscriber", views, "--out", out)
		if err != nil {
			t.Fatalf("sample --views-per-subscriber %s: %v\n%s", views, err, stderr)
		}
		for _, f := range []string{"views.csv", "views.parquet"} {
			if info, err := os.Stat(filepath.Join(out, f)); err != nil || info.Size() == 0 {
				t.Fatalf("sample did not write %s: %v", f, err)
			}
		}
		data, err := os.ReadFile(filepath.Join(out, "views.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Count(data, []byte("\n")) - 1, stdout + stderr
	}
	n30, note := count("30")
	n5, _ := count("5")
	if n30 < 400*25 || n30 > 400*36 || n5 >= n30/3 || n5 == 0 {
		t.Errorf("%d views at 30 per subscriber, %d at 5", n30, n5)
	}
	if !strings.Contains(note, thousands(int64(n30))+" views") {
		t.Errorf("sample's note does not count the views (%d):\n%s", n30, note)
	}
	for _, bad := range []string{"-1", "101"} {
		_, _, err := run(t, filepath.Join(dir, "w.duckdb"), "--no-sample", "sample", "--rows", "10", "--views-per-subscriber", bad, "--out", filepath.Join(dir, "bad"))
		if err == nil || !strings.Contains(err.Error(), "--views-per-subscriber") {
			t.Errorf("--views-per-subscriber %s: %v", bad, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "bad")); !os.IsNotExist(err) {
			t.Errorf("a refused sample left %s behind (%v)", filepath.Join(dir, "bad"), err)
		}
	}
}

// A first run stopped while the sample is being added (Ctrl+C) keeps nothing:
// the next run seeds a whole workspace rather than opening half of one.
func TestStoppedSeedingKeepsNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	var out, errOut bytes.Buffer
	a := newApp(&out, &errOut)
	a.workspacePath = path
	// Stopped after the first table, as Ctrl+C would stop it.
	seed = func(ctx context.Context, ws *query.Workspace) error {
		if _, err := ws.ImportFS(ctx, sampledata.SeedFS, sampledata.Tables[0].File, sampledata.Tables[0].Name); err != nil {
			return err
		}
		return context.Canceled
	}
	defer func() { seed = seedSample }()
	if _, err := a.workspace(context.Background()); err == nil || !strings.Contains(err.Error(), "nothing was kept") {
		t.Fatalf("seeding under a cancelled context: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the half-seeded workspace is still there: %v", err)
	}
	if !strings.Contains(errOut.String(), "adding the sample data") {
		t.Errorf("the first run did not say what it was doing: %q", errOut.String())
	}
}
