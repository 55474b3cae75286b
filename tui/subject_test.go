package tui

import (
	"testing"

	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/subjectform"
	"github.com/segscope/segscope/tui/tuitest"
)

// The palette's Subject action opens the request on any screen, over the
// frame, and its answer is the root's to route.
func TestSubjectFromThePalette(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	m := openModel(t, ws, "customers", 120, 36, styles.NoColor)
	press(t, m, "3") // the Segments screen: the action is everyone's
	press(t, m, "ctrl+p")
	typeText(t, m, "subject")
	press(t, m, "enter")
	if f := m.dialogs.Front(); f == nil || f.ID() != subjectform.DialogID {
		t.Fatalf("the palette opened %v", f)
	}
	typeText(t, m, "bruno.roux1@example.com")
	press(t, m, "enter")
	tuitest.MustShow(t, screenText(m), "Subject request", "customers · 1 row · keys 1", "masked: ctrl+r reveals")
	requireFits(t, m, 120, 36, "subject request")
	press(t, m, "esc")
	if !m.dialogs.Empty() {
		t.Fatal("esc left the request open")
	}
}
