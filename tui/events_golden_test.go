package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/tuitest"
)

// eventsWorkspace is customers and their purchases set up as events, with
// an as-of time, in memory (the status line names no path that changes).
func eventsWorkspace(tb testing.TB) *query.Workspace {
	tb.Helper()
	ws := querytest.Empty(tb)
	querytest.ImportCSV(tb, ws, "customers", tuitest.CustomersCSV(120))
	querytest.ImportCSV(tb, ws, "purchases", tuitest.PurchasesCSV())
	tuitest.SetUpPurchases(tb, ws)
	if err := events.SetAsOf(context.Background(), ws, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "test"); err != nil {
		tb.Fatal(err)
	}
	return ws
}

// eventsScenes show what the console does with event tables.
var eventsScenes = []struct {
	name string
	play func(t *testing.T, m *Model)
}{
	{"setup_form", func(t *testing.T, m *Model) {
		press(t, m, "ctrl+p")
		typeText(t, m, "set up an event")
		press(t, m, "enter")
	}},
	{"timeline", keys("j", "j", "j", "j", "j", "enter")},
	{"profile", keys("p")},
	{"slice", keys("2", "G", "k", "k")},
}

// TestGoldenEvents compares frames of the events setup form, a person's
// timeline, the events-per-person profile and a slice by a measure of
// events with testdata/TestGoldenEvents; -update rewrites them.
func TestGoldenEvents(t *testing.T) {
	t.Parallel()
	// The scenes only read the workspace (the setup form is left unsaved), so
	// they share one; the subtests end before the test's cleanup closes it.
	ws := eventsWorkspace(t)
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, theme := range goldenThemes {
			for _, sc := range eventsScenes {
				t.Run(fmt.Sprintf("%s_%dx%d_%s", sc.name, size[0], size[1], theme), func(t *testing.T) {
					t.Parallel()
					m := openModel(t, ws, "customers", size[0], size[1], theme)
					sc.play(t, m)
					requireFits(t, m, size[0], size[1], sc.name)
					requireGolden(t, m)
				})
			}
		}
	}
}
