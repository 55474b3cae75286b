// Package consentscreen is the Consent screen: every segment against every
// consent channel, as a matrix of contactable shares and counts on a heat
// scale, and any one segment's consent states per channel, overall and by
// jurisdiction. Tables without consent data are named, with the setup command
// that gives them some.
package consentscreen

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// view is what the screen shows.
type view int

const (
	viewMatrix  view = iota
	viewSegment      // one segment's coverage, or how to set consent up for its table
)

// Model is the Consent screen.
type Model struct {
	ws     *query.Workspace
	svc    *consent.Service
	store  *segments.Store
	base   context.Context
	now    func() time.Time
	styles *styles.Styles
	keys   KeyMap

	width, height int
	view          view
	cols          matrixCols

	matrix *consent.Matrix
	// counted names the segment versions the matrix was counted for, so that
	// a visit after a change on the Segments screen counts it again.
	counted string
	// unset holds the key column of each table that has no consent data at all,
	// for the setup command.
	unset          map[string]string
	err            error
	cursor, offset int
	// chosen is the channel under the cursor, by name: the matrix and a
	// segment's detail may list different channels.
	chosen     string
	chanOffset int // the matrix's first channel shown

	cov    *consent.Coverage
	covErr error

	load, detail task.Slot
}

// New builds the Consent screen. now is the instant consent staleness is
// measured from.
func New(base context.Context, ws *query.Workspace, st *styles.Styles, now func() time.Time) *Model {
	svc := consent.New(ws)
	svc.Now = now
	return &Model{ws: ws, svc: svc, store: segments.NewStore(ws), base: base, now: now, styles: st, keys: DefaultKeyMap()}
}

type matrixMsg struct {
	id      uint64
	matrix  *consent.Matrix
	unset   map[string]string
	counted string
	err     error
}

// listedMsg brings the segments as they are now, to see whether the matrix
// still describes them.
type listedMsg struct {
	id      uint64
	version string
	err     error
}

type coverageMsg struct {
	id  uint64
	cov *consent.Coverage
	err error
}

// Init does nothing: the matrix is counted when the screen is first shown.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.relayout()
	return nil
}

// SetStyles switches theme.
func (m *Model) SetStyles(st *styles.Styles) { m.styles = st }

// Show counts the matrix the first time, and again when the segments have
// changed since; r counts it again at any time.
func (m *Model) Show() tea.Cmd {
	switch {
	case m.load.Running():
		return nil
	case m.matrix == nil:
		return m.recount()
	}
	ctx, id := m.load.Start(m.base, "reading segments", m.now())
	store := m.store
	return func() tea.Msg {
		segs, err := store.List(ctx)
		return listedMsg{id: id, version: versions(segs), err: err}
	}
}

// versions names each segment's version: a change of any segment changes it.
func versions(segs []segments.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		fmt.Fprintf(&b, "%s@%d/%s;", s.Name, s.Version, s.Table)
	}
	return b.String()
}

// Help returns the keys that apply now.
func (m *Model) Help() help.KeyMap {
	if m.view == viewSegment {
		return segmentHelp(m.keys)
	}
	return m.keys
}

// CapturesText is false: the screen has no text input.
func (m *Model) CapturesText() bool { return false }

// Running describes the count in flight, if any.
func (m *Model) Running() (task.Info, bool) { return task.First(&m.load, &m.detail) }

// Cancel stops the counts in flight.
func (m *Model) Cancel() bool { return task.CancelAll(&m.load, &m.detail) }

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	cmds := []common.Command{{Title: "Recount consent coverage", Keys: "r", Run: m.recount}}
	if row, ok := m.current(); ok && m.view == viewMatrix {
		cmds = append(cmds, common.Command{Title: "Consent detail of " + row.Segment, Keys: "enter", Run: m.open})
	}
	return cmds
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case matrixMsg:
		m.onMatrix(msg)
	case listedMsg:
		if m.load.Finish(msg.id) && msg.err == nil && msg.version != m.counted {
			return m.recount()
		}
	case coverageMsg:
		if m.detail.Finish(msg.id) {
			m.cov, m.covErr = msg.cov, msg.err
		}
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseClickMsg:
		m.onClick(msg.Mouse())
	case tea.MouseWheelMsg:
		if msg.Mouse().Button == tea.MouseWheelUp {
			return m.move(-1)
		}
		return m.move(1)
	}
	return nil
}

// recount counts the matrix again, and the open segment's detail with it.
func (m *Model) recount() tea.Cmd {
	ctx, id := m.load.Start(m.base, "counting consent coverage", m.now())
	ws, svc, store := m.ws, m.svc, m.store
	load := func() tea.Msg {
		segs, err := store.List(ctx)
		if err != nil {
			return matrixMsg{id: id, err: err}
		}
		mx, err := svc.Matrix(ctx)
		if err != nil {
			return matrixMsg{id: id, err: err}
		}
		unset, err := unconfigured(ctx, ws, svc, mx)
		return matrixMsg{id: id, matrix: mx, unset: unset, counted: versions(segs), err: err}
	}
	if m.view == viewSegment {
		return tea.Batch(load, m.open())
	}
	return load
}

