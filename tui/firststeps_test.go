package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

var telcoRows = tuitest.TelcoRows

func TestAltNumberSwitchesScreensWhileTyping(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)

	// The filter bar has the keyboard: a digit is text, alt and a digit switches.
	press(t, m, "/", "1")
	if m.active != ScreenData || !m.data.CapturesText() || !strings.Contains(screenText(m), "│ / 1 ") {
		t.Fatalf("a digit in the filter: screen %v\n%s", m.active, screenText(m))
	}
	press(t, m, "alt+7")
	if m.active != ScreenSQL {
		t.Fatalf("alt+7 in the filter showed %v", m.active)
	}
	// The SQL editor has the keyboard: 2 is text.
	press(t, m, "2")
	if m.active != ScreenSQL {
		t.Fatalf("2 in the SQL editor showed %v", m.active)
	}
	press(t, m, "alt+2")
	if m.active != ScreenSlice {
		t.Fatalf("alt+2 in the SQL editor showed %v", m.active)
	}
	// An open dialog closes on the way.
	press(t, m, "ctrl+p", "alt+3")
	if m.active != ScreenSegments || !m.dialogs.Empty() {
		t.Fatalf("alt+3 in the palette: screen %v, dialog %v", m.active, m.dialogs.Front())
	}
	press(t, m, "n", "alt+1")
	if m.active != ScreenData {
		t.Fatalf("alt+1 in the segment editor showed %v", m.active)
	}
	// Without a text field, plain digits still switch.
	press(t, m, "esc", "4")
	if m.active != ScreenCompare {
		t.Fatalf("4 showed %v", m.active)
	}
	press(t, m, "?")
	if !strings.Contains(ansi.Strip(m.View().Content), "alt+1-8") {
		t.Fatal("the help does not list alt+1-8")
	}
}

func TestSQLStarterIsAboutTheDataTable(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 120, 30, styles.Dark)
	// The Data screen's table reaches the SQL screen's starter (how the
	// starter follows it and gives way is the sqlscreen package's test).
	press(t, m, "1", "tab", "j", "enter", "7")
	if got := m.data.Scope().Table.Name; got != "orders" || !strings.Contains(screenText(m), query.StarterQuery("orders")) {
		t.Fatalf("the SQL screen after opening %s:\n%s", got, screenText(m))
	}
}

func TestFirstStepsOnATelcoExport(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	querytest.ImportCSV(t, ws, "telco", telcoRows(240))
	m := openModel(t, ws, "telco", 120, 36, styles.Dark)

	// New segment and templates go to the table being looked at.
	press(t, m, "3", "n")
	if !strings.Contains(screenText(m), "Table        telco ") {
		t.Fatalf("new segment did not open on telco:\n%s", screenText(m))
	}
	press(t, m, "esc", "t")
	text := screenText(m)
	if !strings.Contains(text, "Templates for telco") || !strings.Contains(text, "Churn risk") || !strings.Contains(text, "Not offered") {
		t.Fatalf("templates picker:\n%s", text)
	}
	press(t, m, "esc")

	// The Slice screen opens on the churn rate by a category (its defaults are
	// the Slice package's test).
	press(t, m, "2")
	if text := screenText(m); !strings.Contains(text, "rate of Churn") || !strings.Contains(text, "Month-to-month") {
		t.Fatalf("the Slice screen on telco:\n%s", text)
	}
}
