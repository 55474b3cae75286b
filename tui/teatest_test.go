package tui

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// probe asks the running program for a look S at its model. The program's
// filter answers it on the event loop, where reading the model is safe.
type probe[S any] struct{ reply chan S }

// answerProbes is a program filter that answers probes for S with look.
func answerProbes[S any](look func(*Model) S) func(tea.Model, tea.Msg) tea.Msg {
	return func(m tea.Model, msg tea.Msg) tea.Msg {
		p, ok := msg.(probe[S])
		if !ok {
			return msg
		}
		p.reply <- look(m.(*Model))
		return nil
	}
}

// waitUntil probes the program until ok holds.
func waitUntil[S any](t *testing.T, tm *teatest.TestModel, what string, ok func(S) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		reply := make(chan S, 1)
		tm.Send(probe[S]{reply: reply})
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

// snapshot is the Data screen, as drawn, that the console run waits on.
type snapshot struct {
	cursor  int64 // the footer's row, from 0; -1 before there is one
	loaded  bool  // the cursor's row shows its key, not placeholders
	counted bool  // the filter bar shows how many rows its rule matches
}

var footerRow = regexp.MustCompile(`row (\d+) of`)

// keyCell matches the grid's row whose key is key: in the customers fixture
// the key of row i is i+1.
func keyCell(key int64) *regexp.Regexp {
	return regexp.MustCompile(`│ +` + strconv.FormatInt(key, 10) + ` │`)
}

func lookData(m *Model) snapshot {
	text := screenText(m)
	s := snapshot{cursor: -1, counted: strings.Contains(text, " of 120 match")}
	if f := footerRow.FindStringSubmatch(text); f != nil {
		row, _ := strconv.ParseInt(f[1], 10, 64)
		s.cursor, s.loaded = row-1, keyCell(row).MatchString(text)
	}
	return s
}

// TestConsoleRun drives the whole program as Bubble Tea runs it: browse,
// filter, see the count, quit.
func TestConsoleRun(t *testing.T) {
	t.Parallel()
	ws := newWorkspace(t)
	m := New(context.Background(), ws, Options{Table: "customers", Now: fixedNow})
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithFilter(answerProbes(lookData))))

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
