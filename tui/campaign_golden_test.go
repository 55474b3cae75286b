package tui

import (
	"context"
	"fmt"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/priority"
	snapshots "github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/segments/split"
)

// TestGoldenSegmentTrend compares the Segments screen of a workspace whose
// big_spenders has three snapshots, taken as its rule widened, a split and a
// priority list, with testdata/TestGoldenSegmentTrend: the list's trend column
// and the detail's chart and drift warning, and the campaign view; -update
// rewrites them.
func TestGoldenSegmentTrend(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	define(t, ws, sampleSegments...)
	for _, floor := range []int{400, 300, 100} {
		define(t, ws, segments.Definition{Name: "big_spenders", Table: "customers", Rule: fmt.Sprintf("spend >= %d", floor)})
		if _, err := snapshots.New(ws).Take(context.Background(), "big_spenders", "golden"); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if _, err := split.New(ws).Define(ctx, "big_spenders", []split.Arm{{Name: "control", Share: 2000}, {Name: "treatment", Share: 8000}}, "golden", "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := priority.New(ws).Define(ctx, "q4", []string{"young_free", "gold_us", "big_spenders"}, ""); err != nil {
		t.Fatal(err)
	}
	scenes := []struct {
		name string
		play func(t *testing.T, m *Model)
	}{
		{"list", keys("3")},
		// The campaign view with a baseline typed.
		{"campaign", func(t *testing.T, m *Model) {
			press(t, m, "3", "c", "b")
			typeText(t, m, "10%")
			press(t, m, "enter")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, theme := range goldenThemes {
			for _, sc := range scenes {
				t.Run(fmt.Sprintf("%s_%dx%d_%s", sc.name, size[0], size[1], theme), func(t *testing.T) {
					t.Parallel()
					m := newModel(t, ws, size[0], size[1], theme)
					sc.play(t, m)
					requireFits(t, m, size[0], size[1], sc.name)
					requireGolden(t, m)
				})
			}
		}
	}
}