// unconfigured finds the tables of the matrix that have no consent data, and
// their key columns.
func unconfigured(ctx context.Context, ws *query.Workspace, svc *consent.Service, mx *consent.Matrix) (map[string]string, error) {
	out := map[string]string{}
	checked := map[string]bool{}
	for _, r := range mx.Rows {
		if r.Problem == "" || checked[r.Table] {
			continue
		}
		checked[r.Table] = true
		_, err := svc.Config(ctx, r.Table)
		switch {
		case errors.Is(err, consent.ErrNotConfigured):
			info, err := ws.Table(ctx, r.Table)
			if err != nil {
				return nil, err
			}
			out[r.Table] = info.Key
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
	}
	return out, nil
}

func (m *Model) onMatrix(msg matrixMsg) {
	if !m.load.Finish(msg.id) {
		return
	}
	m.err = msg.err
	if msg.err != nil {
		return
	}
	name := ""
	if row, ok := m.current(); ok {
		name = row.Segment
	}
	m.matrix, m.unset, m.counted = msg.matrix, msg.unset, msg.counted
	for i, r := range m.matrix.Rows {
		if r.Segment == name {
			m.cursor = i
		}
	}
	m.relayout()
	m.follow()
}

// current is the matrix row under the cursor.
func (m *Model) current() (consent.MatrixRow, bool) {
	if m.matrix == nil || m.cursor < 0 || m.cursor >= len(m.matrix.Rows) {
		return consent.MatrixRow{}, false
	}
	return m.matrix.Rows[m.cursor], true
}

// open shows the segment under the cursor: its coverage, or for a table
// without consent data, how to set it up.
func (m *Model) open() tea.Cmd {
	row, ok := m.current()
	if !ok {
		return nil
	}
	m.view, m.cov, m.covErr = viewSegment, nil, nil
	if _, unset := m.unset[row.Table]; unset {
		m.detail.Cancel()
		return nil
	}
	ctx, id := m.detail.Start(m.base, "counting consent states of "+row.Segment, m.now())
	store, svc, name := m.store, m.svc, row.Segment
	return func() tea.Msg {
		c, err := store.Compile(ctx, name)
		if err != nil {
			return coverageMsg{id: id, err: err}
		}
		cov, err := svc.Coverage(ctx, consent.SegmentMembers(c), nil)
		return coverageMsg{id: id, cov: cov, err: err}
	}
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Recount):
		return m.recount()
	case key.Matches(msg, k.Back) && m.view == viewSegment:
		m.view = viewMatrix
		m.detail.Cancel()
	case key.Matches(msg, k.Open) && m.view == viewMatrix:
		return m.open()
	case key.Matches(msg, k.Left):
		m.stepChannel(-1)
	case key.Matches(msg, k.Right):
		m.stepChannel(1)
	case key.Matches(msg, k.Up):
		return m.move(-1)
	case key.Matches(msg, k.Down):
		return m.move(1)
	case key.Matches(msg, k.First):
		return m.move(-len(m.rows()))
	case key.Matches(msg, k.Last):
		return m.move(len(m.rows()))
	}
	return nil
}

// move shifts the cursor by delta segments; on a segment's detail, the
// detail follows.
func (m *Model) move(delta int) tea.Cmd {
	before := m.cursor
	m.cursor += delta
	m.follow()
	if m.view == viewSegment && m.cursor != before {
		return m.open()
	}
	return nil
}

func (m *Model) rows() []consent.MatrixRow {
	if m.matrix == nil {
		return nil
	}
	return m.matrix.Rows
}

// channels are the channels of the open view: the segment's coverage on its
// detail, else the matrix's.
func (m *Model) channels() []string {
	if m.view == viewSegment && m.cov != nil {
		out := make([]string, len(m.cov.Channels))
		for i, c := range m.cov.Channels {
			out[i] = c.Channel
		}
		return out
	}
	if m.matrix == nil {
		return nil
	}
	return m.matrix.Channels
}

// Matrix is the counted matrix, for tests.
func (m *Model) Matrix() *consent.Matrix { return m.matrix }

// Coverage is the open segment's coverage, for tests.
func (m *Model) Coverage() (*consent.Coverage, error) { return m.cov, m.covErr }

// InSegment reports whether a segment's detail is shown.
func (m *Model) InSegment() bool { return m.view == viewSegment }

// channelIndex is the chosen channel's place in the open view's channels
// (the first when it is not among them).
func (m *Model) channelIndex() int {
	for i, c := range m.channels() {
		if c == m.chosen {
			return i
		}
	}
	return 0
}

func (m *Model) stepChannel(delta int) {
	chs := m.channels()
	if len(chs) == 0 {
		return
	}
	m.chosen = chs[max(min(m.channelIndex()+delta, len(chs)-1), 0)]
	m.follow()
}

// Channel is the channel under the cursor.
func (m *Model) Channel() string {
	chs := m.channels()
	if len(chs) == 0 {
		return ""
	}
	return chs[m.channelIndex()]
}
