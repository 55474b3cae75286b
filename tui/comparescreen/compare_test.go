package comparescreen

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

func TestCompareRanksLikeTheEngine(t *testing.T) {
	t.Parallel()
	ws := tuitest.Sample.Open(t)
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 120, 33)
	if res := m.result; res == nil || res.A.Name != "big_buyers" || !res.Rest {
		t.Fatalf("first comparison %+v (%v)", res, m.err)
	}

	// Choose churn_risk as A and premium as B, then compare.
	tuitest.Press(t, m, "a", "j", "tab", "j")
	if m.view != viewPick {
		t.Fatal("a did not open the picker")
	}
	tuitest.MustShow(t, m.View(), "the rest of subscribers", "premium")
	tuitest.Press(t, m, "enter")
	want, err := compare.Segments(context.Background(), ws, segments.NewStore(ws), "churn_risk", "premium")
	if err != nil {
		t.Fatal(err)
	}
	res := m.result
	if res == nil || res.A.Name != "churn_risk" || res.B.Name != "premium" || m.view == viewPick {
		t.Fatalf("comparison %+v (%v)", res, m.err)
	}
	got, first := res.Columns[0], want.Columns[0]
	if got.Name != first.Name || got.Effect != first.Effect || got.PAdjusted != first.PAdjusted || got.Mark != first.Mark {
		t.Fatalf("first ranked column %+v, the engine says %+v", got, first)
	}
	o := want.Overlap
	tuitest.MustShow(t, m.View(), first.Name, fmt.Sprintf("%.2f", first.Effect), fmt.Sprintf("Jaccard %.3f", o.Jaccard))

	// Enter drills into the column under the cursor; esc comes back.
	tuitest.Press(t, m, "enter")
	if name, ok := m.inColumn(); !ok || name != first.Name {
		t.Fatalf("detail of %q (%v), want %s", name, ok, first.Name)
	}
	if first.Numeric != nil {
		tuitest.MustShow(t, m.View(), "Cohen's d", "median", "distribution")
	} else {
		tuitest.MustShow(t, m.View(), "chi-square", "index", first.Categorical.Values[0].Value)
	}
	tuitest.Press(t, m, "esc")
	if _, ok := m.inColumn(); ok {
		t.Fatal("esc did not leave the detail")
	}

	// s swaps the sides.
	tuitest.Press(t, m, "s")
	if res := m.result; res.A.Name != "premium" || res.B.Name != "churn_risk" {
		t.Fatalf("after s: A %s, B %s", res.A.Name, res.B.Name)
	}

	// Cancelling a running comparison drops its late result.
	cmd := m.Update(tuitest.Key("r"))
	if _, running := m.Running(); !running {
		t.Fatal("r did not start a comparison")
	}
	if !m.Cancel() {
		t.Fatal("Cancel found nothing running")
	}
	if _, running := m.Running(); running {
		t.Fatal("the comparison is still running")
	}
	before := m.result
	tuitest.Settle(t, m, cmd, nil)
	if m.result != before || m.err != nil {
		t.Fatalf("a cancelled comparison changed the screen: %v", m.err)
	}
}

func TestCompareColumnDetailOfACategory(t *testing.T) {
	t.Parallel()
	m := tuitest.Open(t, New(tuitest.Env(t, tuitest.Sample.Open(t))), 80, 21)
	tuitest.Press(t, m, "a", "j", "enter")
	res := m.result
	i := 0
	for res.Columns[i].Categorical == nil {
		i++
	}
	for range i {
		tuitest.Press(t, m, "j")
	}
	tuitest.Press(t, m, "enter")
	col := res.Columns[i]
	tuitest.MustShow(t, m.View(), col.Name, "chi-square", "index", col.Categorical.Values[0].Value)
}

// A small table has few enough names to compare them as categories: they are
// masked like everywhere else.
func TestCompareLeavesPersonalDataOut(t *testing.T) {
	t.Parallel()
	m := tuitest.Open(t, New(tuitest.Env(t, tuitest.Customers.Open(t))), 100, 27)
	res := m.result
	for _, name := range []string{"email", "first_name", "last_name", "phone"} {
		if _, ok := res.Column(name); ok {
			t.Errorf("%s was compared", name)
		}
		if !slices.ContainsFunc(res.Skipped, func(s compare.Skipped) bool { return s.Column == name && s.Reason == "personal data" }) {
			t.Errorf("%s is not listed as skipped personal data: %+v", name, res.Skipped)
		}
	}
}
