package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/datascreen"
	"github.com/segscope/segscope/tui/eventsetup"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

// statusRow is the status line as drawn: the frame's last row but the hints.
func statusRow(m *Model) string {
	lines := strings.Split(screenText(m), "\n")
	return lines[len(lines)-2]
}

func TestAsOfInTheStatusLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := tuitest.Purchases.Open(t)
	m := openModel(t, ws, "customers", 120, 30, styles.NoColor)
	if strings.Contains(statusRow(m), "as of") {
		t.Fatalf("a workspace without an as-of time shows one: %q", statusRow(m))
	}
	if err := events.SetAsOf(ctx, ws, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "test"); err != nil {
		t.Fatal(err)
	}
	// Set from the command line meanwhile: the next screen shown reads it.
	for _, s := range []string{"3", "4", "5", "6", "1"} {
		press(t, m, s)
		if !strings.Contains(statusRow(m), "as of 2026-11-01") {
			t.Fatalf("screen %s's status line lacks the as-of time: %q", s, statusRow(m))
		}
	}
	if err := events.SetAsOf(ctx, ws, time.Time{}, "back to now"); err != nil {
		t.Fatal(err)
	}
	press(t, m, "2")
	if strings.Contains(statusRow(m), "as of") {
		t.Fatalf("now again, yet the status line says %q", statusRow(m))
	}
}

func TestEventsSetupFromThePaletteToATimeline(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	m := openModel(t, ws, "purchases", 120, 30, styles.NoColor)
	press(t, m, "ctrl+p")
	typeText(t, m, "set up an event")
	press(t, m, "enter")
	if f := m.dialogs.Front(); f == nil || f.ID() != eventsetup.DialogID {
		t.Fatalf("the palette opened %v", f)
	}
	tuitest.MustShow(t, screenText(m), "Set up an event table", "Key       customer_id", "Audience  customers")
	press(t, m, "enter")
	if !m.dialogs.Empty() || !strings.Contains(m.notice, "purchases: 358 events of 103 customers") {
		t.Fatalf("after the setup: dialogs %v, notice %q", m.dialogs.Front(), m.notice)
	}
	tuitest.MustShow(t, screenText(m), "360 rows · events of")
	// The audience's people now have timelines.
	press(t, m, "ctrl+p")
	typeText(t, m, "open table customers")
	press(t, m, "enter", "j", "enter")
	if f := m.dialogs.Front(); f == nil || f.ID() != datascreen.TimelineDialog {
		t.Fatalf("enter on a customer opened %v", f)
	}
	tuitest.MustShow(t, screenText(m), "Events of customer_id 2", "2 events, newest first")
	requireFits(t, m, 120, 30, "timeline")
	press(t, m, "esc")
	if !m.dialogs.Empty() {
		t.Fatal("esc left the timeline open")
	}
}

// The form and the timeline fit the smallest terminals the console draws in.
func TestEventDialogsFitSmallTerminals(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	tuitest.SetUpPurchases(t, ws)
	for _, size := range [][2]int{{80, 24}, {60, 16}, {40, 10}} {
		m := openModel(t, ws, "customers", size[0], size[1], styles.Dark)
		press(t, m, "j", "enter")
		if f := m.dialogs.Front(); f == nil || f.ID() != datascreen.TimelineDialog {
			t.Fatalf("%v: enter opened %v", size, f)
		}
		requireFits(t, m, size[0], size[1], "timeline")
		press(t, m, "esc", "ctrl+p")
		typeText(t, m, "set up an event")
		press(t, m, "enter")
		requireFits(t, m, size[0], size[1], "events setup form")
	}
}

// "events", the CLI's word (segscope events setup), finds the setup in the
// palette, as "set up an event" does.
func TestPaletteFindsEventsSetupByTheCLIsWord(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	m := openModel(t, ws, "customers", 120, 30, styles.NoColor)
	press(t, m, "ctrl+p")
	typeText(t, m, "events setup")
	press(t, m, "enter")
	if f := m.dialogs.Front(); f == nil || f.ID() != eventsetup.DialogID {
		t.Fatalf("the palette opened %v:\n%s", f, screenText(m))
	}
}
