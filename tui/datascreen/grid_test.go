package datascreen

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/tuitest"
)

// openScreen is the Data screen on a copy of the customers fixture, in the
// body of a w×h console (the tab bar and status line take three rows) and a
// harness around it, its first rows fetched.
func openScreen(tb testing.TB, w, h int) (*Model, *tuitest.Harness, *query.Workspace) {
	tb.Helper()
	ws := tuitest.Customers.Open(tb)
	m := New(tuitest.Env(tb, ws), Options{Table: "customers"})
	hs := tuitest.NewHarness(m, w, h)
	tuitest.Settle(tb, hs, tea.Batch(m.Init(), m.SetSize(w, h-3)), nil)
	return m, hs, ws
}

// rowLoaded reports whether row i of the current view has been fetched.
func rowLoaded(m *Model, i int64) bool {
	_, ok := m.cache.row(m.view(), i)
	return ok
}

func TestOpensTableAndPagesRows(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 80, 24)
	if m.table.Name != "customers" || m.table.Rows != 120 {
		t.Fatalf("open table = %+v, want customers with 120 rows", m.table)
	}
	if !rowLoaded(m, 0) || rowLoaded(m, 119) {
		t.Fatalf("want the first rows fetched and the last not yet")
	}

	tuitest.Press(t, hs, "j", "j", "down")
	if got := m.grid.Cursor(); got != 3 {
		t.Fatalf("cursor after j j down = %d, want 3", got)
	}

	// G moves at once and asks for the rows at the end; they arrive with the command.
	cmd := hs.Update(tuitest.Key("G"))
	if got := m.grid.Cursor(); got != 119 {
		t.Fatalf("cursor after G = %d, want 119", got)
	}
	info, running := m.Running()
	if !running || !strings.HasPrefix(info.Label, "fetching rows") {
		t.Fatalf("after G want a page fetch running, got %+v %v", info, running)
	}
	if rowLoaded(m, 119) {
		t.Fatal("the last row cannot be loaded before the fetch ran")
	}
	tuitest.Settle(t, hs, cmd, nil)
	if !rowLoaded(m, 119) {
		t.Fatal("the fetch for G did not bring the last row")
	}
	tuitest.MustShow(t, m.View(), "row 120 of 120")

	tuitest.Press(t, hs, "k", "g")
	if got := m.grid.Cursor(); got != 0 {
		t.Fatalf("cursor after g = %d, want 0", got)
	}
	tuitest.Press(t, hs, "pgdown")
	if got := m.grid.Cursor(); got <= 10 {
		t.Fatalf("cursor after pgdown = %d, want a page further", got)
	}
}

func TestHorizontalScrollKeepsKeyFrozen(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 80, 24)
	for range 8 {
		tuitest.Press(t, hs, "l")
	}
	cols := m.grid.Columns()
	if got := cols[m.grid.CurrentColumn()].Name; got != "spend" {
		t.Fatalf("current column after 8×l = %s, want spend", got)
	}
	lines := strings.Split(tuitest.Text(m.View()), "\n")
	header := lines[1]
	if !strings.Contains(header, "customer_id") || !strings.Contains(header, "spend") || strings.Contains(header, "email") {
		t.Fatalf("header should keep the key column and scroll to spend, got %q", header)
	}
}

