package tui

import (
	"context"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/segscope/segscope/segments"
)

// segSnapshot is how the save-as-segment journey is going.
type segSnapshot struct {
	loaded   bool
	active   Screen
	filter   string
	counted  bool
	editing  bool
	draft    string
	segments []string
	sized    bool
}

func lookSegments(root *Model) segSnapshot {
	s := root.Segments()
	snap := segSnapshot{loaded: root.Data().RowLoaded(0), active: root.Active(), filter: root.Data().Filter(), editing: s.Editing(), segments: s.Names()}
	_, snap.counted = root.Data().FilterCount()
	_, _, snap.draft = s.Draft()
	_, snap.sized = s.Size("gold_over_30")
	return snap
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
	waitUntil(t, tm, "the first rows", func(s segSnapshot) bool { return s.loaded })
	tm.Send(keyPress("/"))
	tm.Type(rule)
	waitUntil(t, tm, "the matching count", func(s segSnapshot) bool { return s.counted })
	tm.Send(keyPress("enter"))
	waitUntil(t, tm, "the filter", func(s segSnapshot) bool { return s.filter == rule })

	tm.Send(keyPress("S"))
	waitUntil(t, tm, "the editor", func(s segSnapshot) bool {
		return s.active == ScreenSegments && s.editing && s.draft == rule
	})
	tm.Type("gold_over_30")
	tm.Send(keyPress("ctrl+s"))
	waitUntil(t, tm, "the saved segment in the list", func(s segSnapshot) bool {
		return !s.editing && slices.Contains(s.segments, "gold_over_30") && s.sized
	})

	tm.Send(keyPress("ctrl+c"))
	tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	seg, err := segments.NewStore(ws).Get(context.Background(), "gold_over_30")
	if err != nil || seg.Rule != rule || seg.Table != "customers" {
		t.Fatalf("stored %+v, %v", seg, err)
	}
}
