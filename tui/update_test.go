package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

func TestOpensTableAndPagesRows(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	d := m.Data()
	if d.Table().Name != "customers" || d.Table().Rows != 120 {
		t.Fatalf("open table = %+v, want customers with 120 rows", d.Table())
	}
	if !d.RowLoaded(0) || d.RowLoaded(119) {
		t.Fatalf("want the first rows fetched and the last not yet")
	}

	press(t, m, "j", "j", "down")
	if got := d.Grid().Cursor(); got != 3 {
		t.Fatalf("cursor after j j down = %d, want 3", got)
	}

	// G moves at once and asks for the rows at the end; they arrive with the command.
	_, cmd := m.Update(keyPress("G"))
	if got := d.Grid().Cursor(); got != 119 {
		t.Fatalf("cursor after G = %d, want 119", got)
	}
	info, running := d.Running()
	if !running || !strings.HasPrefix(info.Label, "fetching rows") {
		t.Fatalf("after G want a page fetch running, got %+v %v", info, running)
	}
	if d.RowLoaded(119) {
		t.Fatal("the last row cannot be loaded before the fetch ran")
	}
	settle(t, m, cmd)
	if !d.RowLoaded(119) {
		t.Fatal("the fetch for G did not bring the last row")
	}
	if !strings.Contains(screenText(m), "row 120 of 120") {
		t.Fatalf("footer does not show the cursor row:\n%s", screenText(m))
	}

	press(t, m, "k", "g")
	if got := d.Grid().Cursor(); got != 0 {
		t.Fatalf("cursor after g = %d, want 0", got)
	}
	press(t, m, "pgdown")
	if got := d.Grid().Cursor(); got <= 10 {
		t.Fatalf("cursor after pgdown = %d, want a page further", got)
	}
}

func TestHorizontalScrollKeepsKeyFrozen(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	for range 8 {
		press(t, m, "l")
	}
	d := m.Data()
	cols := d.Grid().Columns()
	if got := cols[d.Grid().CurrentColumn()].Name; got != "spend" {
		t.Fatalf("current column after 8×l = %s, want spend", got)
	}
	lines := strings.Split(screenText(m), "\n")
	header := lines[2]
	if !strings.Contains(header, "customer_id") || !strings.Contains(header, "spend") || strings.Contains(header, "email") {
		t.Fatalf("header should keep the key column and scroll to spend, got %q", header)
	}
}

