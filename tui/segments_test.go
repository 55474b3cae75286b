package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/segmentsscreen"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

// sampleSegments are defined on the fixture's customers table.
var sampleSegments = tuitest.Segments

// define stores segments at the fixed clock's times.
var define = tuitest.Define

func TestSegmentsListAndNavigation(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	define(t, ws, sampleSegments...)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "3")
	s := m.Segments()
	if m.Active() != ScreenSegments {
		t.Fatalf("3 showed %v", m.Active())
	}
	if got := s.Names(); !slices.Equal(got, []string{"big_spenders", "gold_us", "young_free"}) {
		t.Fatalf("list = %v", got)
	}
	want, err := segments.NewStore(ws).Count(context.Background(), "gold_us")
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := s.Size("gold_us"); !ok || n != want {
		t.Fatalf("size of gold_us = %d (%v), want %d", n, ok, want)
	}
	text := screenText(m)
	for _, w := range []string{"3 segments", "gold_us", "customers", common.Count(want), "v1", "yesterday", "the top of the spend range"} {
		if !strings.Contains(text, w) {
			t.Fatalf("the list lacks %q:\n%s", w, text)
		}
	}

	press(t, m, "j", "j", "j")
	if s.Selected() != "young_free" {
		t.Fatalf("after j j j the cursor is on %q", s.Selected())
	}
	press(t, m, "k", "g")
	if s.Selected() != "big_spenders" {
		t.Fatalf("after k g the cursor is on %q", s.Selected())
	}
	press(t, m, "j", "enter")
	name, table, rule := s.Draft()
	if !s.Editing() || name != "gold_us" || table != "customers" || rule != "plan = 'gold' and country = 'US'" {
		t.Fatalf("enter opened %v %q %q %q", s.Editing(), name, table, rule)
	}
	if n, ok := s.Preview(); !ok || n != want {
		t.Fatalf("the editor's size = %d (%v), want %d", n, ok, want)
	}
	// Typing in the editor is text: q neither quits nor switches screens.
	press(t, m, "q", "1")
	if m.Active() != ScreenSegments || m.env.Ctx.Err() != nil {
		t.Fatal("q or 1 typed in the editor left it")
	}
	press(t, m, "esc")
	if s.Editing() {
		t.Fatal("esc did not go back to the list")
	}
}

func TestSegmentEditorPointsAtTheError(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "3", "n")
	typeText(t, m, "gold_aged")
	press(t, m, "tab", "tab")
	text := "plan = 'gold' and agee > 30"
	typeText(t, m, text)
	re := m.Segments().RuleError()
	if re == nil {
		t.Fatalf("no error for %q", text)
	}
	if want := strings.Index(text, "agee"); re.Pos != want {
		t.Fatalf("error at %d, want %d (%v)", re.Pos, want, re)
	}
	lines := strings.Split(screenText(m), "\n")
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
		press(t, m, "ctrl+s")
		if !m.Segments().Editing() || !strings.Contains(screenText(m), "not saved") {
			t.Fatalf("a wrong rule was saved, or silently not:\n%s", screenText(m))
		}
		if _, err := segments.NewStore(ws).Get(context.Background(), "gold_aged"); !errors.Is(err, segments.ErrNotFound) {
			t.Fatalf("store has gold_aged: %v", err)
		}
		return
	}
	t.Fatalf("the rule is not on screen:\n%s", screenText(m))
}

func TestSegmentSaveCountsAndVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := newWorkspace(t)
	store := segments.NewStore(ws)
	m := newModel(t, ws, 100, 30, styles.NoColor)
	s := m.Segments()
	press(t, m, "3", "n")
	typeText(t, m, "loyal_gold")
	press(t, m, "tab", "tab")
	typeText(t, m, "plan = 'gold' and age >= 40")
	live, ok := s.Preview()
	if !ok {
		t.Fatal("no live size")
	}
	if !strings.Contains(screenText(m), common.Count(live)+" of 120 · ") {
		t.Fatalf("the live size is not shown:\n%s", screenText(m))
	}
	press(t, m, "tab")
	typeText(t, m, "gold customers over 40")
	press(t, m, "tab")
	typeText(t, m, "first cut")
	press(t, m, "ctrl+s")
	if s.Editing() || !strings.Contains(m.Notice(), "Saved loyal_gold, version 1") {
		t.Fatalf("save did not return to the list with a notice: %q", m.Notice())
	}
	stored, err := store.Count(ctx, "loyal_gold")
	if err != nil || stored != live {
		t.Fatalf("store.Count = %d, %v; the editor showed %d", stored, err, live)
	}
	if s.Selected() != "loyal_gold" {
		t.Fatalf("the cursor is on %q, not the saved segment", s.Selected())
	}

	// The next version, with a reason.
	press(t, m, "enter", "end")
	typeText(t, m, " and country = 'US'")
	press(t, m, "tab", "tab")
	typeText(t, m, "US only")
	press(t, m, "ctrl+s")
	history, err := store.History(ctx, "loyal_gold")
	if err != nil || len(history) != 2 {
		t.Fatalf("history %+v, %v", history, err)
	}
	if v := history[1]; v.Version != 2 || v.Reason != "US only" || v.Rule != "plan = 'gold' and age >= 40 and country = 'US'" ||
		v.Description != "gold customers over 40" {
		t.Fatalf("version 2 = %+v", v)
	}

	// Its history shows both versions and what changed between them.
	press(t, m, "h")
	if !s.InHistory() {
		t.Fatal("h did not open the history")
	}
	text := screenText(m)
	for _, want := range []string{"History of loyal_gold", "v2", "US only", "v1", "first cut", "age >= 40 {+and country = 'US'+}"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the history lacks %q:\n%s", want, text)
		}
	}
	press(t, m, "j")
	if !strings.Contains(screenText(m), "The first version's rule") {
		t.Fatalf("v1 is not shown as the first version:\n%s", screenText(m))
	}
	// Editing from an old version starts the next one from its rule.
	press(t, m, "enter")
	if _, _, rule := s.Draft(); !s.Editing() || rule != "plan = 'gold' and age >= 40" {
		t.Fatalf("editing from v1 holds %q", rule)
	}
}

