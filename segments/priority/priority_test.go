package priority

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

func setup(t testing.TB) (*query.Workspace, *Service) {
	ws := querytest.SampleCopy(t)
	store := segments.NewStore(ws)
	for name, rule := range map[string]string{
		"champions": "watch_hours_30d > 40",
		"at_risk":   "days_since_login > 14",
		"lapsed":    "days_since_login > 30",
		"premium":   "plan = 'premium'",
	} {
		if _, err := store.Define(context.Background(), segments.Definition{Name: name, Table: "subscribers", Rule: rule}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Define(context.Background(), segments.Definition{Name: "big_spenders", Table: "creators", Rule: "total_spent > 100"}); err != nil {
		t.Fatal(err)
	}
	return ws, New(ws)
}

func count(t testing.TB, ws *query.Workspace, q string) int64 {
	t.Helper()
	var n int64
	if err := ws.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// The steps are disjoint, their union is the union of the segments, and each
// step's size is what its export filter selects.
func TestWaterfallDisjointAndCoversTheUnion(t *testing.T) {
	ws, s := setup(t)
	ctx := context.Background()
	order := []string{"champions", "at_risk", "premium", "lapsed"}
	if _, err := s.Define(ctx, "q4", order, "Q4 campaigns"); err != nil {
		t.Fatal(err)
	}
	w, err := s.Waterfall(ctx, "q4")
	if err != nil {
		t.Fatal(err)
	}
	store := segments.NewStore(ws)
	var steps, unionRules []string
	var sum int64
	for i, name := range order {
		c, _ := store.Compile(ctx, name)
		f, err := s.Step(ctx, "q4", name)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Before) != i {
			t.Fatalf("step %s: earlier steps %v", name, f.Before)
		}
		stepWhere := "(" + c.Where + ") AND " + f.Where
		steps = append(steps, "CASE WHEN "+stepWhere+" THEN 1 ELSE 0 END")
		unionRules = append(unionRules, "("+c.Where+")")
		st := w.Steps[i]
		if n := count(t, ws, `SELECT count(*) FROM subscribers WHERE `+stepWhere); n != st.Audience {
			t.Errorf("step %s: waterfall says %d, its filter selects %d", name, st.Audience, n)
		}
		if n := count(t, ws, `SELECT count(*) FROM subscribers WHERE `+c.Where); n != st.Size {
			t.Errorf("step %s: size %d, segment %d", name, st.Size, n)
		}
		sum += st.Audience
		if st.Cumulative != sum || st.Removed != st.Size-st.Audience {
			t.Errorf("step %s: %+v", name, st)
		}
	}
	if n := count(t, ws, `SELECT count(*) FROM subscribers WHERE `+strings.Join(steps, " + ")+` > 1`); n != 0 {
		t.Fatalf("%d people in two steps", n)
	}
	union := count(t, ws, `SELECT count(*) FROM subscribers WHERE `+strings.Join(unionRules, " OR "))
	if sum != union || w.Steps[len(order)-1].Cumulative != union {
		t.Fatalf("steps hold %d people, the union of the segments %d", sum, union)
	}
	// lapsed is inside at_risk, which comes first: nothing is left of it.
	if w.Steps[3].Audience != 0 || w.Steps[3].Size == 0 {
		t.Fatalf("lapsed after at_risk: %+v", w.Steps[3])
	}
	if w.Steps[1].Removed == 0 {
		t.Fatalf("at_risk overlaps champions, but nothing was removed: %+v", w.Steps[1])
	}
}

func TestPriorityBadInput(t *testing.T) {
	ws, s := setup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		segs []string
		want string
	}{
		{[]string{"champions", "big_spenders"}, "must all be on one table"},
		{[]string{"champions", "champions"}, "named twice"},
		{[]string{"champions"}, "at least two"},
		{[]string{"champions", "nobody"}, "no such segment"},
	} {
		if _, err := s.Define(ctx, "q4", tc.segs, ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.segs, err, tc.want)
		}
	}
	if _, err := s.Define(ctx, "Q4!", []string{"champions", "at_risk"}, ""); err == nil {
		t.Error("a bad name accepted")
	}
	if _, err := s.Waterfall(ctx, "q4"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an undefined list: %v", err)
	}
	if _, err := s.Define(ctx, "q4", []string{"champions", "at_risk"}, "first"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Step(ctx, "q4", "lapsed"); err == nil || !strings.Contains(err.Error(), "champions, at_risk") {
		t.Fatalf("a step not in the list: %v", err)
	}
	if _, err := s.Define(ctx, "q4", []string{"at_risk", "champions"}, "reordered"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ws, `SELECT count(*) FROM segscope.audit WHERE action = 'priority.define' AND subject = 'priority:q4'`); n != 2 {
		t.Fatalf("%d audit entries", n)
	}
	if n := count(t, ws, `SELECT count(*) FROM segscope.audit WHERE action = 'priority.define' AND details LIKE '%"previous"%'`); n != 1 {
		t.Fatalf("%d entries record the previous list", n)
	}
}
