package segmentsscreen

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// console is the Segments screen over ws in the body of a w×h console (tabs,
// status and hints take three lines), shown, inside a harness that keeps its
// dialogs and notices as the root does.
func console(t *testing.T, ws *query.Workspace, w, h int) (*Model, *tuitest.Harness) {
	t.Helper()
	m := New(tuitest.Env(t, ws))
	m.SetSize(w, h-3)
	hs := tuitest.NewHarness(m, w, h)
	tuitest.Settle(t, hs, m.Show(), nil)
	return m, hs
}

// screenText is the screen with any dialog over it, as the console draws them.
func screenText(m *Model, hs *tuitest.Harness) string {
	return tuitest.Text(hs.Dialogs.View(m.View(), m.width))
}

func (m *Model) selected() string {
	seg, _ := m.current()
	return seg.Name
}

// emptyOfSegments is a copy of the customers fixture with its segments
// deleted: a list to add to.
func emptyOfSegments(t *testing.T) *query.Workspace {
	t.Helper()
	ws := tuitest.Customers.Open(t)
	store := segments.NewStore(ws)
	for _, d := range tuitest.Segments {
		if err := store.Delete(context.Background(), d.Name, "a test starts from none"); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

func TestSegmentsListAndNavigation(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	s, hs := console(t, ws, 100, 30)
	m := s
	if got := s.listed(); !slices.Equal(got, []string{"big_spenders", "gold_us", "young_free"}) {
		t.Fatalf("list = %v", got)
	}
	want, err := segments.NewStore(ws).Count(context.Background(), "gold_us")
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := s.sizeOf("gold_us"); !ok || n != want {
		t.Fatalf("size of gold_us = %d (%v), want %d", n, ok, want)
	}
	text := screenText(m, hs)
	for _, w := range []string{"3 segments", "gold_us", "customers", draw.Count(want), "v1", "yesterday", "the top of the spend range"} {
		if !strings.Contains(text, w) {
			t.Fatalf("the list lacks %q:\n%s", w, text)
		}
	}

	tuitest.Press(t, hs, "j", "j", "j")
	if s.selected() != "young_free" {
		t.Fatalf("after j j j the cursor is on %q", s.selected())
	}
	tuitest.Press(t, hs, "k", "g")
	if s.selected() != "big_spenders" {
		t.Fatalf("after k g the cursor is on %q", s.selected())
	}
	tuitest.Press(t, hs, "j", "enter")
	name, table, rule := s.draft()
	if !s.editing() || name != "gold_us" || table != "customers" || rule != "plan = 'gold' and country = 'US'" {
		t.Fatalf("enter opened %v %q %q %q", s.editing(), name, table, rule)
	}
	if n, ok := s.counted(); !ok || n != want {
		t.Fatalf("the editor's size = %d (%v), want %d", n, ok, want)
	}
	if !s.CapturesText() {
		t.Fatal("the editor does not take typing")
	}
	tuitest.Press(t, hs, "esc")
	if s.editing() {
		t.Fatal("esc did not go back to the list")
	}
}

func TestSegmentEditorPointsAtTheError(t *testing.T) {
	t.Parallel()
	ws := emptyOfSegments(t)
	m, hs := console(t, ws, 100, 30)
	tuitest.Press(t, hs, "n")
	tuitest.Type(t, hs, "gold_aged")
	tuitest.Press(t, hs, "tab", "tab")
	text := "plan = 'gold' and agee > 30"
	tuitest.Type(t, hs, text)
	re := m.editor.ruleError()
	if re == nil {
		t.Fatalf("no error for %q", text)
	}
	if want := strings.Index(text, "agee"); re.Pos != want {
		t.Fatalf("error at %d, want %d (%v)", re.Pos, want, re)
	}
	lines := strings.Split(screenText(m, hs), "\n")
	for i, l := range lines {
		if !strings.Contains(l, text) {
			continue
		}
		col := strings.Index(l, "agee")
		caret := lines[i+1]
		if got := strings.Index(caret, "^~~~"); got != col {
			t.Fatalf("caret at %d, want %d under agee:\n%s\n%s", got, col, l, caret)
		}
		if !strings.Contains(caret, `did you mean age`) {
			t.Fatalf("no suggestion beside the caret: %q", caret)
		}
		// Saving a wrong rule keeps the editor open and says why.
		tuitest.Press(t, hs, "ctrl+s")
		if !m.editing() || !strings.Contains(screenText(m, hs), "not saved") {
			t.Fatalf("a wrong rule was saved, or silently not:\n%s", screenText(m, hs))
		}
		if _, err := segments.NewStore(ws).Get(context.Background(), "gold_aged"); !errors.Is(err, segments.ErrNotFound) {
			t.Fatalf("store has gold_aged: %v", err)
		}
		return
	}
	t.Fatalf("the rule is not on screen:\n%s", screenText(m, hs))
}

func TestSegmentSaveCountsAndVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := emptyOfSegments(t)
	store := segments.NewStore(ws)
	s, hs := console(t, ws, 100, 30)
	m := s
	tuitest.Press(t, hs, "n")
	tuitest.Type(t, hs, "loyal_gold")
	tuitest.Press(t, hs, "tab", "tab")
	tuitest.Type(t, hs, "plan = 'gold' and age >= 40")
	live, ok := s.counted()
	if !ok {
		t.Fatal("no live size")
	}
	if !strings.Contains(screenText(m, hs), draw.Count(live)+" of 120 · ") {
		t.Fatalf("the live size is not shown:\n%s", screenText(m, hs))
	}
	tuitest.Press(t, hs, "tab")
	tuitest.Type(t, hs, "gold customers over 40")
	tuitest.Press(t, hs, "tab")
	tuitest.Type(t, hs, "first cut")
	tuitest.Press(t, hs, "ctrl+s")
	if s.editing() || !strings.Contains(hs.Notice, "Saved loyal_gold, version 1") {
		t.Fatalf("save did not return to the list with a notice: %q", hs.Notice)
	}
	stored, err := store.Count(ctx, "loyal_gold")
	if err != nil || stored != live {
		t.Fatalf("store.Count = %d, %v; the editor showed %d", stored, err, live)
	}
	if s.selected() != "loyal_gold" {
		t.Fatalf("the cursor is on %q, not the saved segment", s.selected())
	}

	// The next version, with a reason.
	tuitest.Press(t, hs, "enter", "end")
	tuitest.Type(t, hs, " and country = 'US'")
	tuitest.Press(t, hs, "tab", "tab")
	tuitest.Type(t, hs, "US only")
	tuitest.Press(t, hs, "ctrl+s")
	history, err := store.History(ctx, "loyal_gold")
	if err != nil || len(history) != 2 {
		t.Fatalf("history %+v, %v", history, err)
	}
	if v := history[1]; v.Version != 2 || v.Reason != "US only" || v.Rule != "plan = 'gold' and age >= 40 and country = 'US'" ||
		v.Description != "gold customers over 40" {
		t.Fatalf("version 2 = %+v", v)
	}

	// Its history shows both versions and what changed between them.
	tuitest.Press(t, hs, "h")
	if !(s.view == viewHistory) {
		t.Fatal("h did not open the history")
	}
	text := screenText(m, hs)
	for _, want := range []string{"History of loyal_gold", "v2", "US only", "v1", "first cut", "age >= 40 {+and country = 'US'+}"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the history lacks %q:\n%s", want, text)
		}
	}
	tuitest.Press(t, hs, "j")
	if !strings.Contains(screenText(m, hs), "The first version's rule") {
		t.Fatalf("v1 is not shown as the first version:\n%s", screenText(m, hs))
	}
	// Editing from an old version starts the next one from its rule.
	tuitest.Press(t, hs, "enter")
	if _, _, rule := s.draft(); !s.editing() || rule != "plan = 'gold' and age >= 40" {
		t.Fatalf("editing from v1 holds %q", rule)
	}
}

