package tui

import (
	"context"
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

// fixedNow makes elapsed times and durations in views deterministic.
var fixedNow = tuitest.Now

var customersCSV, ordersCSV = tuitest.CustomersCSV, tuitest.OrdersCSV

// newWorkspace is an in-memory workspace with the customers and orders tables.
func newWorkspace(tb testing.TB) *query.Workspace {
	tb.Helper()
	ws := querytest.Empty(tb)
	tuitest.ImportTables(tb, ws)
	return ws
}

// newModel starts a console on newWorkspace's customers.
func newModel(tb testing.TB, ws *query.Workspace, w, h int, theme styles.Theme) *Model {
	tb.Helper()
	return openModel(tb, ws, "customers", w, h, theme)
}

// openModel starts a console of size w×h in a theme, opened on table, and
// lets its first queries finish.
func openModel(tb testing.TB, ws *query.Workspace, table string, w, h int, theme styles.Theme) *Model {
	tb.Helper()
	m := New(context.Background(), ws, Options{Table: table, NoColor: theme == styles.NoColor, Now: fixedNow})
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

// requireFits fails the test unless m's frame is exactly w×h cells; state
// names what is on screen.
func requireFits(tb testing.TB, m *Model, w, h int, state string) {
	tb.Helper()
	lines := strings.Split(m.View().Content, "\n")
	if len(lines) != h {
		tb.Fatalf("%dx%d %s: %d lines", w, h, state, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			tb.Fatalf("%dx%d %s: line %d is %d wide: %q", w, h, state, i, lw, ansi.Strip(l))
		}
	}
}

// send delivers a message and settles the commands it returns.
func send(tb testing.TB, m *Model, msg tea.Msg) {
	tb.Helper()
	_, cmd := m.Update(msg)
	settle(tb, m, cmd)
}

// settle lets cmd and what follows from it run through m.
func settle(tb testing.TB, m *Model, cmd tea.Cmd) {
	tb.Helper()
	tuitest.Settle(tb, root{m}, cmd, nil)
}

// root drives the console through tuitest's helpers.
type root struct{ m *Model }

func (r root) Update(msg tea.Msg) tea.Cmd {
	_, cmd := r.m.Update(msg)
	return cmd
}

var collect, keyPress = tuitest.Collect, tuitest.Key

// press sends named keys one after another, settling after each.
func press(tb testing.TB, m *Model, keys ...string) {
	tb.Helper()
	for _, k := range keys {
		send(tb, m, keyPress(k))
	}
}

// typeText types s as fast as a person never could: only the last key's
// commands run, as a debounce would have it.
func typeText(tb testing.TB, m *Model, s string) {
	tb.Helper()
	var cmd tea.Cmd
	for _, r := range s {
		_, cmd = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	settle(tb, m, cmd)
}

// screenText is the view without colour codes.
func screenText(m *Model) string {
	return ansi.Strip(m.View().Content)
}

// goldenThemes are the consoles a golden test starts for each scene: the
// light frame is drawn by the dark console (requireGolden), so the scene's
// queries run twice rather than three times.
var goldenThemes = []styles.Theme{styles.Dark, styles.NoColor}

// requireGolden compares m's frame with the test's golden file. A dark
// console's terminal then turns white, as openModel's turns before any scene,
// and its frame is compared with the light file beside the dark one.
func requireGolden(t *testing.T, m *Model) {
	t.Helper()
	golden.RequireEqual(t, m.View().Content)
	if dark := "_" + styles.Dark.String(); strings.HasSuffix(t.Name(), dark) {
		send(t, m, tea.BackgroundColorMsg{Color: color.White})
		golden.RequireEqual(renamed{t, strings.TrimSuffix(t.Name(), dark) + "_" + styles.Light.String()}, m.View().Content)
	}
}

// renamed is a test under another name, for golden.RequireEqual, which names
// its file after the test.
type renamed struct {
	testing.TB
	name string
}

func (r renamed) Name() string { return r.name }
