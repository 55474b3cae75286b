package compare

import (
	"context"
	"fmt"
	"testing"

	"github.com/segscope/segscope/query"
)

// Each side's bins are the counts hand-written SQL gives for the same edges,
// over the range both sides span; they add up to the side's values; a
// categorical column, or too few bins, is refused.
func TestDistributionsMatchSQL(t *testing.T) {
	ws, store := sampleWorkspace(t)
	ctx := context.Background()
	define(t, store, "heavy", "subscribers", "watch_hours_30d > 20")
	define(t, store, "premium", "subscribers", "plan = 'premium'")
	const bins = 7
	h, err := Distributions(ctx, ws, store, "heavy", "premium", "watch_hours_30d", bins)
	if err != nil {
		t.Fatal(err)
	}
	lo := scalarF(t, ws, `SELECT min(watch_hours_30d) FROM subscribers WHERE (watch_hours_30d > 20 OR plan = 'premium')`)
	hi := scalarF(t, ws, `SELECT max(watch_hours_30d) FROM subscribers WHERE (watch_hours_30d > 20 OR plan = 'premium')`)
	if h.Low != lo || h.High != hi || h.Kind != Numeric {
		t.Fatalf("range %g–%g (%s), SQL says %g–%g", h.Low, h.High, h.Kind, lo, hi)
	}
	width := (hi - lo) / bins
	var sumA int64
	for i := range bins {
		edge := fmt.Sprintf("watch_hours_30d >= %v AND watch_hours_30d < %v", lo+float64(i)*width, lo+float64(i+1)*width)
		if i == bins-1 {
			edge = fmt.Sprintf("watch_hours_30d >= %v", lo+float64(i)*width)
		}
		if want := scalar(t, ws, `SELECT count(*) FROM subscribers WHERE watch_hours_30d > 20 AND `+edge); h.A[i] != want {
			t.Errorf("bin %d of heavy: %d, SQL says %d", i, h.A[i], want)
		}
		if want := scalar(t, ws, `SELECT count(*) FROM subscribers WHERE plan = 'premium' AND watch_hours_30d IS NOT NULL AND `+edge); h.B[i] != want {
			t.Errorf("bin %d of premium: %d, SQL says %d", i, h.B[i], want)
		}
		sumA += h.A[i]
	}
	if want := scalar(t, ws, `SELECT count(*) FROM subscribers WHERE watch_hours_30d > 20`); sumA != want || sumA == 0 {
		t.Fatalf("heavy's bins add up to %d, it has %d values", sumA, want)
	}
	if _, err := Distributions(ctx, ws, store, "heavy", "", "plan", bins); err == nil {
		t.Fatal("a categorical column was binned")
	}
	if _, err := Distributions(ctx, ws, store, "heavy", "", "watch_hours_30d", 0); err == nil {
		t.Fatal("zero bins were accepted")
	}
}

func scalarF(t *testing.T, ws *query.Workspace, q string) float64 {
	t.Helper()
	var f float64
	if err := ws.DB().QueryRow(q).Scan(&f); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return f
}
