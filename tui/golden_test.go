package tui

import (
	"fmt"
	"testing"
)

// TestGolden compares whole frames, colour codes and all, with the files in
// testdata/TestGolden. Run with -update to rewrite them after a deliberate change.
func TestGolden(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	scenes := []struct {
		name string
		play func(t *testing.T, m *Model)
	}{
		{"data", func(t *testing.T, m *Model) { press(t, m, "j", "j", "l") }},
		{"profile", func(t *testing.T, m *Model) { press(t, m, "l", "l", "l", "l", "l", "l", "l", "p") }},
		{"filter", func(t *testing.T, m *Model) {
			press(t, m, "/")
			typeText(t, m, "plan = 'gold' and agee > 30")
		}},
		{"slice", func(t *testing.T, m *Model) {
			press(t, m, "/")
			typeText(t, m, "country in ('US', 'DE')")
			press(t, m, "enter", "2", "tab", "j", "j", "tab", "j", "j", "j")
		}},
		{"sql", func(t *testing.T, m *Model) {
			press(t, m, "7")
			typeText(t, m, "SELECT plan, count(*) AS n, avg(spend) AS avg_spend FROM customers GROUP BY plan ORDER BY n DESC, plan")
			press(t, m, "ctrl+r")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, theme := range goldenThemes {
			for _, sc := range scenes {
				t.Run(fmt.Sprintf("%s_%dx%d_%s", sc.name, size[0], size[1], theme), func(t *testing.T) {
					m := newModel(t, ws, size[0], size[1], theme)
					sc.play(t, m)
					requireGolden(t, m)
				})
			}
		}
	}
}
