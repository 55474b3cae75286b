package common

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// Env is what every screen is given, one value shared by all: the console's
// context (quitting cancels it and every job derived from it), the workspace
// and the services over it, the theme, the clock and the version. The root
// replaces Styles when the terminal's background changes; screens read it
// when they draw.
type Env struct {
	Ctx     context.Context
	WS      *query.Workspace
	Store   *segments.Store
	Consent *consent.Service
	Styles  *styles.Styles
	Now     func() time.Time
	Version string
	// AsOf is the workspace's as-of time, which ago() and the windows of
	// event conditions count back from; zero means now. The root reads it
	// (ReadAsOf) as the console opens, when a screen is shown and after an
	// event table's setup, and the status line shows it on every screen, so
	// no screen keeps a copy.
	AsOf time.Time
}

// NewEnv builds the environment over ws; now is the clock (nil for
// time.Now), which the consent service measures staleness from too.
func NewEnv(ctx context.Context, ws *query.Workspace, st *styles.Styles, now func() time.Time, version string) *Env {
	if now == nil {
		now = time.Now
	}
	svc := consent.New(ws)
	svc.Now = now
	return &Env{Ctx: ctx, WS: ws, Store: segments.NewStore(ws), Consent: svc, Styles: st, Now: now, Version: version}
}

// Start begins a job in slot under the console's context, labelled for the
// status line.
func (e *Env) Start(slot *task.Slot, label string) (context.Context, uint64) {
	return slot.Start(e.Ctx, label, e.Now())
}

// Notice is a command that puts text in the status line.
func Notice(text string) tea.Cmd {
	return func() tea.Msg { return NoticeMsg{Text: text} }
}

// Fail is a command that puts err in the status line as an error.
func Fail(err error) tea.Cmd {
	return func() tea.Msg { return NoticeMsg{Err: err} }
}

// AsOfMsg is the result of ReadAsOf.
type AsOfMsg struct {
	ID   uint64
	AsOf time.Time
	Err  error
}

// ReadAsOf reads the workspace's as-of time as slot's job.
func (e *Env) ReadAsOf(slot *task.Slot) tea.Cmd {
	ctx, id := e.Start(slot, "reading the as-of time")
	ws := e.WS
	return func() tea.Msg {
		t, err := events.AsOf(ctx, ws)
		return AsOfMsg{ID: id, AsOf: t, Err: err}
	}
}

// SegmentsMsg is the result of ListSegments. Like every result it reaches
// every screen; only the one whose slot started the job (ID) takes it.
type SegmentsMsg struct {
	ID   uint64
	Segs []segments.Segment
	Err  error
}

// ListSegments reads the workspace's segments as slot's job: the screens
// that offer segments read them again when shown, since the Segments screen
// may have changed them.
func (e *Env) ListSegments(slot *task.Slot) tea.Cmd {
	ctx, id := e.Start(slot, "reading segments")
	store := e.Store
	return func() tea.Msg {
		segs, err := store.List(ctx)
		return SegmentsMsg{ID: id, Segs: segs, Err: err}
	}
}

// SegmentList is a screen's copy of the workspace's segments, read again each
// time the screen is shown: the Segments screen may have changed them.
type SegmentList struct {
	List   []segments.Segment
	Loaded bool
	// Err is why the last read failed; the list read before it stays.
	Err error
	Job task.Slot
}

// Reload reads the segments as the list's job.
func (l *SegmentList) Reload(env *Env) tea.Cmd { return env.ListSegments(&l.Job) }

// Take adopts msg if it answers the list's latest read, and reports whether
// the list was replaced: a stale answer is dropped and a failed read only
// sets Err.
func (l *SegmentList) Take(msg SegmentsMsg) bool {
	if !l.Job.Finish(msg.ID) {
		return false
	}
	if msg.Err != nil {
		l.Err = msg.Err
		return false
	}
	l.List, l.Loaded, l.Err = msg.Segs, true, nil
	return true
}