func TestSortCyclesAscDescOff(t *testing.T) {
	t.Parallel()
	m, hs, ws := openScreen(t, 80, 24)
	tuitest.Press(t, hs, "l", "l", "l", "l", "l", "l", "l") // age
	want := []struct {
		col  string
		desc bool
	}{{"age", false}, {"age", true}, {"", false}}
	for _, w := range want {
		tuitest.Press(t, hs, "s")
		v := m.view()
		if v.order != w.col || v.desc != w.desc {
			t.Fatalf("sort = %q desc=%v, want %q desc=%v", v.order, v.desc, w.col, w.desc)
		}
	}
	tuitest.Press(t, hs, "s", "s")
	tuitest.MustShow(t, m.View(), "age ▼")
	res, err := ws.Rows(context.Background(), query.Page{Table: "customers", OrderBy: "age", Desc: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	tuitest.MustShow(t, m.View(), query.FormatValue(res.Rows[0][7]))
}

// A page result that a newer fetch superseded neither ends the newer fetch
// nor says anything.
func TestStaleResultIsDropped(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 80, 24)
	// Sorting twice starts a fetch and then supersedes it.
	first := hs.Update(tuitest.Key("s"))
	second := hs.Update(tuitest.Key("s"))
	stale := tuitest.Collect(first)
	fresh := tuitest.Collect(second)
	for _, msg := range stale {
		hs.Update(msg)
	}
	if _, running := m.Running(); !running {
		t.Fatal("a stale page result finished the current fetch")
	}
	if hs.Notice != "" {
		t.Fatalf("a stale result reached the status line: %q", hs.Notice)
	}
	for _, msg := range fresh {
		hs.Update(msg)
	}
	if _, running := m.Running(); running {
		t.Fatal("the current fetch did not finish")
	}
	if !rowLoaded(m, 0) {
		t.Fatal("the current fetch's rows are missing")
	}
}

// Cancel stops a running fetch, and its result, when it lands, changes
// nothing (the root says "cancelled": its test).
func TestCancelStopsTheFetch(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 80, 24)
	fetch := hs.Update(tuitest.Key("s"))
	if _, running := m.Running(); !running {
		t.Fatal("sorting did not start a fetch")
	}
	if !m.Cancel() {
		t.Fatal("Cancel found nothing to stop")
	}
	if _, running := m.Running(); running {
		t.Fatal("Cancel did not stop the fetch")
	}
	for _, msg := range tuitest.Collect(fetch) {
		hs.Update(msg)
	}
	if _, running := m.Running(); running || rowLoaded(m, 0) || hs.Notice != "" {
		t.Fatalf("the cancelled fetch's result was used: running %v, rows %v, notice %q", running, rowLoaded(m, 0), hs.Notice)
	}
}

func TestRevealIsAudited(t *testing.T) {
	t.Parallel()
	m, hs, ws := openScreen(t, 100, 30)
	if strings.Contains(tuitest.Text(m.View()), "ada.") {
		t.Fatal("an email is shown unmasked")
	}
	tuitest.Press(t, hs, "l", "r")
	tuitest.MustShow(t, m.View(), "◆revealed", "@example.com")
	log, err := ws.AuditLog(context.Background(), query.AuditFilter{Action: query.ActionPIIReveal})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Subject != "customers.email" {
		t.Fatalf("audit log = %+v, want one reveal of customers.email", log)
	}
	tuitest.Press(t, hs, "r")
	if strings.Contains(tuitest.Text(m.View()), "◆revealed") {
		t.Fatal("r again did not mask the column")
	}
	tuitest.Press(t, hs, "l", "l", "l", "l", "r") // plan is not personal data
	if !strings.Contains(hs.Notice, "not masked") {
		t.Fatalf("notice = %q", hs.Notice)
	}
}

func TestProfilePanel(t *testing.T) {
	t.Parallel()
	m, hs, _ := openScreen(t, 120, 36)
	tuitest.Press(t, hs, "l", "l", "l", "l", "l", "l", "l", "p") // age
	tuitest.MustShow(t, m.View(), "Profile age", "distinct", "median", "Distribution")
	tuitest.Press(t, hs, "h", "h", "h") // country: top values
	tuitest.MustShow(t, m.View(), "Top values", "█")
}

// TestGridMasksWhatTheCLIMasks: the grid takes the workspace's one answer on
// personal data, so a birth date (a DATE, which a type test alone would pass)
// and a column of emails under a neutral name are masked as in the CLI.
func TestGridMasksWhatTheCLIMasks(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "people", "id,birth_date,contact,plan\n1,1990-04-01,ann@example.com,x\n2,1985-12-24,bob@example.org,y\n3,1979-07-15,cid@example.net,z\n")
	m := New(tuitest.Env(t, ws), Options{Table: "people"})
	hs := tuitest.NewHarness(m, 120, 30)
	tuitest.Settle(t, hs, tea.Batch(m.Init(), m.SetSize(120, 27)), nil)
	view := tuitest.Text(m.View())
	for _, leak := range []string{"1990-04-01", "ann@example.com", "bob@"} {
		if strings.Contains(view, leak) {
			t.Errorf("the grid shows %q unmasked:\n%s", leak, view)
		}
	}
	if !strings.Contains(view, "••••") {
		t.Errorf("no mask drawn:\n%s", view)
	}
}
