package datascreen

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/events/eventstest"
	"github.com/segscope/segscope/tui/tuitest"
)

// startScreen is the Data screen, opened on customers, importing files as
// it starts, in the body of a 100×30 console and a harness around it; cmd is
// what starting runs, not run yet.
func startScreen(tb testing.TB, ws *query.Workspace, files ...string) (*Model, *tuitest.Harness, tea.Cmd) {
	tb.Helper()
	m := New(tuitest.Env(tb, ws), Options{Table: "customers", Import: files})
	return m, tuitest.NewHarness(m, 100, 30), tea.Batch(m.Init(), m.SetSize(100, 27))
}

// console is what the console shows of the screen: its view with the
// dialogs over it.
func console(m *Model, hs *tuitest.Harness) string { return hs.Dialogs.View(m.View(), m.width) }

// importSummary is the import panel's lines without styling.
func importSummary(m *Model) []string {
	var out []string
	for _, l := range m.importLines(80) {
		out = append(out, strings.TrimSpace(ansi.Strip(l)))
	}
	return out
}

func TestImportShowsProgressThenSummaryAndOpensTheTable(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	path := tuitest.WriteFile(t, "telco_churn.csv", tuitest.TelcoCSV(50))
	m, hs, cmd := startScreen(t, ws, path)

	var during, labels []string
	tuitest.Settle(t, hs, cmd, func() {
		// From when the root has put the panel on its stack.
		if m.imp.slot.Running() && hs.Front() == ImportDialog {
			during = append(during, tuitest.Text(console(m, hs)))
			info, _ := m.Running()
			labels = append(labels, info.Label)
		}
	})
	if len(during) == 0 {
		t.Fatal("the import was never seen running")
	}
	first := during[0]
	if labels[0] != "importing telco_churn.csv" {
		t.Errorf("the status line would say %q while importing", labels[0])
	}
	for _, want := range []string{"Importing telco_churn.csv", "esc cancels: nothing of this file is saved"} {
		if !strings.Contains(first, want) {
			t.Errorf("while importing, the screen lacks %q:\n%s", want, first)
		}
	}
	phases := map[string]bool{}
	for _, s := range during {
		for _, p := range []string{"reading", "checking types", "choosing a key", "saving"} {
			if strings.Contains(s, p+" · ") {
				phases[p] = true
			}
		}
	}
	if !phases["reading"] {
		t.Errorf("no screen showed the reading phase; saw %v", phases)
	}

	if m.imp.slot.Running() || !m.imp.shown || hs.Front() != ImportDialog {
		t.Fatal("after the import the summary is not up on the dialog stack")
	}
	if got := m.table.Name; got != "telco_churn" {
		t.Fatalf("open table = %q, want the imported telco_churn", got)
	}
	summary := strings.Join(importSummary(m), "\n")
	for _, want := range []string{"Imported telco_churn from telco_churn.csv: 50 rows, 7 columns", "key: customerID", "TotalCharges", "customerID", "enter or esc closes"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	s := tuitest.Text(console(m, hs))
	if !strings.Contains(s, "Imported telco_churn") || !strings.Contains(s, "50 rows, 7 columns") {
		t.Fatalf("the summary is not on screen:\n%s", s)
	}
	tuitest.RequireFits(t, console(m, hs), 100, 27, "import summary")

	// The summary is modal until put away; then the grid has the keyboard.
	tuitest.Press(t, hs, "/")
	if m.CapturesText() {
		t.Fatal("a key behind the summary opened the filter bar")
	}
	tuitest.Press(t, hs, "enter")
	if m.imp.shown || !hs.Dialogs.Empty() {
		t.Fatal("enter did not close the summary")
	}
	if s := tuitest.Text(console(m, hs)); strings.Contains(s, "Imported telco_churn") || !strings.Contains(s, "customerID") {
		t.Fatalf("after closing, the grid is not shown:\n%s", s)
	}
	tuitest.Press(t, hs, "/")
	if !m.CapturesText() {
		t.Fatal("after closing the summary, / does not open the filter bar")
	}
}

func TestImportErrorIsShownAndTheConsoleStaysUsable(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	missing := filepath.Join(t.TempDir(), "nowhere.csv")
	m, hs, cmd := startScreen(t, ws, missing)
	tuitest.Settle(t, hs, cmd, nil)

	summary := strings.Join(importSummary(m), "\n")
	for _, want := range []string{"Could not import nowhere.csv", "no such file", "The rest of the workspace is as it was"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the panel lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(summary, "import "+missing) {
		t.Errorf("the panel repeats the path the title already names:\n%s", summary)
	}
	if got := m.table.Name; got != "customers" {
		t.Fatalf("open table = %q, want customers, the table it opened on", got)
	}
	tuitest.Press(t, hs, "esc")
	if m.imp.shown {
		t.Fatal("esc did not close the error")
	}
	tuitest.Press(t, hs, "down")
	if m.grid.Cursor() != 1 {
		t.Fatalf("the grid does not move after the error: cursor %d", m.grid.Cursor())
	}
}

func TestImportOfSeveralFilesGoesOnAfterAFailure(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	bad := tuitest.WriteFile(t, "empty.csv", "customerID,tenure\r\n")
	good := tuitest.WriteFile(t, "telco.csv", tuitest.TelcoCSV(20))
	m, hs, cmd := startScreen(t, ws, bad, good)
	tuitest.Settle(t, hs, cmd, nil)
	summary := strings.Join(importSummary(m), "\n")
	for _, want := range []string{"Could not import empty.csv", "Imported telco from telco.csv: 20 rows"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the panel lacks %q:\n%s", want, summary)
		}
	}
	if got := m.table.Name; got != "telco" {
		t.Fatalf("open table = %q, want telco", got)
	}
	// On a short terminal the panel is cut, not the way out of it.
	m.SetSize(80, 11) // the body of an 80×14 console
	tuitest.RequireFits(t, console(m, hs), 80, 11, "a long import summary")
	if s := tuitest.Text(console(m, hs)); !strings.Contains(s, "more lines") || !strings.Contains(s, "enter or esc closes") {
		t.Fatalf("the cut panel does not say so or lost its last line:\n%s", s)
	}
}

// bigCSV is a file the import takes long enough over for a key press to
// land while it runs.
func bigCSV(tb testing.TB, rows int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "big_export.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("customerID,tenure,MonthlyCharges,Contract,Churn\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&b, "C%09d,%d,%d.%02d,%s,%s\n", i, i%72, 20+i%90, i%100, []string{"Month-to-month", "One year", "Two year"}[i%3], []string{"Yes", "No"}[i%2])
		if b.Len() > 1<<20 {
			f.WriteString(b.String())
			b.Reset()
		}
	}
	f.WriteString(b.String())
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestEscCancelsTheImportAndLeavesTheWorkspaceAsItWas(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	ctx := context.Background()
	before, err := ws.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := bigCSV(t, 2_000_000)
	m, hs, cmd := startScreen(t, ws, path)

	// Esc goes in while DuckDB is at work: after the import has reported its
	// first phase and had a moment to get into the file.
	pressed := false
	tuitest.Settle(t, hs, cmd, func() {
		if !pressed && m.imp.slot.Running() && m.imp.phase != "starting" {
			time.Sleep(300 * time.Millisecond)
			if !m.imp.slot.Running() {
				t.Fatal("the import ended before esc")
			}
			pressed = true
			if !m.Cancel() {
				t.Fatal("esc over a running import found nothing to stop")
			}
			if m.imp.slot.Running() {
				t.Fatal("esc did not stop the import")
			}
		}
	})
	if !pressed {
		t.Fatal("the import never reported a phase")
	}
	// settle returns once the import's goroutine has answered: the workspace
	// is in its final state.
	after, err := ws.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("tables after a cancelled import: %v\nbefore: %v", after, before)
	}
	summary := strings.Join(importSummary(m), "\n")
	for _, want := range []string{"Import cancelled", "big_export.csv was not imported: nothing of it was saved"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the panel lacks %q:\n%s", want, summary)
		}
	}
	if got := m.table.Name; got != "customers" {
		t.Fatalf("open table = %q, want customers", got)
	}
	tuitest.Press(t, hs, "esc")
	if m.imp.shown {
		t.Fatal("esc did not close the panel after the cancel")
	}
}

