package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

// sampleSegments are defined on the fixture's customers table.
var sampleSegments = tuitest.Segments

// define stores segments at the fixed clock's times.
var define = tuitest.Define

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

// Typing in the segment editor is text: q neither quits nor switches
// screens, and a digit is not a screen's number.
func TestTypingInTheSegmentEditorIsText(t *testing.T) {
	t.Parallel()
	m := newModel(t, newWorkspace(t), 100, 30, styles.Dark)
	press(t, m, "3", "n", "q", "1")
	if m.Active() != ScreenSegments || m.env.Ctx.Err() != nil || !strings.Contains(screenText(m), "q1") {
		t.Fatalf("q or 1 typed in the editor left it:\n%s", screenText(m))
	}
}
