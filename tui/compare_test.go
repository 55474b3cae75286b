package tui

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/styles"
)

func TestCompareRanksLikeTheEngine(t *testing.T) {
	t.Parallel()
	ws := sharedSampleWorkspace(t)
	m := newSampleModel(t, ws, 120, 36, styles.Dark)
	press(t, m, "4")
	c := m.Compare()
	// The first visit compares the first segment with the rest of its table.
	if res := c.Result(); res == nil || res.A.Name != "big_buyers" || !res.Rest {
		t.Fatalf("first comparison %+v (%v)", res, c.Err())
	}

	// Choose churn_risk as A and premium as B, then compare.
	press(t, m, "a", "j", "tab", "j")
	if !c.Picking() {
		t.Fatal("a did not open the picker")
	}
	mustContain(t, m, "the rest of subscribers", "premium")
	press(t, m, "enter")
	want, err := compare.Segments(context.Background(), ws, segments.NewStore(ws), "churn_risk", "premium")
	if err != nil {
		t.Fatal(err)
	}
	res := c.Result()
	if res == nil || res.A.Name != "churn_risk" || res.B.Name != "premium" || c.Picking() {
		t.Fatalf("comparison %+v (%v)", res, c.Err())
	}
	got, first := res.Columns[0], want.Columns[0]
	if got.Name != first.Name || got.Effect != first.Effect || got.PAdjusted != first.PAdjusted || got.Mark != first.Mark {
		t.Fatalf("first ranked column %+v, the engine says %+v", got, first)
	}
	o := want.Overlap
	mustContain(t, m, first.Name, fmt.Sprintf("%.2f", first.Effect), fmt.Sprintf("Jaccard %.3f", o.Jaccard))

	// Enter drills into the column under the cursor; esc comes back.
	press(t, m, "enter")
	if name, ok := c.InColumn(); !ok || name != first.Name {
		t.Fatalf("detail of %q (%v), want %s", name, ok, first.Name)
	}
	if first.Numeric != nil {
		mustContain(t, m, "Cohen's d", "median", "distribution")
	} else {
		mustContain(t, m, "chi-square", "index", first.Categorical.Values[0].Value)
	}
	press(t, m, "esc")
	if _, ok := c.InColumn(); ok {
		t.Fatal("esc did not leave the detail")
	}

	// s swaps the sides.
	press(t, m, "s")
	if res := c.Result(); res.A.Name != "premium" || res.B.Name != "churn_risk" {
		t.Fatalf("after s: A %s, B %s", res.A.Name, res.B.Name)
	}

	// Esc cancels a running comparison, and its late result is dropped.
	_, cmd := m.Update(keyPress("r"))
	if _, running := c.Running(); !running {
		t.Fatal("r did not start a comparison")
	}
	press(t, m, "esc")
	if _, running := c.Running(); running || m.Notice() != "cancelled" {
		t.Fatalf("esc left the comparison running (notice %q)", m.Notice())
	}
	before := c.Result()
	settle(t, m, cmd)
	if c.Result() != before || c.Err() != nil {
		t.Fatalf("a cancelled comparison changed the screen: %v", c.Err())
	}
}

func TestCompareColumnDetailOfACategory(t *testing.T) {
	t.Parallel()
	ws := sharedSampleWorkspace(t)
	m := newSampleModel(t, ws, 80, 24, styles.Light)
	press(t, m, "4", "a", "j", "enter")
	res := m.Compare().Result()
	i := 0
	for res.Columns[i].Categorical == nil {
		i++
	}
	for range i {
		press(t, m, "j")
	}
	press(t, m, "enter")
	col := res.Columns[i]
	mustContain(t, m, col.Name, "chi-square", "index", col.Categorical.Values[0].Value)
}

// A small table has few enough names to compare them as categories: they are
// masked like everywhere else.
func TestCompareLeavesPersonalDataOut(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	define(t, ws, sampleSegments...)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "4")
	res := m.Compare().Result()
	for _, name := range []string{"email", "first_name", "last_name", "phone"} {
		if _, ok := res.Column(name); ok {
			t.Errorf("%s was compared", name)
		}
		if !slices.ContainsFunc(res.Skipped, func(s compare.Skipped) bool { return s.Column == name && s.Reason == "personal data" }) {
			t.Errorf("%s is not listed as skipped personal data: %+v", name, res.Skipped)
		}
	}
}
