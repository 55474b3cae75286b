package tui

import (
	"fmt"
	"testing"

	"github.com/segscope/segscope/segments"
)

// TestGoldenSegments compares frames of the Segments screen with the files in
// testdata/TestGoldenSegments; -update rewrites them.
func TestGoldenSegments(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	define(t, ws, append(sampleSegments, segments.Definition{
		Name: "big_spenders", Table: "customers", Rule: "spend >= 400 and plan != 'free'", Reason: "paying customers only",
	})...)
	scenes := []struct {
		name string
		play func(t *testing.T, m *Model)
	}{
		{"list", func(t *testing.T, m *Model) { press(t, m, "3", "j") }},
		{"editor", func(t *testing.T, m *Model) {
			press(t, m, "3", "j", "enter", "end")
			typeText(t, m, " and agee > 30")
		}},
		{"history", func(t *testing.T, m *Model) { press(t, m, "3", "h") }},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, theme := range goldenThemes {
			for _, sc := range scenes {
				t.Run(fmt.Sprintf("%s_%dx%d_%s", sc.name, size[0], size[1], theme), func(t *testing.T) {
					t.Parallel()
					m := newModel(t, ws, size[0], size[1], theme)
					sc.play(t, m)
					requireGolden(t, m)
				})
			}
		}
	}
}
