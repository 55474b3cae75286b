package common

import (
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
)

// DebounceWait is how long edits must pause before the work they call for is
// done again: shorter than a person notices, longer than a keystroke.
const DebounceWait = 150 * time.Millisecond

// lastEdit numbers edits across the console, so that a screen never takes
// another screen's tick for its own.
var lastEdit atomic.Uint64

// Debounce turns a burst of edits into one piece of work, done once they
// pause.
type Debounce struct{ edit uint64 }

// DebounceMsg arrives DebounceWait after an edit. Like every result it goes to
// every screen; only the Debounce whose latest edit it marks accepts it.
type DebounceMsg struct{ edit uint64 }

// Edit notes an edit, making the ticks of earlier ones stale, and returns the
// tick for this one.
func (d *Debounce) Edit() tea.Cmd {
	d.edit = lastEdit.Add(1)
	edit := d.edit
	return tea.Tick(DebounceWait, func(time.Time) tea.Msg { return DebounceMsg{edit: edit} })
}

// Settled reports whether msg is the tick of d's latest edit: the edits have
// paused.
func (d *Debounce) Settled(msg DebounceMsg) bool { return msg.edit == d.edit }