func TestSegmentDeleteAsksFirst(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	s, hs := console(t, ws, 100, 30)
	m := s
	tuitest.Press(t, hs, "j", "d")
	if hs.Front() != DeleteDialog || !strings.Contains(screenText(m, hs), "Delete segment gold_us?") {
		t.Fatalf("d did not ask:\n%s", screenText(m, hs))
	}
	tuitest.Press(t, hs, "n")
	if !hs.Dialogs.Empty() || len(s.listed()) != 3 {
		t.Fatal("n did not keep the segment")
	}
	tuitest.Press(t, hs, "d", "y")
	if got := s.listed(); !slices.Equal(got, []string{"big_spenders", "young_free"}) {
		t.Fatalf("after deleting gold_us the list is %v", got)
	}
	if s.selected() != "young_free" {
		t.Fatalf("the cursor moved to %q, not the next segment", s.selected())
	}
	if _, err := segments.NewStore(ws).Get(context.Background(), "gold_us"); !errors.Is(err, segments.ErrNotFound) {
		t.Fatalf("store.Get(gold_us) = %v, want ErrNotFound", err)
	}
	if !strings.Contains(hs.Notice, "Deleted gold_us") {
		t.Fatalf("notice = %q", hs.Notice)
	}
	if lines := strings.Split(screenText(m, hs), "\n"); strings.Contains(strings.Join(lines[:len(lines)-2], "\n"), "gold_us") {
		t.Fatal("the deleted segment is still on screen")
	}
}