// TestImportOfAGzipBombShowsBytesAndEscStopsIt: a few megabytes of gzip that
// inflate to 2 GB show how much of the file is read, as a bar, and Esc stops
// the import with the workspace as it was.
func TestImportOfAGzipBombShowsBytesAndEscStopsIt(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	ctx := context.Background()
	before, err := ws.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := querytest.GzipBomb(t, "bomb.csv.gz", 2<<30)
	m, hs, cmd := startScreen(t, ws, path)

	var panel string
	tuitest.Settle(t, hs, cmd, func() {
		if panel != "" || !m.imp.slot.Running() {
			return
		}
		summary := strings.Join(importSummary(m), "\n")
		if !strings.Contains(summary, " MB read") {
			return
		}
		panel = summary
		tuitest.RequireFits(t, console(m, hs), 100, 27, "bomb import")
		if !m.Cancel() {
			t.Fatal("esc over a running import found nothing to stop")
		}
	})
	if panel == "" {
		t.Fatal("the import never showed bytes read")
	}
	for _, want := range []string{"Importing bomb.csv.gz", "of 12.5 MB read", "░"} {
		if !strings.Contains(panel, want) {
			t.Errorf("while importing, the panel lacks %q:\n%s", want, panel)
		}
	}
	after, err := ws.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("tables after a cancelled import: %v\nbefore: %v", after, before)
	}
	summary := strings.Join(importSummary(m), "\n")
	if !strings.Contains(summary, "Import cancelled") || strings.Contains(summary, " read") {
		t.Errorf("after esc the panel says:\n%s", summary)
	}
}

