package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/styles"
)

// candidate finds a column among the picker's candidates.
func candidate(tb testing.TB, m *Model, column string) (int, query.KeyCandidate) {
	tb.Helper()
	for i, c := range m.Data().KeyCandidates() {
		if c.Column == column {
			return i, c
		}
	}
	tb.Fatalf("%s is not among the candidates %+v", column, m.Data().KeyCandidates())
	return 0, query.KeyCandidate{}
}

// moveTo puts the picker's cursor on candidate i, from the top.
func moveTo(tb testing.TB, m *Model, i int) {
	tb.Helper()
	press(tb, m, "home")
	for range i {
		press(tb, m, "down")
	}
}

func TestKeyPickerListsCandidatesAndSetsTheKey(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "telco", telcoCSV(50))
	m := openModel(t, ws, "telco", 120, 36, styles.NoColor)
	if got := m.Data().Table().Key; got != "customerID" {
		t.Fatalf("key after import = %q, want customerID", got)
	}
	if s := screenText(m); !strings.Contains(s, "key customerID") {
		t.Fatalf("the screen does not say the key:\n%s", s)
	}

	press(t, m, "K")
	if !m.Data().KeyPickerOpen() {
		t.Fatal("K did not open the key picker")
	}
	cands := m.Data().KeyCandidates()
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
	s := screenText(m)
	for _, want := range []string{"Key of telco", "customerID", gender.Reason, surrogate.Reason, "enter make it the key"} {
		if !strings.Contains(s, want) {
			t.Errorf("the picker lacks %q:\n%s", want, s)
		}
	}
	requireFits(t, m, 120, 36, "key picker")

	// A column that can't be the key says why and changes nothing.
	g, _ := candidate(t, m, "gender")
	moveTo(t, m, g)
	press(t, m, "enter")
	if !m.Data().KeyPickerOpen() || !strings.Contains(screenText(m), "gender can't be the key") {
		t.Fatalf("choosing gender did not say why it can't be the key:\n%s", screenText(m))
	}
	if info, err := ws.Table(context.Background(), "telco"); err != nil || info.Key != "customerID" {
		t.Fatalf("after refusing gender the key is %q (%v)", info.Key, err)
	}

	moveTo(t, m, i)
	press(t, m, "enter")
	if m.Data().KeyPickerOpen() {
		t.Fatalf("the picker stayed open after setting the key:\n%s", screenText(m))
	}
	info, err := ws.Table(context.Background(), "telco")
	if err != nil || info.Key != query.SurrogateKey {
		t.Fatalf("the workspace's key is %q (%v), want %s", info.Key, err, query.SurrogateKey)
	}
	if got := m.Data().Table().Key; got != query.SurrogateKey {
		t.Fatalf("the screen's key is %q, want %s", got, query.SurrogateKey)
	}
	if !slices.ContainsFunc(m.Data().Scope().Columns, func(c query.Column) bool { return c.Name == query.SurrogateKey }) {
		t.Fatalf("the grid's columns lack the added %s: %v", query.SurrogateKey, m.Data().Scope().Columns)
	}
	if !strings.Contains(m.Notice(), "row_id is now the key of telco") {
		t.Fatalf("notice = %q", m.Notice())
	}
	if s := screenText(m); !strings.Contains(s, "key row_id") {
		t.Fatalf("the screen does not show the new key:\n%s", s)
	}

	// Back to the named column; esc then closes the picker without a change.
	press(t, m, "K")
	c, _ := candidate(t, m, "customerID")
	moveTo(t, m, c)
	press(t, m, "enter")
	if got := m.Data().Table().Key; got != "customerID" {
		t.Fatalf("key = %q after choosing customerID again", got)
	}
	press(t, m, "K", "esc")
	if m.Data().KeyPickerOpen() {
		t.Fatal("esc did not close the picker")
	}
}

func TestKeyPickerIsInThePalette(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "telco", telcoCSV(10))
	m := openModel(t, ws, "telco", 100, 30, styles.NoColor)
	for _, c := range m.Data().Commands() {
		if c.Title == "Choose the table's key" && c.KeyLabel() == "K" {
			settle(t, m, c.Run())
			if !m.Data().KeyPickerOpen() || len(m.Data().KeyCandidates()) == 0 {
				t.Fatal("the palette's command did not open the picker with its candidates")
			}
			return
		}
	}
	t.Fatal("the palette has no command to choose the key")
}