func TestSegmentTemplateFillsTheEditor(t *testing.T) {
	t.Parallel()
	ws := emptyOfSegments(t)
	m, hs := console(t, ws, 100, 30)
	tuitest.Press(t, hs, "t")
	if hs.Front() != TemplatesDialog || !strings.Contains(screenText(m, hs), "Templates for customers") || !strings.Contains(screenText(m, hs), "High value") {
		t.Fatalf("t did not offer templates:\n%s", screenText(m, hs))
	}
	tuitest.Press(t, hs, "j", "enter") // the first, new customers, fits the signup date
	if !hs.Dialogs.Empty() {
		t.Fatal("the picker stayed open after a template was chosen")
	}
	s := m
	name, table, rule := s.draft()
	if !s.editing() || name != "high_value" || table != "customers" || !strings.HasPrefix(rule, "spend >= ") {
		t.Fatalf("template gave %v %q %q %q", s.editing(), name, table, rule)
	}
	if n, ok := s.counted(); !ok || n == 0 || n == 120 {
		t.Fatalf("the template selects %d (%v) of 120", n, ok)
	}
}

// TestTemplateNameIsFree: a template used again is named high_value_2, not
// refused at save as a name already taken.
func TestTemplateNameIsFree(t *testing.T) {
	t.Parallel()
	ws := emptyOfSegments(t)
	store := segments.NewStore(ws)
	if _, err := store.Define(context.Background(), segments.Definition{Name: "high_value", Table: "customers", Rule: "spend > 1"}); err != nil {
		t.Fatal(err)
	}
	m, hs := console(t, ws, 100, 30)
	tuitest.Press(t, hs, "t", "j", "enter")
	if name, _, _ := m.draft(); name != "high_value_2" {
		t.Fatalf("a second high value segment is named %q, want high_value_2", name)
	}
}

func TestSegmentFramesFitTheTerminal(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {160, 48}, {60, 16}, {40, 10}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			ws := tuitest.Customers.Open(t)
			m, hs := console(t, ws, size[0], size[1])
			check := func(state string) {
				t.Helper()
				tuitest.RequireFits(t, hs.Dialogs.View(m.View(), size[0]), size[0], m.height, state)
			}
			check("list")
			tuitest.Press(t, hs, "d")
			check("confirm")
			tuitest.Press(t, hs, "n", "h")
			check("history")
			tuitest.Press(t, hs, "esc", "enter", "end")
			tuitest.Type(t, hs, " and nope > 1 and plan = 'a very long value that wraps around the rule box'")
			check("editor")
			tuitest.Press(t, hs, "ctrl+t")
			check("templates")
		})
	}
}
