package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/tuitest"
)

var telcoCSV = tuitest.TelcoCSV

// writeFile writes body to name in a fresh directory and returns its path.
func writeFile(tb testing.TB, name, body string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// startConsole builds a console that imports files as it opens, sized w×h,
// without running anything yet.
func startConsole(tb testing.TB, ws *query.Workspace, files ...string) (*Model, tea.Cmd) {
	tb.Helper()
	m := New(context.Background(), ws, Options{Table: "customers", Import: files, Now: fixedNow})
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m, tea.Batch(m.Init(), cmd)
}

// settleWatching is settle that also calls look after every message, so a
// test can see the screens on the way to the end.
func settleWatching(tb testing.TB, m *Model, cmd tea.Cmd, look func()) {
	tb.Helper()
	tuitest.Settle(tb, root{m}, cmd, look)
}

func TestImportShowsProgressThenSummaryAndOpensTheTable(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	path := writeFile(t, "telco_churn.csv", telcoCSV(50))
	m, cmd := startConsole(t, ws, path)

	var during []string
	settleWatching(t, m, cmd, func() {
		if m.Data().ImportRunning() {
			during = append(during, screenText(m))
		}
	})
	if len(during) == 0 {
		t.Fatal("the import was never seen running")
	}
	first := during[0]
	for _, want := range []string{"Importing telco_churn.csv", "esc cancels: nothing of this file is saved", "importing telco_churn.csv"} {
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

	if m.Data().ImportRunning() || !m.Data().Importing() {
		t.Fatal("after the import the summary is not up")
	}
	if got := m.Data().Table().Name; got != "telco_churn" {
		t.Fatalf("open table = %q, want the imported telco_churn", got)
	}
	summary := strings.Join(m.Data().ImportSummary(), "\n")
	for _, want := range []string{"Imported telco_churn from telco_churn.csv: 50 rows, 7 columns", "key: customerID", "TotalCharges", "customerID", "enter or esc closes"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	s := screenText(m)
	if !strings.Contains(s, "Imported telco_churn") || !strings.Contains(s, "50 rows, 7 columns") {
		t.Fatalf("the summary is not on screen:\n%s", s)
	}
	requireFits(t, m, 100, 30, "import summary")

	// The summary is modal until put away; then the grid has the keyboard.
	press(t, m, "/")
	if m.Data().CapturesText() {
		t.Fatal("a key behind the summary opened the filter bar")
	}
	press(t, m, "enter")
	if m.Data().Importing() {
		t.Fatal("enter did not close the summary")
	}
	if s := screenText(m); strings.Contains(s, "Imported telco_churn") || !strings.Contains(s, "customerID") {
		t.Fatalf("after closing, the grid is not shown:\n%s", s)
	}
	press(t, m, "/")
	if !m.Data().CapturesText() {
		t.Fatal("after closing the summary, / does not open the filter bar")
	}
}

func TestImportErrorIsShownAndTheConsoleStaysUsable(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	missing := filepath.Join(t.TempDir(), "nowhere.csv")
	m, cmd := startConsole(t, ws, missing)
	settle(t, m, cmd)

	summary := strings.Join(m.Data().ImportSummary(), "\n")
	for _, want := range []string{"Could not import nowhere.csv", "no such file", "The rest of the workspace is as it was"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the panel lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(summary, "import "+missing) {
		t.Errorf("the panel repeats the path the title already names:\n%s", summary)
	}
	if got := m.Data().Table().Name; got != "customers" {
		t.Fatalf("open table = %q, want customers, the table it opened on", got)
	}
	press(t, m, "esc")
	if m.Data().Importing() {
		t.Fatal("esc did not close the error")
	}
	press(t, m, "down")
	if m.Data().Grid().Cursor() != 1 {
		t.Fatalf("the grid does not move after the error: cursor %d", m.Data().Grid().Cursor())
	}
}

func TestImportOfSeveralFilesGoesOnAfterAFailure(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	bad := writeFile(t, "empty.csv", "customerID,tenure\r\n")
	good := writeFile(t, "telco.csv", telcoCSV(20))
	m, cmd := startConsole(t, ws, bad, good)
	settle(t, m, cmd)
	summary := strings.Join(m.Data().ImportSummary(), "\n")
	for _, want := range []string{"Could not import empty.csv", "Imported telco from telco.csv: 20 rows"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the panel lacks %q:\n%s", want, summary)
		}
	}
	if got := m.Data().Table().Name; got != "telco" {
		t.Fatalf("open table = %q, want telco", got)
	}
	// On a short terminal the panel is cut, not the way out of it.
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 14})
	requireFits(t, m, 80, 14, "a long import summary")
	if s := screenText(m); !strings.Contains(s, "more lines") || !strings.Contains(s, "enter or esc closes") {
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
	ws := newWorkspace(t)
	ctx := context.Background()
	before, err := ws.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := bigCSV(t, 2_000_000)
	m, cmd := startConsole(t, ws, path)

	// Esc goes in while DuckDB is at work: after the import has reported its
	// first phase and had a moment to get into the file.
	pressed := false
	settleWatching(t, m, cmd, func() {
		if !pressed && m.Data().ImportRunning() && m.Data().ImportPhase() != "starting" {
			time.Sleep(300 * time.Millisecond)
			if !m.Data().ImportRunning() {
				t.Fatal("the import ended before esc")
			}
			pressed = true
			if _, cmd := m.Update(keyPress("esc")); cmd != nil {
				t.Fatal("esc over a running import asked for more work")
			}
			if m.Data().ImportRunning() {
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
	summary := strings.Join(m.Data().ImportSummary(), "\n")
	for _, want := range []string{"Import cancelled", "big_export.csv was not imported: nothing of it was saved"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the panel lacks %q:\n%s", want, summary)
		}
	}
	if got := m.Data().Table().Name; got != "customers" {
		t.Fatalf("open table = %q, want customers", got)
	}
	press(t, m, "esc")
	if m.Data().Importing() {
		t.Fatal("esc did not close the panel after the cancel")
	}
}