func TestSortCyclesAscDescOff(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	press(t, m, "l", "l", "l", "l", "l", "l", "l") // age
	want := []struct {
		col  string
		desc bool
	}{{"age", false}, {"age", true}, {"", false}}
	for _, w := range want {
		press(t, m, "s")
		col, desc := m.Data().Sort()
		if col != w.col || desc != w.desc {
			t.Fatalf("sort = %q desc=%v, want %q desc=%v", col, desc, w.col, w.desc)
		}
	}
	press(t, m, "s", "s")
	if !strings.Contains(screenText(m), "age ▼") {
		t.Fatalf("header does not mark the descending sort:\n%s", screenText(m))
	}
	res, err := ws.Rows(context.Background(), query.Page{Table: "customers", OrderBy: "age", Desc: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(screenText(m), query.FormatValue(res.Rows[0][7])) {
		t.Fatal("the first row shown is not the oldest customer")
	}
}

func TestFilterErrorPointsAtToken(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "/")
	text := "plan = 'gold' and agee > 30"
	typeText(t, m, text)
	var re *rule.Error
	if err := m.Data().FilterError(); !errors.As(err, &re) {
		t.Fatalf("want a rule error for %q, got %v", text, err)
	}
	if want := strings.Index(text, "agee"); re.Pos != want {
		t.Fatalf("error at %d, want %d (%v)", re.Pos, want, re)
	}
	lines := strings.Split(screenText(m), "\n")
	input, caret := lines[1], lines[2]
	col := strings.Index(input, "agee")
	if got := strings.Index(caret, "^"); got != col {
		t.Fatalf("caret at column %d, want %d under agee:\n%s\n%s", got, col, input, caret)
	}
	if !strings.Contains(caret, "did you mean") {
		t.Fatalf("no suggestion under the rule: %q", caret)
	}
	// Enter does not apply a wrong rule.
	press(t, m, "enter")
	if m.Data().Filter() != "" || !m.Data().CapturesText() {
		t.Fatal("a wrong rule was applied or the bar closed")
	}
}

func TestFilterCountsAsYouTypeAndApplies(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	text := "plan in ('gold', 'silver') and age >= 40"
	where, err := segments.Filter(context.Background(), ws, "customers", text)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ws.Count(context.Background(), "customers", where)
	if err != nil {
		t.Fatal(err)
	}
	press(t, m, "/")
	typeText(t, m, text)
	n, ok := m.Data().FilterCount()
	if !ok || n != want {
		t.Fatalf("live count = %d (%v), want %d", n, ok, want)
	}
	if !strings.Contains(screenText(m), "of 120 match") {
		t.Fatalf("the count is not shown:\n%s", screenText(m))
	}
	press(t, m, "enter")
	if m.Data().Filter() != text || m.Data().CapturesText() {
		t.Fatalf("filter = %q, want it applied and the bar closed", m.Data().Filter())
	}
	if m.Data().Grid().Total() != want {
		t.Fatalf("grid total = %d, want %d", m.Data().Grid().Total(), want)
	}
	press(t, m, "esc")
	if m.Data().Filter() != "" || m.Data().Grid().Total() != 120 {
		t.Fatal("esc did not clear the filter")
	}
}

func TestFilterCompletesColumnsAndValues(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "/")
	typeText(t, m, "pla")
	press(t, m, "tab")
	if got := m.Data().FilterInput(); got != "plan" {
		t.Fatalf("tab after pla gave %q, want plan", got)
	}
	typeText(t, m, " = ")
	press(t, m, "tab")
	// free is the most frequent plan in the fixture.
	if got := m.Data().FilterInput(); got != "plan = 'free'" {
		t.Fatalf("tab after plan = gave %q", got)
	}
	press(t, m, "tab")
	if got := m.Data().FilterInput(); got != "plan = 'silver'" {
		t.Fatalf("second tab gave %q, want the next value", got)
	}
	// Personal data is not offered as values.
	press(t, m, "ctrl+u")
	typeText(t, m, "email = ")
	press(t, m, "tab")
	if got := m.Data().FilterInput(); got != "email = " {
		t.Fatalf("completed a masked column's values: %q", got)
	}
}

func TestStaleResultIsDropped(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	// Sorting twice starts a fetch and then supersedes it.
	_, first := m.Update(keyPress("s"))
	_, second := m.Update(keyPress("s"))
	stale := collect(first)
	fresh := collect(second)
	for _, msg := range stale {
		m.Update(msg)
	}
	if _, running := m.Data().Running(); !running {
		t.Fatal("a stale page result finished the current fetch")
	}
	if m.Notice() != "" {
		t.Fatalf("a stale result reached the status line: %q", m.Notice())
	}
	for _, msg := range fresh {
		m.Update(msg)
	}
	if _, running := m.Data().Running(); running {
		t.Fatal("the current fetch did not finish")
	}
	if !m.Data().RowLoaded(0) {
		t.Fatal("the current fetch's rows are missing")
	}

}

