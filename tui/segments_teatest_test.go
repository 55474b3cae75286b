package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/segscope/segscope/segments"
)

// segSnapshot is how the save-as-segment journey is going: the visible
// screen, the Data screen's filter, and the frame.
type segSnapshot struct {
	active Screen
	filter string
	text   string
}

func lookSegments(root *Model) segSnapshot {
	return segSnapshot{active: root.active, filter: root.data.Scope().Rule, text: screenText(root)}
}

// TestSaveAsSegmentRun drives the program as Bubble Tea runs it: filter the
// data, save the filter as a segment, find it in the list, quit.
func TestSaveAsSegmentRun(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := New(context.Background(), ws, Options{Table: "customers", Now: fixedNow})
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithFilter(answerProbes(lookSegments))))

	const rule = "plan = 'gold' and age > 30"
	waitUntil(t, tm, "the first rows", func(s segSnapshot) bool { return keyCell(1).MatchString(s.text) })
	tm.Send(keyPress("/"))
	tm.Type(rule)
	waitUntil(t, tm, "the matching count", func(s segSnapshot) bool { return strings.Contains(s.text, " of 120 match") })
	tm.Send(keyPress("enter"))
	waitUntil(t, tm, "the filter", func(s segSnapshot) bool { return s.filter == rule })

	tm.Send(keyPress("S"))
	waitUntil(t, tm, "the editor", func(s segSnapshot) bool {
		return s.active == ScreenSegments && strings.Contains(s.text, "New segment") && strings.Contains(s.text, "│ "+rule+" ")
	})
	tm.Type("gold_over_30")
	tm.Send(keyPress("ctrl+s"))
	waitUntil(t, tm, "the saved segment in the list", func(s segSnapshot) bool {
		return s.active == ScreenSegments && sizedRow("gold_over_30").MatchString(s.text)
	})

	tm.Send(keyPress("ctrl+c"))
	tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	seg, err := segments.NewStore(ws).Get(context.Background(), "gold_over_30")
	if err != nil || seg.Rule != rule || seg.Table != "customers" {
		t.Fatalf("stored %+v, %v", seg, err)
	}
}
