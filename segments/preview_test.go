package segments

import (
	"context"
	"errors"
	"testing"

	"github.com/segscope/segscope/segments/rule"
)

func TestPreviewRule(t *testing.T) {
	ctx := context.Background()
	ws := sampleWorkspace(t)
	p, err := PreviewRule(ctx, ws, "subscribers", churnRule)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ws.Query(ctx, `select count(*) filter (where days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2 and plan <> 'ad_supported'), count(*) from subscribers`, 1)
	if err != nil {
		t.Fatal(err)
	}
	n, total := want.Rows[0][0].(int64), want.Rows[0][1].(int64)
	if p.Count != n || p.Total != total || p.Count == 0 || p.Count == p.Total {
		t.Fatalf("preview %d of %d, hand-written SQL %d of %d", p.Count, p.Total, n, total)
	}
	if p.Where == "" || p.Share() != float64(n)/float64(total) {
		t.Fatalf("preview where %q share %v", p.Where, p.Share())
	}

	// Another segment is resolved by name, as in a saved rule.
	if _, err := NewStore(ws).Define(ctx, Definition{Name: "churn_risk", Table: "subscribers", Rule: churnRule}); err != nil {
		t.Fatal(err)
	}
	ref, err := PreviewRule(ctx, ws, "subscribers", `segment('churn_risk') and age >= 18`)
	if err != nil || ref.Count >= p.Count || ref.Count == 0 {
		t.Fatalf("preview through segment(): %+v, %v (churn_risk has %d)", ref, err, p.Count)
	}

	_, err = PreviewRule(ctx, ws, "subscribers", `days_since_lgin > 30`)
	var re *rule.Error
	if !errors.As(err, &re) {
		t.Fatalf("a misspelt column: %v, want a *rule.Error", err)
	}
	if _, err := PreviewRule(ctx, ws, "no_such_table", `age > 1`); err == nil {
		t.Fatal("a preview on a missing table succeeded")
	}
}

func TestSizes(t *testing.T) {
	ctx := context.Background()
	ws := sampleWorkspace(t)
	store := NewStore(ws)
	rules := map[string]string{
		"churn_risk": churnRule,
		"adults":     `age >= 18`,
		"everyone":   `age >= 0 or age is null`,
		"nobody":     `age < 0`,
		"older":      `age >= 50`,
		"recent":     `days_since_login < 7`,
	}
	names := []string{"adults", "churn_risk", "gone", "everyone", "nobody", "older", "recent"}
	for name, r := range rules {
		if _, err := store.Define(ctx, Definition{Name: name, Table: "subscribers", Rule: r}); err != nil {
			t.Fatal(err)
		}
	}
	total, err := ws.Count(ctx, "subscribers", "")
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	got := store.Sizes(ctx, names, func(s Size) { seen = append(seen, s.Name) })
	if len(got) != len(names) || len(seen) != len(names) {
		t.Fatalf("%d answers, %d callbacks for %d names", len(got), len(seen), len(names))
	}
	for i, sz := range got {
		if sz.Name != names[i] {
			t.Fatalf("answer %d is %s, want %s: answers must keep the order asked", i, sz.Name, names[i])
		}
		if sz.Name == "gone" {
			if !errors.Is(sz.Err, ErrNotFound) {
				t.Fatalf("a missing segment's size: %+v, want ErrNotFound", sz)
			}
			continue
		}
		want, err := store.Count(ctx, sz.Name)
		if err != nil || sz.Err != nil || sz.Members != want || sz.Rows != total {
			t.Fatalf("%s: %+v, want %d of %d (%v)", sz.Name, sz, want, total, err)
		}
	}
	if got[3].Share() != 1 || got[4].Share() != 0 || got[0].Share() <= 0 || got[0].Share() >= 1 {
		t.Fatalf("shares: everyone %v, nobody %v, adults %v", got[3].Share(), got[4].Share(), got[0].Share())
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, sz := range store.Sizes(cancelled, names, nil) {
		if !errors.Is(sz.Err, context.Canceled) {
			t.Fatalf("%s counted after cancel: %+v", sz.Name, sz)
		}
	}
}