// An import of an event table makes the audience derived from it again and
// says what the events hold now; one that no longer fits the setup is kept,
// and the panel says what could not follow it.
func TestImportRefreshesEventTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	if _, err := ws.Import(ctx, tuitest.WriteFile(t, "orders.csv", eventstest.Retail(400, 1)), query.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	setup := events.Config{Table: "orders", Key: "CustomerID", Time: "InvoiceDate", Audience: "customers"}
	if _, err := events.Setup(ctx, ws, setup, events.Options{}); err != nil {
		t.Fatal(err)
	}
	fresh := tuitest.WriteFile(t, "orders.csv", eventstest.Retail(900, 2))
	broken := tuitest.WriteFile(t, "orders.csv", "InvoiceNo,Quantity\r\nA1,3\r\n")
	m, hs, cmd := startScreen(t, ws, fresh, broken)
	tuitest.Settle(t, hs, cmd, nil)
	summary := strings.Join(importSummary(m), " ")
	var people int64
	if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&people); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"events of " + counts.Format(people) + " customers",
		"✗ orders is set up as events of customers, and customers, made from them, still holds the events as they were before this import",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("the panel lacks %q:\n%s", want, strings.Join(importSummary(m), "\n"))
		}
	}
	var rows int64
	if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM orders`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("the second import was not kept: orders has %d rows (%v)", rows, err)
	}
}

// segscope --attach FILE: the console's import flow attaches the file where it
// is, and the sidebar marks the table as attached.
func TestConsoleAttachesInsteadOfImporting(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	path := tuitest.WriteFile(t, "telco_churn.csv", tuitest.TelcoCSV(50))
	m := New(tuitest.Env(t, ws), Options{Table: "customers", Import: []string{path}, Attach: true})
	hs := tuitest.NewHarness(m, 100, 30)
	cmd := tea.Batch(m.Init(), m.SetSize(100, 27))
	if info, _ := m.Running(); info.Label != "attaching telco_churn.csv" {
		t.Errorf("the status line says %q while attaching", info.Label)
	}
	tuitest.Settle(t, hs, cmd, nil)
	summary := strings.Join(importSummary(m), "\n")
	if !strings.Contains(summary, "Attached telco_churn from ") || !strings.Contains(summary, "50 rows") {
		t.Fatalf("summary:\n%s", summary)
	}
	if info, err := ws.Table(context.Background(), "telco_churn"); err != nil || !info.Attached {
		t.Fatalf("telco_churn = %+v, %v; want an attached table", info, err)
	}
	tuitest.Press(t, hs, "enter")
	if s := tuitest.Text(console(m, hs)); !strings.Contains(s, "↗ 50 rows") {
		t.Fatalf("the sidebar does not mark the attached table:\n%s", s)
	}
	// A file changed since: the sidebar says so when the tables are listed again.
	if err := os.WriteFile(path, []byte("customerID,x\nA,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tuitest.Settle(t, hs, m.listTables(), nil)
	if s := tuitest.Text(console(m, hs)); !strings.Contains(s, "↗ files changed") {
		t.Fatalf("the sidebar does not say the attached files changed:\n%s", s)
	}
}
