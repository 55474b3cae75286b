package defs_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/defs"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/rule"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// withEvents is the sample with its views set up as the subscribers'
// events, dated as the sample is: built once, copied for each test.
var withEvents = querytest.NewFixture(func(tb testing.TB, path string) *query.Workspace {
	ctx := context.Background()
	ws := querytest.SampleFile(tb, path)
	for _, e := range sampledata.EventTables {
		if _, err := ws.ImportFS(ctx, sampledata.SeedFS, e.File, e.Name); err != nil {
			tb.Fatal(err)
		}
	}
	asOf := sampledata.DefaultOptions().AsOf
	if _, err := events.Setup(ctx, ws, events.Config{Table: "views", Key: "subscriber_id", Time: "time", Audience: "subscribers"},
		events.Options{Reason: "test", AsOf: &asOf}); err != nil {
		tb.Fatal(err)
	}
	return ws
})

// sampleWorkspace is a copy of the sample, with its events or without.
func sampleWorkspace(t *testing.T, events bool) *query.Workspace {
	t.Helper()
	if events {
		return withEvents.Open(t)
	}
	return querytest.SampleCopy(t)
}

// source defines three segments, one using another that uses the third,
// with event conditions, and a second version of the first.
func source(t *testing.T) *query.Workspace {
	t.Helper()
	ctx := context.Background()
	ws := sampleWorkspace(t, true)
	if err := consent.New(ws).SetupSample(ctx); err != nil {
		t.Fatal(err)
	}
	store := segments.NewStore(ws)
	for _, d := range []segments.Definition{
		{Name: "older_premium", Table: "subscribers", Rule: "plan = 'premium' and age >= 30", Description: "first", Reason: "v1"},
		{Name: "older_premium", Table: "subscribers", Rule: "plan in ('premium', 'family') and age >= 30", Description: "Older premium and family viewers", Reason: "families too"},
		{Name: "quiet", Table: "subscribers", Rule: "segment('older_premium') or none(views in last 14 days)", Reason: "win-back"},
		{Name: "regular_not_quiet", Table: "subscribers", Rule: "count(views in last 30 days) >= 3 and not segment('quiet')", Description: "Watching, and not quiet"},
		{Name: "trialists", Table: "subscribers", Rule: "plan = 'ad_supported'"},
	} {
		if _, err := store.Define(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

// TestExportImportReproducesCounts: the definitions of one segment, written
// and read back into a fresh workspace with the same tables, bring the
// segments it uses and the consent setup with them, and every segment
// counts the same people there.
func TestExportImportReproducesCounts(t *testing.T) {
	ctx := context.Background()
	from := source(t)
	f, err := defs.Export(ctx, from, []string{"regular_not_quiet"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	read, err := defs.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range read.Segments {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "older_premium,quiet,regular_not_quiet" {
		t.Fatalf("the file holds %v: the segment asked for and those it uses, by name", names)
	}
	if v := read.Segments[0].Versions; len(v) != 2 || v[0].Reason != "v1" || v[1].Rule != "plan in ('premium', 'family') and age >= 30" {
		t.Errorf("older_premium's history in the file: %+v", v)
	}
	if len(read.Consent) != 1 || read.Consent[0].Table != "subscribers" {
		t.Fatalf("consent in the file: %+v", read.Consent)
	}

	to := sampleWorkspace(t, true)
	got, err := defs.Import(ctx, to, read, defs.Options{Source: "segs.json", Reason: "moving to the team workspace"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Segments) != 3 || len(got.Consent) != 1 {
		t.Fatalf("imported %+v", got)
	}
	fromStore, toStore := segments.NewStore(from), segments.NewStore(to)
	for _, name := range names {
		want, err := fromStore.Count(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		n, err := toStore.Count(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if n != want || n == 0 {
			t.Errorf("%s counts %d after the import, %d where it came from", name, n, want)
		}
	}
	seg, err := toStore.Get(ctx, "older_premium")
	if err != nil {
		t.Fatal(err)
	}
	if seg.Description != "Older premium and family viewers" || seg.Version != 1 {
		t.Errorf("imported older_premium: %+v", seg)
	}
	history, err := toStore.History(ctx, "older_premium")
	if err != nil {
		t.Fatal(err)
	}
	if r := history[0].Reason; !strings.Contains(r, "moving to the team workspace") || !strings.Contains(r, "segs.json (version 2 there)") || !strings.Contains(r, "families too") {
		t.Errorf("the imported version's reason: %q", r)
	}
	wantConsent, _ := consent.New(from).Config(ctx, "subscribers")
	gotConsent, err := consent.New(to).Config(ctx, "subscribers")
	if err != nil || gotConsent.Policy != wantConsent.Policy || gotConsent.Layout != wantConsent.Layout {
		t.Errorf("consent after the import: %+v, %v; want %+v", gotConsent, err, wantConsent)
	}
	audit := auditSubjects(t, to)
	for _, want := range []string{"older_premium", "quiet", "regular_not_quiet", "consent:subscribers"} {
		if !audit[want] {
			t.Errorf("no audit entry for %s after the import (have %v)", want, audit)
		}
	}
}

func auditSubjects(t *testing.T, ws *query.Workspace) map[string]bool {
	rows, err := ws.DB().Query(`SELECT subject FROM segscope.audit`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out[s] = true
	}
	return out
}

// TestImportAllOrNothing: a rule that does not compile against the
// target's tables (no event tables there) stops the whole import: no
// segment and no consent setup is written.
func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	f, err := defs.Export(ctx, source(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	to := sampleWorkspace(t, false)
	before := len(auditSubjects(t, to))
	_, err = defs.Import(ctx, to, f, defs.Options{Source: "segs.json"})
	if err == nil || !strings.Contains(err.Error(), "nothing was imported") || !strings.Contains(err.Error(), "views") {
		t.Fatalf("import against tables without events: %v", err)
	}
	if segs, err := segments.NewStore(to).List(ctx); err != nil || len(segs) != 0 {
		t.Errorf("segments after a failed import: %v, %v", segs, err)
	}
	if _, err := consent.New(to).Config(ctx, "subscribers"); !errors.Is(err, consent.ErrNotConfigured) {
		t.Errorf("consent after a failed import: %v", err)
	}
	if after := len(auditSubjects(t, to)); after != before {
		t.Errorf("a failed import wrote audit entries (%d subjects, %d before)", after, before)
	}
}

func TestReadRefuses(t *testing.T) {
	tests := map[string]string{
		`{"format": "other", "version": 1, "segments": []}`:                                                                                    "format is \"other\"",
		`{"format": "segscope.segments", "version": 2, "segments": [{"name": "a"}]}`:                                                           "version 2",
		`{"format": "segscope.segments", "version": 1, "segments": []}`:                                                                        "no segments",
		`{"format": "segscope.segments", "version": 1, "segments": [{"name": "A b", "table": "t", "versions": [{"rule": "x"}]}]}`:              "not a valid segment name",
		`{"format": "segscope.segments", "version": 1, "segments": [{"name": "a", "table": "t", "versions": []}]}`:                             "has no rule",
		`{"format": "segscope.segments", "version": 1, "segments": [{"name": "a", "table": "t", "uses": ["b"], "versions": [{"rule": "x"}]}]}`: "uses b, which is not in the file",
		`[1, 2`: "not a segment definitions file",
	}
	for in, want := range tests {
		if _, err := defs.Read(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%s) = %v, want an error saying %q", in, err, want)
		}
	}
}

// TestWriteDBT: one model per segment reading its tables through the
// segscope source; rendered with the sources as the workspace's tables, a
// DuckDB model counts what the segment counts.
func TestWriteDBT(t *testing.T) {
	ctx := context.Background()
	ws := source(t)
	f, err := defs.Export(ctx, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := defs.WriteDBT(ctx, ws, f, dir, rule.DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 5 {
		t.Fatalf("wrote %v: four models and schema.yml", files)
	}
	store := segments.NewStore(ws)
	for _, s := range f.Segments {
		model, err := os.ReadFile(filepath.Join(dir, s.Name+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		text := string(model)
		if !strings.Contains(text, "{{ source('segscope', 'subscribers') }}") {
			t.Errorf("%s reads its table otherwise:\n%s", s.Name, text)
		}
		rendered := strings.NewReplacer("{{ source('segscope', 'subscribers') }}", `"subscribers"`,
			"{{ source('segscope', 'views') }}", `"views"`, "{{ config(materialized='view') }}", "").Replace(text)
		if strings.Contains(rendered, "{{") {
			t.Fatalf("%s has Jinja left once rendered:\n%s", s.Name, rendered)
		}
		var n int64
		if err := ws.DB().QueryRow(`SELECT count(*) FROM (` + rendered + `)`).Scan(&n); err != nil {
			t.Fatalf("%s: %v\n%s", s.Name, err, rendered)
		}
		if want, _ := store.Count(ctx, s.Name); n != want {
			t.Errorf("the %s model selects %d, the segment %d", s.Name, n, want)
		}
	}
	if m, _ := os.ReadFile(filepath.Join(dir, "regular_not_quiet.sql")); !strings.Contains(string(m), "{{ source('segscope', 'views') }}") {
		t.Errorf("the event condition does not read views through the source:\n%s", m)
	}
	schema, err := os.ReadFile(filepath.Join(dir, "schema.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`- name: "views"`, "- name: older_premium", `description: "Older premium and family viewers"`,
		`segscope_rule: "segment('older_premium') or none(views in last 14 days)"`} {
		if !strings.Contains(string(schema), want) {
			t.Errorf("schema.yml lacks %s:\n%s", want, schema)
		}
	}

	// A value that Jinja would read cannot go into a model.
	if _, err := store.Define(ctx, segments.Definition{Name: "jinja", Table: "subscribers", Rule: "plan = '{{ evil }}'"}); err != nil {
		t.Fatal(err)
	}
	f, err = defs.Export(ctx, ws, []string{"jinja"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := defs.WriteDBT(ctx, ws, f, t.TempDir(), rule.Postgres); err == nil || !strings.Contains(err.Error(), "Jinja") {
		t.Errorf("a rule holding {{ gave %v", err)
	}
}
