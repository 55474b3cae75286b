package exportscreen

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/segments/priority"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/segments/split"
	"github.com/segscope/segscope/tui/tuitest"
)

// The Audience field offers the segment's arms and its priority steps, and the
// Members field only those new since the last export of that audience: the
// preview counts what the engine counts for the same narrowing, only-new
// before any export says there is none to compare with, and after one export
// of the step writes nobody until someone enters.
func TestExportArmStepAndOnlyNew(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := tuitest.Sample.Open(t)
	sp, err := split.New(ws).Define(ctx, "churn_risk", []split.Arm{{Name: "control", Share: 3000}, {Name: "treatment", Share: 7000}}, "x", "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := priority.New(ws).Define(ctx, "q4", []string{"premium", "churn_risk"}, "test"); err != nil {
		t.Fatal(err)
	}
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 120, 33)
	tuitest.Press(t, m, "l", "j", "j") // churn_risk, then the Audience field
	if got := m.segment().Name; got != "churn_risk" || m.focus != fieldAudience {
		t.Fatalf("on %s, field %d", got, m.focus)
	}
	tuitest.MustShow(t, m.View(), "Audience", "whole segment")

	sizes, err := split.New(ws).Sizes(ctx, sp)
	if err != nil {
		t.Fatal(err)
	}
	tuitest.Press(t, m, "l")
	if req := m.request(); req.Arm != "control" || req.Priority != "" {
		t.Fatalf("request %+v: want arm control", req)
	}
	if p := m.preview; p == nil || p.Members != sizes[0].Members {
		t.Fatalf("preview of arm control: %+v (%v), its size is %d", p, m.previewErr, sizes[0].Members)
	}
	tuitest.MustShow(t, m.View(), "arm control", "arm control of the split control:30,treatment:70", "churn_risk-control-internal.csv")

	w, err := priority.New(ws).Waterfall(ctx, "q4")
	if err != nil {
		t.Fatal(err)
	}
	tuitest.Press(t, m, "l", "l")
	if req := m.request(); req.Priority != "q4" || req.Arm != "" {
		t.Fatalf("request %+v: want the step of q4", req)
	}
	if p := m.preview; p == nil || p.Members != w.Steps[1].Audience || w.Steps[1].Removed == 0 {
		t.Fatalf("preview of the step: %+v (%v), the waterfall says %+v", p, m.previewErr, w.Steps[1])
	}
	tuitest.MustShow(t, m.View(), "step churn_risk of q4, less premium")

	tuitest.Press(t, m, "j", "l")
	if !m.request().OnlyNew || m.previewErr == nil || !errors.Is(m.previewErr, snapshot.ErrNoSnapshot) {
		t.Fatalf("only new before any export: %v", m.previewErr)
	}
	tuitest.MustShow(t, m.View(), "no earlier export")

	// One export of the step, as the form asks for it without only-new.
	req := m.request()
	req.OnlyNew, req.Path = false, filepath.Join(t.TempDir(), "step.csv")
	if _, err := export.New(ws, export.Options{Now: tuitest.Now}).Export(ctx, req); err != nil {
		t.Fatal(err)
	}
	tuitest.Press(t, m, "h", "l") // the form changed, so it counts again
	if p := m.preview; m.previewErr != nil || p == nil || p.Members != 0 || !strings.Contains(tuitest.Text(m.View()), "only members new since the export of snapshot") {
		t.Fatalf("only new right after an export: %+v (%v)", p, m.previewErr)
	}
	tuitest.Define(t, ws, segments.Definition{Name: "churn_risk", Table: "subscribers", Rule: "days_since_login > 10"})
	want, err := export.New(ws, export.Options{Now: tuitest.Now}).Preview(ctx, m.request())
	if err != nil || want.Members == 0 {
		t.Fatalf("the engine's preview after the rule widened: %+v, %v", want, err)
	}
	tuitest.Press(t, m, "h", "l")
	if p := m.preview; p == nil || p.Members != want.Members {
		t.Fatalf("only new after the rule widened: %+v (%v), the engine says %d", p, m.previewErr, want.Members)
	}
}
