package tui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/styles"
)

// analysisScenes visit the Compare, Consent, Export and Audit screens on the
// sample workspace.
var analysisScenes = []struct {
	name string
	play func(t *testing.T, m *Model)
}{
	{"compare", keys("4", "a", "j", "enter")},
	{"compare_pick", keys("4", "b")},
	{"compare_column", keys("4", "a", "j", "enter", "j", "enter")},
	{"consent", keys("5")},
	{"consent_segment", keys("5", "j", "l", "enter")},
	{"consent_setup", keys("5", "j", "j", "enter")},
	{"export", func(t *testing.T, m *Model) {
		// churn_risk gated on email, with the country ticked.
		press(t, m, "6", "l")
		quickly(t, m, "j", "l", "l", "tab", "tab", "tab", "tab", "tab", "j", "j", "j", "j", "j", "space")
	}},
	{"audit", keys("8", "v")},
}

func keys(names ...string) func(t *testing.T, m *Model) {
	return func(t *testing.T, m *Model) { press(t, m, names...) }
}

// quickly presses keys faster than the preview's debounce: only the last
// key's commands run.
func quickly(t *testing.T, m *Model, names ...string) {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range names {
		_, cmd = m.Update(keyPress(k))
	}
	settle(t, m, cmd)
}

// TestGoldenAnalysis compares frames of the Compare, Consent, Export and
// Audit screens with testdata/TestGoldenAnalysis; -update rewrites them.
func TestGoldenAnalysis(t *testing.T) {
	t.Parallel()
	ws := sharedSampleWorkspace(t)
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, theme := range goldenThemes {
			for _, sc := range analysisScenes {
				t.Run(fmt.Sprintf("%s_%dx%d_%s", sc.name, size[0], size[1], theme), func(t *testing.T) {
					t.Parallel()
					m := newSampleModel(t, ws, size[0], size[1], theme)
					sc.play(t, m)
					requireGolden(t, m)
				})
			}
		}
	}
}

// Every frame of the four screens is exactly the terminal's size.
func TestAnalysisFramesFitTheTerminal(t *testing.T) {
	t.Parallel()
	ws := sharedSampleWorkspace(t)
	for _, size := range [][2]int{{80, 24}, {60, 16}, {40, 10}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			m := newSampleModel(t, ws, size[0], size[1], styles.Dark)
			check := func(state string) {
				t.Helper()
				requireFits(t, m, size[0], size[1], state)
			}
			for _, sc := range analysisScenes {
				scene := newSampleModel(t, ws, size[0], size[1], styles.Dark)
				sc.play(t, scene)
				requireFits(t, scene, size[0], size[1], sc.name)
				press(t, scene, "?")
				requireFits(t, scene, size[0], size[1], sc.name+" help")
			}
			press(t, m, "6", "tab", "tab", "tab", "ctrl+u")
			typeText(t, m, "/tmp/a/very/long/path/that/does/not/fit/in/the/field/at/all.csv")
			check("export with a long path")
			press(t, m, "8", "enter")
			check("audit entry")
			press(t, m, "esc", "/")
			check("audit subject")
		})
	}
}
