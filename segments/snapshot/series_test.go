package snapshot

import (
	"context"
	"slices"
	"testing"
)

// Series gives every segment's snapshots in the order taken, with the sizes
// and reach each recorded, and nothing for a segment never snapshotted.
func TestSeries(t *testing.T) {
	ws, s := setup(t)
	ctx := context.Background()
	empty, err := s.Series(ctx)
	if err != nil || len(empty) != 0 {
		t.Fatalf("before any snapshot: %v, %v", empty, err)
	}
	define(t, ws, "lapsing", "subscribers", "days_since_login > 20")
	define(t, ws, "loyal", "subscribers", "days_since_login <= 3")
	define(t, ws, "never", "subscribers", "days_since_login > 1")
	a1 := take(t, s, "lapsing")
	b1 := take(t, s, "loyal")
	define(t, ws, "lapsing", "subscribers", "days_since_login > 40")
	a2 := take(t, s, "lapsing")
	got, err := s.Series(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got["never"]) != 0 {
		t.Fatalf("segments in the series: %v", got)
	}
	if ids := []int64{got["lapsing"][0].ID, got["lapsing"][1].ID}; len(got["lapsing"]) != 2 || !slices.Equal(ids, []int64{a1.ID, a2.ID}) {
		t.Fatalf("lapsing's snapshots: %+v", got["lapsing"])
	}
	if sizes := Sizes(got["lapsing"]); !slices.Equal(sizes, []int64{a1.Size, a2.Size}) || a2.Size >= a1.Size {
		t.Fatalf("lapsing's sizes %v, taken %d then %d", sizes, a1.Size, a2.Size)
	}
	if len(got["loyal"]) != 1 || got["loyal"][0].Size != b1.Size || len(got["loyal"][0].Reach) == 0 {
		t.Fatalf("loyal's series: %+v", got["loyal"])
	}
	for ch, n := range a2.Reach {
		if got["lapsing"][1].Reach[ch] != n {
			t.Errorf("reach on %s: %d, recorded %d", ch, got["lapsing"][1].Reach[ch], n)
		}
	}
}
