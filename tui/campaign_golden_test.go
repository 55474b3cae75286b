package tui

import (
	"context"
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/segscope/segscope/segments"
	snapshots "github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/tui/styles"
)

// TestGoldenSegmentTrend compares the Segments screen of a workspace whose
// big_spenders has three snapshots, taken as its rule widened, with
// testdata/TestGoldenSegmentTrend: the list's trend column and the detail's
// chart and drift warning; -update rewrites them.
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
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, theme := range []styles.Theme{styles.Dark, styles.Light, styles.NoColor} {
			t.Run(fmt.Sprintf("list_%dx%d_%s", size[0], size[1], theme), func(t *testing.T) {
				t.Parallel()
				m := newModel(t, ws, size[0], size[1], theme)
				press(t, m, "3")
				requireFits(t, m, size[0], size[1], "segment trend")
				golden.RequireEqual(t, m.View().Content)
			})
		}
	}
}
