package tui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/datascreen"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

// importModel is a console of size w×h in a theme that imported files as it
// opened, with every command settled.
func importModel(tb testing.TB, w, h int, theme styles.Theme, files ...string) *Model {
	tb.Helper()
	m := New(context.Background(), newWorkspace(tb), Options{Table: "customers", Import: files, NoColor: theme == styles.NoColor, Now: fixedNow})
	settle(tb, m, m.Init())
	switch theme {
	case styles.Dark:
		send(tb, m, tea.BackgroundColorMsg{Color: color.Black})
	case styles.Light:
		send(tb, m, tea.BackgroundColorMsg{Color: color.White})
	}
	send(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// TestGoldenImport compares frames of the import summary and the key picker
// with the files in testdata/TestGoldenImport; -update rewrites them.
func TestGoldenImport(t *testing.T) {
	t.Parallel()
	path := tuitest.WriteFile(t, "telco_churn.csv", tuitest.TelcoCSV(50))
	scenes := []struct {
		name string
		play func(t *testing.T, m *Model)
	}{
		{"summary", func(t *testing.T, m *Model) {}},
		{"keypicker", func(t *testing.T, m *Model) { press(t, m, "enter", "K", "down", "down", "down", "down", "down") }},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, theme := range goldenThemes {
			for _, sc := range scenes {
				t.Run(fmt.Sprintf("%s_%dx%d_%s", sc.name, size[0], size[1], theme), func(t *testing.T) {
					m := importModel(t, size[0], size[1], theme, path)
					sc.play(t, m)
					requireFits(t, m, size[0], size[1], sc.name)
					requireGolden(t, m)
				})
			}
		}
	}
}

// The import's summary is a dialog on the root's stack that lets the keys
// past: the console's keys still work under it (another screen, help), it
// is not drawn over other screens, it is back on returning to Data, and it
// goes with enter, after which the grid has the keys.
func TestImportSummaryIsADialogOverTheDataScreen(t *testing.T) {
	t.Parallel()
	path := tuitest.WriteFile(t, "telco_churn.csv", tuitest.TelcoCSV(20))
	m := importModel(t, 100, 30, styles.NoColor, path)
	const title = "Imported telco_churn from telco_churn.csv"
	if !strings.Contains(screenText(m), title) || m.dialogs.Front() == nil || m.dialogs.Front().ID() != datascreen.ImportDialog {
		t.Fatalf("the summary is not the front dialog:\n%s", screenText(m))
	}
	press(t, m, "/")
	if m.data.CapturesText() {
		t.Fatal("a key behind the summary opened the filter bar")
	}
	press(t, m, "2")
	if m.active != ScreenSlice || strings.Contains(screenText(m), title) {
		t.Fatalf("2 under the summary: screen %v\n%s", m.active, screenText(m))
	}
	press(t, m, "1")
	if !strings.Contains(screenText(m), title) {
		t.Fatalf("the summary was not back on the Data screen:\n%s", screenText(m))
	}
	press(t, m, "enter")
	if strings.Contains(screenText(m), title) || !m.dialogs.Empty() {
		t.Fatalf("enter did not put the summary away:\n%s", screenText(m))
	}
	press(t, m, "/")
	if !m.data.CapturesText() {
		t.Fatal("after the summary, / does not open the filter bar")
	}
}
