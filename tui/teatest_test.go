package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// probe asks the running program for a look at its model. The program's
// filter answers it on the event loop, where reading the model is safe.
type probe struct{ reply chan snapshot }

type snapshot struct {
	cursor  int64
	loaded  bool
	count   int64
	counted bool
}

func answerProbes(m tea.Model, msg tea.Msg) tea.Msg {
	p, ok := msg.(probe)
	if !ok {
		return msg
	}
	d := m.(*Model).Data()
	s := snapshot{cursor: d.Grid().Cursor(), loaded: d.RowLoaded(d.Grid().Cursor())}
	s.count, s.counted = d.FilterCount()
	p.reply <- s
	return nil
}

// waitUntil probes the program until ok holds.
func waitUntil(t *testing.T, tm *teatest.TestModel, what string, ok func(snapshot) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		reply := make(chan snapshot, 1)
		tm.Send(probe{reply: reply})
		select {
		case s := <-reply:
			if ok(s) {
				return
			}
		case <-time.After(time.Second):
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestConsoleRun drives the whole program as Bubble Tea runs it: browse,
// filter, see the count, quit.
func TestConsoleRun(t *testing.T) {
	ws := newWorkspace(t)
	m := New(context.Background(), ws, Options{Table: "customers", Now: fixedNow})
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithFilter(answerProbes)))

	waitUntil(t, tm, "the first rows", func(s snapshot) bool { return s.loaded })
	tm.Send(keyPress("j"))
	waitUntil(t, tm, "j", func(s snapshot) bool { return s.cursor == 1 })
	tm.Send(keyPress("G"))
	waitUntil(t, tm, "the last rows", func(s snapshot) bool { return s.cursor == 119 && s.loaded })
	tm.Send(keyPress("g"))
	waitUntil(t, tm, "g", func(s snapshot) bool { return s.cursor == 0 && s.loaded })

	tm.Send(keyPress("/"))
	tm.Type("plan = 'gold' and age > 30")
	waitUntil(t, tm, "the matching count", func(s snapshot) bool { return s.counted })

	tm.Send(keyPress("ctrl+c"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	golden.RequireEqual(t, final.View().Content)
}
