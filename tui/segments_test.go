package tui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

// sizedRow matches name's row in the segment list once its size is counted:
// the root's tests see the Segments screen only as drawn.
func sizedRow(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^ *▸? ` + regexp.QuoteMeta(name) + ` +\w+ +\d[\d,]* +\d`)
}

// sampleSegments are defined on the fixture's customers table.
var sampleSegments = tuitest.Segments

// define stores segments at the fixed clock's times.
var define = tuitest.Define

func TestSaveFilterAsSegment(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "S")
	if m.active != ScreenData || !strings.Contains(m.notice, "apply a filter first") {
		t.Fatalf("S without a filter: %v %q", m.active, m.notice)
	}
	rule := "country = 'DE' and spend > 100"
	press(t, m, "/")
	typeText(t, m, rule)
	press(t, m, "enter", "S")
	matching := m.data.Scope().Matching
	// The editor shows a new segment (no name yet) on customers with the rule,
	// counted as the filter was.
	if m.active != ScreenSegments {
		t.Fatalf("S landed on %v:\n%s", m.active, screenText(m))
	}
	tuitest.MustShow(t, screenText(m), "New segment", "Name         lowercase_name", "Table        customers ",
		"│ "+rule+" ", "Size         "+draw.Count(matching)+" of 120 ·")
	typeText(t, m, "de_spenders")
	press(t, m, "ctrl+s")
	if !sizedRow("de_spenders").MatchString(screenText(m)) {
		t.Fatalf("list after save:\n%s", screenText(m))
	}

	// The Slice screen hands over the same filter.
	press(t, m, "2", "S")
	if m.active != ScreenSegments || !strings.Contains(screenText(m), "│ "+rule+" ") {
		t.Fatalf("S on Slice: %v\n%s", m.active, screenText(m))
	}
}

// Typing in the segment editor is text: q neither quits nor switches
// screens, and a digit is not a screen's number.
func TestTypingInTheSegmentEditorIsText(t *testing.T) {
	t.Parallel()
	m := newModel(t, newWorkspace(t), 100, 30, styles.Dark)
	press(t, m, "3", "n", "q", "1")
	if m.active != ScreenSegments || m.env.Ctx.Err() != nil || !strings.Contains(screenText(m), "q1") {
		t.Fatalf("q or 1 typed in the editor left it:\n%s", screenText(m))
	}
}
