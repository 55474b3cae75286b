// Package task tracks the console's database jobs. Every job runs in a tea.Cmd
// with its own context; the model keeps only the job's id and cancel func, so a
// result that arrives after its job was superseded or cancelled is recognised
// by its id and dropped.
package task

import (
	"context"
	"sync/atomic"
	"time"
)

var lastID atomic.Uint64

// Slot holds at most one running job of one kind (a page fetch, a count...).
// Starting a new job cancels the previous one.
type Slot struct {
	id      uint64
	cancel  context.CancelFunc
	label   string
	started time.Time
}

// Info describes a running job for the status line.
type Info struct {
	Label   string
	Started time.Time
}

// Start cancels any running job and begins a new one whose context derives
// from parent. The returned id travels with the job's result message.
func (s *Slot) Start(parent context.Context, label string, now time.Time) (context.Context, uint64) {
	s.Cancel()
	ctx, cancel := context.WithCancel(parent)
	s.id, s.cancel, s.label, s.started = lastID.Add(1), cancel, label, now
	return ctx, s.id
}

// Finish reports whether id is the slot's running job, and if so marks it
// done. A false answer means the result is stale and must be dropped.
func (s *Slot) Finish(id uint64) bool {
	if s.cancel == nil || id != s.id {
		return false
	}
	s.cancel()
	s.cancel = nil
	return true
}

// Cancel stops the running job, if any, and reports whether there was one.
func (s *Slot) Cancel() bool {
	if s.cancel == nil {
		return false
	}
	s.cancel()
	s.cancel = nil
	return true
}

// Running reports whether a job is in flight.
func (s *Slot) Running() bool { return s.cancel != nil }

// Info describes the running job; ok is false when idle.
func (s *Slot) Info() (Info, bool) {
	if s.cancel == nil {
		return Info{}, false
	}
	return Info{Label: s.label, Started: s.started}, true
}

// First describes the first running job among slots, in the order given: a
// screen names the job the user waits for most first, since the status line
// shows only one.
func First(slots ...*Slot) (Info, bool) {
	for _, s := range slots {
		if info, ok := s.Info(); ok {
			return info, true
		}
	}
	return Info{}, false
}

// cancelAll stops every running job among slots and reports whether there was
// one. Every slot is cancelled, not just the first running one, so that Esc
// leaves the screen idle.
func cancelAll(slots ...*Slot) bool {
	cancelled := false
	for _, s := range slots {
		cancelled = s.Cancel() || cancelled
	}
	return cancelled
}

// Jobs is a screen's slots in the order the status line prefers them.
// Embedded in a screen, it gives the screen's Running and Cancel.
type Jobs []*Slot

// Running describes the first running job.
func (j Jobs) Running() (Info, bool) { return First(j...) }

// Cancel stops every running job and reports whether there was one.
func (j Jobs) Cancel() bool { return cancelAll(j...) }