func TestSegmentDeleteAsksFirst(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	define(t, ws, sampleSegments...)
	m := newModel(t, ws, 100, 30, styles.Dark)
	s := m.Segments()
	press(t, m, "3", "j", "d")
	if !m.dialogs.Has(segmentsscreen.DeleteDialog) || !strings.Contains(screenText(m), "Delete segment gold_us?") {
		t.Fatalf("d did not ask:\n%s", screenText(m))
	}
	press(t, m, "n")
	if !m.dialogs.Empty() || len(s.Names()) != 3 {
		t.Fatal("n did not keep the segment")
	}
	press(t, m, "d", "y")
	if got := s.Names(); !slices.Equal(got, []string{"big_spenders", "young_free"}) {
		t.Fatalf("after deleting gold_us the list is %v", got)
	}
	if s.Selected() != "young_free" {
		t.Fatalf("the cursor moved to %q, not the next segment", s.Selected())
	}
	if _, err := segments.NewStore(ws).Get(context.Background(), "gold_us"); !errors.Is(err, segments.ErrNotFound) {
		t.Fatalf("store.Get(gold_us) = %v, want ErrNotFound", err)
	}
	if !strings.Contains(m.Notice(), "Deleted gold_us") {
		t.Fatalf("notice = %q", m.Notice())
	}
	if lines := strings.Split(screenText(m), "\n"); strings.Contains(strings.Join(lines[:len(lines)-2], "\n"), "gold_us") {
		t.Fatal("the deleted segment is still on screen")
	}
}

func TestSaveFilterAsSegment(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "S")
	if m.Active() != ScreenData || !strings.Contains(m.Notice(), "apply a filter first") {
		t.Fatalf("S without a filter: %v %q", m.Active(), m.Notice())
	}
	rule := "country = 'DE' and spend > 100"
	press(t, m, "/")
	typeText(t, m, rule)
	press(t, m, "enter", "S")
	s := m.Segments()
	name, table, got := s.Draft()
	if m.Active() != ScreenSegments || !s.Editing() || name != "" || table != "customers" || got != rule {
		t.Fatalf("S landed on %v editing=%v with %q %q %q", m.Active(), s.Editing(), name, table, got)
	}
	if n, ok := s.Preview(); !ok || n != m.Data().Scope().Matching {
		t.Fatalf("the editor counts %d (%v), the filter %d", n, ok, m.Data().Scope().Matching)
	}
	typeText(t, m, "de_spenders")
	press(t, m, "ctrl+s")
	if !slices.Contains(s.Names(), "de_spenders") {
		t.Fatalf("list after save: %v", s.Names())
	}

	// The Slice screen hands over the same filter.
	press(t, m, "2", "S")
	if _, _, got := s.Draft(); m.Active() != ScreenSegments || !s.Editing() || got != rule {
		t.Fatalf("S on Slice: %v %q", m.Active(), got)
	}
}

func TestSegmentTemplateFillsTheEditor(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "3", "t")
	if !strings.Contains(screenText(m), "Templates for customers") || !strings.Contains(screenText(m), "High value") {
		t.Fatalf("t did not offer templates:\n%s", screenText(m))
	}
	press(t, m, "j", "enter") // the first, new customers, fits the signup date
	s := m.Segments()
	name, table, rule := s.Draft()
	if !s.Editing() || name != "high_value" || table != "customers" || !strings.HasPrefix(rule, "spend >= ") {
		t.Fatalf("template gave %v %q %q %q", s.Editing(), name, table, rule)
	}
	if n, ok := s.Preview(); !ok || n == 0 || n == 120 {
		t.Fatalf("the template selects %d (%v) of 120", n, ok)
	}
}

func TestSegmentFramesFitTheTerminal(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	define(t, ws, sampleSegments...)
	for _, size := range [][2]int{{80, 24}, {160, 48}, {60, 16}, {40, 10}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			m := newModel(t, ws, size[0], size[1], styles.Dark)
			check := func(state string) {
				t.Helper()
				requireFits(t, m, size[0], size[1], state)
			}
			press(t, m, "3")
			check("list")
			press(t, m, "d")
			check("confirm")
			press(t, m, "n", "h")
			check("history")
			press(t, m, "esc", "enter", "end")
			typeText(t, m, " and nope > 1 and plan = 'a very long value that wraps around the rule box'")
			check("editor")
			press(t, m, "ctrl+t")
			check("templates")
		})
	}
}