func TestEscCancelsRunningQuery(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	_, fetch := m.Update(keyPress("s"))
	if _, running := m.Data().Running(); !running {
		t.Fatal("sorting did not start a fetch")
	}
	if !strings.Contains(screenText(m), "esc cancel") {
		t.Fatalf("the status line does not offer to cancel:\n%s", screenText(m))
	}
	m.Update(keyPress("esc"))
	if _, running := m.Data().Running(); running {
		t.Fatal("esc did not cancel the fetch")
	}
	if m.Notice() != "cancelled" {
		t.Fatalf("notice = %q, want cancelled", m.Notice())
	}
	for _, msg := range collect(fetch) {
		m.Update(msg)
	}
	if m.Notice() != "cancelled" {
		t.Fatalf("the cancelled fetch's result was not dropped: notice %q", m.Notice())
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
	if _, running := m.Data().Running(); running {
		t.Fatal("a query is still running after quit")
	}
}

func TestScreensSwitchByKeyMouseAndPalette(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 80, 24, styles.Dark)
	press(t, m, "2")
	if m.Active() != ScreenSlice {
		t.Fatalf("2 showed %v", m.Active())
	}
	// A screen not built yet keeps the current one and says so.
	for s := ScreenData; s <= ScreenAudit; s++ {
		if _, built := m.screens[s]; !built {
			press(t, m, tabKey(s))
			if m.Active() != ScreenSlice || !strings.Contains(m.Notice(), s.String()) {
				t.Fatalf("%s (not built) should stay and say so, got %v %q", tabKey(s), m.Active(), m.Notice())
			}
		}
	}
	press(t, m, "3")
	if m.Active() != ScreenSegments {
		t.Fatalf("3 showed %v", m.Active())
	}
	var hit tabHit
	for _, h := range m.layout.tabHits {
		if h.screen == ScreenSQL {
			hit = h
		}
	}
	send(t, m, tea.MouseClickMsg{X: hit.x + 1, Y: 0, Button: tea.MouseLeft})
	if m.Active() != ScreenSQL {
		t.Fatalf("click on the SQL tab showed %v", m.Active())
	}
	// The SQL editor has the keyboard: digits are text, ctrl+p still opens the palette.
	press(t, m, "1")
	if m.Active() != ScreenSQL {
		t.Fatal("a digit typed in the editor switched screens")
	}
	press(t, m, "ctrl+p")
	typeText(t, m, "go data")
	press(t, m, "enter")
	if m.Active() != ScreenData {
		t.Fatalf("palette 'go data' showed %v", m.Active())
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

func TestRevealIsAudited(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	if strings.Contains(screenText(m), "ada.") {
		t.Fatal("an email is shown unmasked")
	}
	press(t, m, "l", "r")
	if !strings.Contains(screenText(m), "◆revealed") || !strings.Contains(screenText(m), "@example.com") {
		t.Fatalf("email not revealed:\n%s", screenText(m))
	}
	log, err := ws.AuditLog(context.Background(), query.AuditFilter{Action: query.ActionPIIReveal})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Subject != "customers.email" {
		t.Fatalf("audit log = %+v, want one reveal of customers.email", log)
	}
	press(t, m, "r")
	if strings.Contains(screenText(m), "◆revealed") {
		t.Fatal("r again did not mask the column")
	}
	press(t, m, "l", "l", "l", "l", "r") // plan is not personal data
	if !strings.Contains(m.Notice(), "not masked") {
		t.Fatalf("notice = %q", m.Notice())
	}
}

func TestProfilePanel(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 120, 36, styles.Dark)
	press(t, m, "l", "l", "l", "l", "l", "l", "l", "p") // age
	text := screenText(m)
	for _, want := range []string{"Profile age", "distinct", "median", "Distribution"} {
		if !strings.Contains(text, want) {
			t.Fatalf("profile lacks %q:\n%s", want, text)
		}
	}
	press(t, m, "h", "h", "h") // country: top values
	if text := screenText(m); !strings.Contains(text, "Top values") || !strings.Contains(text, "█") {
		t.Fatalf("profile of country lacks a bar chart:\n%s", text)
	}
}

func TestSliceUsesDataFilter(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "/")
	typeText(t, m, "country = 'US'")
	press(t, m, "enter")
	matching := m.Data().Grid().Total()
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

func TestPasteIntoFilterAndPalette(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "/")
	send(t, m, tea.PasteMsg{Content: "plan = 'gold'"})
	if got := m.Data().FilterInput(); got != "plan = 'gold'" {
		t.Fatalf("pasted rule = %q", got)
	}
	if _, ok := m.Data().FilterCount(); !ok {
		t.Fatal("a pasted rule was not counted")
	}
	press(t, m, "esc", ":")
	send(t, m, tea.PasteMsg{Content: "go sql"})
	press(t, m, "enter")
	if m.Active() != ScreenSQL {
		t.Fatalf("palette after paste showed %v", m.Active())
	}
}
