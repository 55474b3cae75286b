package datascreen

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// candidate finds a column among the picker's candidates.
func candidate(tb testing.TB, m *Model, column string) (int, query.KeyCandidate) {
	tb.Helper()
	for i, c := range m.keyp.cands {
		if c.Column == column {
			return i, c
		}
	}
	tb.Fatalf("%s is not among the candidates %+v", column, m.keyp.cands)
	return 0, query.KeyCandidate{}
}

// moveTo puts the picker's cursor on candidate i, from the top.
func moveTo(tb testing.TB, m tuitest.Updater, i int) {
	tb.Helper()
	tuitest.Press(tb, m, "home")
	for range i {
		tuitest.Press(tb, m, "down")
	}
}

func TestKeyPickerListsCandidatesAndSetsTheKey(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "telco", tuitest.TelcoCSV(50))
	m := New(tuitest.Env(t, ws), Options{Table: "telco"})
	hs := tuitest.NewHarness(m, 120, 36)
	tuitest.Settle(t, hs, m.Init(), nil)
	tuitest.Open(t, m, 120, 33)
	// What the console shows: the screen with the dialogs over it.
	screen := func() string { return tuitest.Text(hs.Dialogs.View(m.View(), 120)) }
	if got := m.table.Key; got != "customerID" {
		t.Fatalf("key after import = %q, want customerID", got)
	}
	if s := screen(); !strings.Contains(s, "key customerID") {
		t.Fatalf("the screen does not say the key:\n%s", s)
	}

	tuitest.Press(t, hs, "K")
	if !m.keyp.open {
		t.Fatal("K did not open the key picker")
	}
	cands := m.keyp.cands
	if len(cands) == 0 || cands[0].Column != "customerID" || !cands[0].Chosen {
		t.Fatalf("the key in use is not listed first: %+v", cands)
	}
	_, gender := candidate(t, m, "gender")
	if gender.Usable || gender.Reason == "" {
		t.Fatalf("gender is offered as a key, or without a reason: %+v", gender)
	}
	i, surrogate := candidate(t, m, query.SurrogateKey)
	if !surrogate.Usable {
		t.Fatalf("the surrogate key is not usable: %+v", surrogate)
	}
	s := screen()
	for _, want := range []string{"Key of telco", "customerID", gender.Reason, surrogate.Reason, "enter make it the key"} {
		if !strings.Contains(s, want) {
			t.Errorf("the picker lacks %q:\n%s", want, s)
		}
	}
	tuitest.RequireFits(t, hs.Dialogs.View(m.View(), 120), 120, 33, "key picker")
	if hs.Front() != KeyPickerDialog {
		t.Fatal("the picker is not a dialog on the stack")
	}

	// A column that can't be the key says why and changes nothing.
	g, _ := candidate(t, m, "gender")
	moveTo(t, hs, g)
	tuitest.Press(t, hs, "enter")
	if !m.keyp.open || !strings.Contains(screen(), "gender can't be the key") {
		t.Fatalf("choosing gender did not say why it can't be the key:\n%s", screen())
	}
	if info, err := ws.Table(context.Background(), "telco"); err != nil || info.Key != "customerID" {
		t.Fatalf("after refusing gender the key is %q (%v)", info.Key, err)
	}

	moveTo(t, hs, i)
	tuitest.Press(t, hs, "enter")
	if m.keyp.open || !hs.Dialogs.Empty() {
		t.Fatalf("the picker stayed open after setting the key:\n%s", screen())
	}
	info, err := ws.Table(context.Background(), "telco")
	if err != nil || info.Key != query.SurrogateKey {
		t.Fatalf("the workspace's key is %q (%v), want %s", info.Key, err, query.SurrogateKey)
	}
	if got := m.table.Key; got != query.SurrogateKey {
		t.Fatalf("the screen's key is %q, want %s", got, query.SurrogateKey)
	}
	if !slices.ContainsFunc(m.Scope().Columns, func(c query.Column) bool { return c.Name == query.SurrogateKey }) {
		t.Fatalf("the grid's columns lack the added %s: %v", query.SurrogateKey, m.Scope().Columns)
	}
	if !strings.Contains(hs.Notice, "row_id is now the key of telco") {
		t.Fatalf("notice = %q", hs.Notice)
	}
	if s := screen(); !strings.Contains(s, "key row_id") {
		t.Fatalf("the screen does not show the new key:\n%s", s)
	}

	// Back to the named column; esc then closes the picker without a change.
	tuitest.Press(t, hs, "K")
	c, _ := candidate(t, m, "customerID")
	moveTo(t, hs, c)
	tuitest.Press(t, hs, "enter")
	if got := m.table.Key; got != "customerID" {
		t.Fatalf("key = %q after choosing customerID again", got)
	}
	tuitest.Press(t, hs, "K", "esc")
	if m.keyp.open || !hs.Dialogs.Empty() {
		t.Fatal("esc did not close the picker")
	}
}
