package export

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent/consenttest"
	"github.com/segscope/segscope/segments/priority"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/segments/split"
)

func campaignWorkspace(t *testing.T) *query.Workspace {
	return consenttest.Sample(t, "subscribers", "consent")
}

func sortedKeys(t *testing.T, ws *query.Workspace, q string) []string {
	out := keys(t, ws.DB(), `SELECT CAST(subscriber_id AS VARCHAR) FROM subscribers WHERE `+q)
	slices.Sort(out)
	return out
}

// --only-new writes exactly the members who entered since the last export of
// the same audience, as segment diff counts them and as hand-written SQL does.
func TestOnlyNewWritesTheEnteredMembers(t *testing.T) {
	t.Parallel()
	ws := campaignWorkspace(t)
	ctx := context.Background()
	e := newExporter(ws)
	dir := t.TempDir()
	define(t, ws, "lapsing", "subscribers", "days_since_login > 25")
	req := Request{Segment: "lapsing", Format: CSV, Acknowledge: acknowledged, Columns: []string{"plan"}}
	req.OnlyNew, req.Path = true, filepath.Join(dir, "none.csv")
	if _, err := e.Export(ctx, req); !errors.Is(err, snapshot.ErrNoSnapshot) || !strings.Contains(err.Error(), "export it once without --only-new") {
		t.Fatalf("--only-new before any export: %v", err)
	}
	req.OnlyNew, req.Path = false, filepath.Join(dir, "first.csv")
	first, err := e.Export(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.Manifest.Audience == nil || first.Manifest.Audience.Snapshot == 0 || first.Manifest.Audience.OnlyNewSince != nil {
		t.Fatalf("first export's audience: %+v", first.Manifest.Audience)
	}
	// An export on another channel is another audience: --only-new ignores it.
	if _, err := e.Export(ctx, Request{Segment: "lapsing", Format: CSV, Acknowledge: acknowledged, Channel: "email", Path: filepath.Join(dir, "email.csv")}); err != nil {
		t.Fatal(err)
	}
	define(t, ws, "lapsing", "subscribers", "days_since_login > 20 and plan <> 'premium'")
	diff, err := snapshot.New(ws).Diff(ctx, "lapsing", snapshotOf(t, ws, first.Manifest.Audience.Snapshot), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	req.OnlyNew, req.Path = true, filepath.Join(dir, "new.csv")
	res, err := e.Export(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got := querytest.CSVKeys(t, res.Path)
	hand := sortedKeys(t, ws, `(days_since_login > 20 and plan <> 'premium') AND NOT (days_since_login > 25)`)
	slices.Sort(diff.EnteredKeys)
	if len(got) == 0 || !slices.Equal(got, hand) || !slices.Equal(got, diff.EnteredKeys) {
		t.Fatalf("--only-new wrote %d keys; entered by hand %d, by segment diff %d", len(got), len(hand), len(diff.EnteredKeys))
	}
	a := res.Manifest.Audience
	if a.OnlyNewSince == nil || *a.OnlyNewSince != first.Manifest.Audience.Snapshot || a.Snapshot <= *a.OnlyNewSince {
		t.Fatalf("manifest: %+v", a)
	}
	// The snapshot holds the whole segment, not just what this file held, so the
	// next --only-new is against everyone the segment had at this send.
	latest, err := snapshot.New(ws).Find(ctx, "lapsing", "last-export")
	if err != nil || latest.Size != int64(len(sortedKeys(t, ws, `days_since_login > 20 and plan <> 'premium'`))) {
		t.Fatalf("the export's snapshot: %+v %v", latest, err)
	}
	var audited int
	ws.DB().QueryRow(`SELECT count(*) FROM segscope.audit WHERE action = 'export' AND details LIKE '%"snapshot":` + strconv.FormatInt(a.Snapshot, 10) + `%'`).Scan(&audited)
	if audited != 1 {
		t.Fatalf("the export's audit entry does not name its snapshot")
	}
}

func snapshotOf(t *testing.T, ws *query.Workspace, id int64) snapshot.Snapshot {
	s, err := snapshot.New(ws).Find(context.Background(), "lapsing", "snapshot:"+strconv.FormatInt(id, 10))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// --arm writes one arm of the split, --priority a step of a priority list; the
// manifest says which.
func TestArmAndStepExports(t *testing.T) {
	t.Parallel()
	ws := campaignWorkspace(t)
	ctx := context.Background()
	e := newExporter(ws)
	dir := t.TempDir()
	define(t, ws, "lapsing", "subscribers", "days_since_login > 20")
	define(t, ws, "premium", "subscribers", "plan = 'premium'")
	arms, _ := split.ParseArms("control:20,treatment:80")
	sp, err := split.New(ws).Define(ctx, "lapsing", arms, "salt1", "", false)
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Segment: "lapsing", Format: CSV, Acknowledge: acknowledged, Arm: "treatment", Path: filepath.Join(dir, "t.csv")}
	res, err := e.Export(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	pred, _ := sp.Predicate("subscriber_id", "treatment")
	if got, want := querytest.CSVKeys(t, res.Path), sortedKeys(t, ws, `days_since_login > 20 AND `+pred); !slices.Equal(got, want) || len(got) == 0 {
		t.Fatalf("arm export wrote %d keys, the arm holds %d", len(got), len(want))
	}
	m := res.Manifest
	if m.Audience.Arm != "treatment" || m.Audience.Salt != "salt1" || m.Audience.Split != "control:20,treatment:80" ||
		m.Segment.CompiledSQL == "" || strings.Contains(m.Segment.CompiledSQL, "md5") || !strings.Contains(m.Query, "md5") {
		t.Fatalf("manifest: %+v, segment %+v", m.Audience, m.Segment)
	}
	req.Arm, req.Path = "treatmnet", filepath.Join(dir, "x.csv")
	if _, err := e.Export(ctx, req); err == nil || !strings.Contains(err.Error(), `no arm "treatmnet"`) {
		t.Fatalf("unknown arm: %v", err)
	}
	req.Segment, req.Arm = "premium", "control"
	if _, err := e.Export(ctx, req); !errors.Is(err, split.ErrNoSplit) {
		t.Fatalf("arm of a segment not split: %v", err)
	}
	if _, err := priority.New(ws).Define(ctx, "q4", []string{"premium", "lapsing"}, ""); err != nil {
		t.Fatal(err)
	}
	req = Request{Segment: "lapsing", Priority: "q4", Format: CSV, Acknowledge: acknowledged, Path: filepath.Join(dir, "step.csv")}
	res, err = e.Export(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := querytest.CSVKeys(t, res.Path), sortedKeys(t, ws, `days_since_login > 20 AND plan <> 'premium'`); !slices.Equal(got, want) || len(got) == 0 {
		t.Fatalf("step export wrote %d keys, the step holds %d", len(got), len(want))
	}
	if a := res.Manifest.Audience; a.Priority != "q4" || a.Step != "lapsing" || !slices.Equal(a.EarlierSteps, []string{"premium"}) {
		t.Fatalf("manifest: %+v", a)
	}
	req.Segment, req.Path = "nobody", filepath.Join(dir, "nobody.csv")
	define(t, ws, "nobody", "subscribers", "age > 200")
	if _, err := e.Export(ctx, req); err == nil || !strings.Contains(err.Error(), `no step "nobody"`) {
		t.Fatalf("a segment that is not a step: %v", err)
	}
	// Every successful export recorded a snapshot of the whole segment; the
	// refused ones none.
	list, _ := snapshot.New(ws).List(ctx, "lapsing")
	if len(list) != 2 || list[0].Size != int64(len(sortedKeys(t, ws, "days_since_login > 20"))) {
		t.Fatalf("snapshots: %+v", list)
	}
	if _, err := segments.NewStore(ws).Get(ctx, "lapsing"); err != nil {
		t.Fatal(err)
	}
}

// A gated export of a whole segment records its snapshot from the members its
// gate kept, not by the rule again: the snapshot must still be exactly the
// segment's members, when it is the first and when members have moved since.
func TestGatedExportSnapshotIsTheSegment(t *testing.T) {
	t.Parallel()
	ws := campaignWorkspace(t)
	ctx := context.Background()
	e := newExporter(ws)
	dir := t.TempDir()
	snaps := snapshot.New(ws)
	var taken []snapshot.Snapshot
	for i, rule := range []string{"days_since_login > 25", "days_since_login > 20 and plan <> 'premium'"} {
		define(t, ws, "lapsing", "subscribers", rule)
		res, err := e.Export(ctx, Request{Segment: "lapsing", Format: CSV, Acknowledge: acknowledged, Channel: "email",
			Path: filepath.Join(dir, strconv.Itoa(i)+".csv")})
		if err != nil {
			t.Fatal(err)
		}
		s := snapshotOf(t, ws, res.Manifest.Audience.Snapshot)
		d, err := snaps.Diff(ctx, "lapsing", s, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		members := sortedKeys(t, ws, rule)
		if res.Manifest.Rows >= int64(len(members)) || s.Size != int64(len(members)) || d.Entered != 0 || d.Left != 0 {
			t.Fatalf("rule %q: %d written of %d members; the snapshot holds %d, %d entered and %d left since",
				rule, res.Manifest.Rows, len(members), s.Size, d.Entered, d.Left)
		}
		taken = append(taken, s)
	}
	d, err := snaps.Diff(ctx, "lapsing", taken[0], &taken[1], true)
	if err != nil {
		t.Fatal(err)
	}
	entered := sortedKeys(t, ws, `(days_since_login > 20 and plan <> 'premium') AND NOT (days_since_login > 25)`)
	left := sortedKeys(t, ws, `(days_since_login > 25) AND NOT (days_since_login > 20 and plan <> 'premium')`)
	slices.Sort(d.EnteredKeys)
	slices.Sort(d.LeftKeys)
	if len(entered) == 0 || len(left) == 0 || !slices.Equal(d.EnteredKeys, entered) || !slices.Equal(d.LeftKeys, left) {
		t.Fatalf("between the exports: %d entered and %d left, by hand %d and %d", len(d.EnteredKeys), len(d.LeftKeys), len(entered), len(left))
	}
}
