package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

func TestEscCancelsRunningQuery(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	_, fetch := m.Update(keyPress("s"))
	if _, running := m.data.Running(); !running {
		t.Fatal("sorting did not start a fetch")
	}
	if !strings.Contains(screenText(m), "esc cancel") {
		t.Fatalf("the status line does not offer to cancel:\n%s", screenText(m))
	}
	m.Update(keyPress("esc"))
	if _, running := m.data.Running(); running {
		t.Fatal("esc did not cancel the fetch")
	}
	if m.notice != "cancelled" {
		t.Fatalf("notice = %q, want cancelled", m.notice)
	}
	for _, msg := range collect(fetch) {
		m.Update(msg)
	}
	if m.notice != "cancelled" {
		t.Fatalf("the cancelled fetch's result was not dropped: notice %q", m.notice)
	}
}

func TestQuitCancelsEverything(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	m.Update(keyPress("s"))
	_, cmd := m.Update(keyPress("q"))
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
	if m.env.Ctx.Err() == nil {
		t.Fatal("quitting did not cancel the console's context")
	}
	if _, running := m.data.Running(); running {
		t.Fatal("a query is still running after quit")
	}
}

func TestScreensSwitchByKeyMouseAndPalette(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	press(t, m, "2")
	if m.active != ScreenSlice {
		t.Fatalf("2 showed %v", m.active)
	}
	// A screen not built yet keeps the current one and says so.
	for s := ScreenData; s <= ScreenAudit; s++ {
		if _, built := m.screens[s]; !built {
			press(t, m, tabKey(s))
			if m.active != ScreenSlice || !strings.Contains(m.notice, s.String()) {
				t.Fatalf("%s (not built) should stay and say so, got %v %q", tabKey(s), m.active, m.notice)
			}
		}
	}
	press(t, m, "3")
	if m.active != ScreenSegments {
		t.Fatalf("3 showed %v", m.active)
	}
	var hit tabHit
	for _, h := range m.layout.tabHits {
		if h.screen == ScreenSQL {
			hit = h
		}
	}
	send(t, m, tea.MouseClickMsg{X: hit.x + 1, Y: 0, Button: tea.MouseLeft})
	if m.active != ScreenSQL {
		t.Fatalf("click on the SQL tab showed %v", m.active)
	}
	// The SQL editor has the keyboard: digits are text, ctrl+p still opens the palette.
	press(t, m, "1")
	if m.active != ScreenSQL {
		t.Fatal("a digit typed in the editor switched screens")
	}
	press(t, m, "ctrl+p")
	typeText(t, m, "go data")
	press(t, m, "enter")
	if m.active != ScreenData {
		t.Fatalf("palette 'go data' showed %v", m.active)
	}
	press(t, m, "?")
	if !strings.Contains(screenText(m), "Keys · Data screen") {
		t.Fatal("? did not open the help")
	}
	press(t, m, "esc")
	if !m.dialogs.Empty() {
		t.Fatal("esc did not close the help")
	}
}

func TestSliceUsesDataFilter(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "/")
	typeText(t, m, "country = 'US'")
	press(t, m, "enter")
	matching := m.data.Scope().Matching
	// The Data screen's scope reaches the Slice screen: its filter and the
	// rows it leaves (the grouping within it is the Slice package's test).
	press(t, m, "2")
	if text := screenText(m); !strings.Contains(text, "filter country = 'US'") || !strings.Contains(text, draw.Count(matching)+" of 120 rows") {
		t.Fatalf("the filter is not shown:\n%s", text)
	}
}

// Every frame must be exactly the terminal's size, whatever is on screen.
func TestFramesFitTheTerminal(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 48}, {60, 16}, {40, 10}, {30, 8}} {
		m := newModel(t, ws, size[0], size[1], styles.Dark)
		check := func(state string) {
			t.Helper()
			requireFits(t, m, size[0], size[1], state)
		}
		check("data")
		press(t, m, "p")
		check("profile")
		press(t, m, "/")
		typeText(t, m, "nope = 1")
		check("filter error")
		press(t, m, "esc", "2")
		check("slice")
		press(t, m, "7")
		typeText(t, m, "SELECT * FROM customers")
		press(t, m, "ctrl+r")
		check("sql")
		press(t, m, "ctrl+p")
		check("palette")
		press(t, m, "esc", "esc", "?")
		check("help")
	}
}

// A paste goes where the keys go: into the filter bar while it is open,
// into the palette once it is (the bar's side is the Data package's test).
func TestPasteIntoFilterAndPalette(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "/")
	send(t, m, tea.PasteMsg{Content: "plan = 'gold'"})
	if !strings.Contains(screenText(m), "plan = 'gold'") {
		t.Fatalf("the pasted rule is not in the bar:\n%s", screenText(m))
	}
	press(t, m, "esc", ":")
	send(t, m, tea.PasteMsg{Content: "go sql"})
	press(t, m, "enter")
	if m.active != ScreenSQL {
		t.Fatalf("palette after paste showed %v", m.active)
	}
}
