// Package consentscreen is the Consent screen: every segment against every
// consent channel, as a matrix of contactable shares and counts on a heat
// scale, and any one segment's consent states per channel, overall and by
// jurisdiction. A table without a consent setup says so; its detail shows the
// setup segscope proposes, and a small form saves it once the analyst confirms.
package consentscreen

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/suppress"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
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
	env  *common.Env
	keys KeyMap
	task.Jobs

	width, height int
	view          view
	cols          matrixCols

	matrix *consent.Matrix
	// counted names the segment versions the matrix was counted for, so that
	// a visit after a change on the Segments screen counts it again.
	counted        string
	err            error
	cursor, offset int
	// chosen is the channel under the cursor, by name: the matrix and a
	// segment's detail may list different channels.
	chosen     string
	chanOffset int // the matrix's first channel shown

	cov    *consent.Coverage
	covErr error
	// setup is the open segment's table's proposed setup when it has none.
	setup setupState

	load, detail, save task.Slot
}

// setupState is a table without a consent setup: what segscope proposes for
// it, and the confirm form that saves the proposal.
type setupState struct {
	table       string
	proposal    *consent.Proposal
	proposalErr error // why nothing is proposed
	confirming  bool
	reason      textinput.Model
	saveErr     error
}

// New builds the Consent screen. Consent staleness is measured from env's
// clock.
func New(env *common.Env) *Model {
	m := &Model{env: env, keys: DefaultKeyMap()}
	m.Jobs = task.Jobs{&m.save, &m.load, &m.detail}
	m.setup.reason = textinput.New()
	m.setup.reason.Prompt = ""
	m.setup.reason.Placeholder = "why (kept in the audit log)"
	m.setup.reason.SetStyles(draw.InputStyles(env.Styles))
	return m
}

type matrixMsg struct {
	id      uint64
	matrix  *consent.Matrix
	counted string
	err     error
}

// coverageMsg is a segment's detail: its coverage, or for a table without a
// consent setup, what segscope proposes (table is set, cov is nil).
type coverageMsg struct {
	id          uint64
	cov         *consent.Coverage
	err         error
	table       string
	proposal    *consent.Proposal
	proposalErr error
}

// savedMsg says whether the confirmed setup was saved.
type savedMsg struct {
	id    uint64
	table string
	err   error
}

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.setup.reason.SetWidth(max(w-12, 8))
	m.relayout()
	return nil
}

// SetStyles switches theme.
func (m *Model) SetStyles(st *styles.Styles) {
	m.setup.reason.SetStyles(draw.InputStyles(st))
}

// Show counts the matrix the first time, and again when the segments have
// changed since; r counts it again at any time.
func (m *Model) Show() tea.Cmd {
	switch {
	case m.load.Running():
		return nil
	case m.matrix == nil:
		return m.recount()
	}
	// The segments as they are now tell whether the matrix still describes them.
	return m.env.ListSegments(&m.load)
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
	switch {
	case m.confirming():
		return confirmHelp(m.keys)
	case m.view == viewSegment:
		k := m.keys
		k.Setup.SetEnabled(m.canConfirm())
		return segmentHelp(k)
	}
	return m.keys
}

// CapturesText is true while the confirm form's reason is being typed.
func (m *Model) CapturesText() bool { return m.confirming() }

// confirming reports whether the confirm form is open on the shown detail.
func (m *Model) confirming() bool { return m.view == viewSegment && m.setup.confirming }

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	cmds := []common.Command{{Title: "Recount consent coverage", Key: m.keys.Recount, Run: m.recount}}
	if row, ok := m.current(); ok && m.view == viewMatrix {
		cmds = append(cmds, common.Command{Title: "Consent detail of " + row.Segment, Key: m.keys.Open, Run: m.open})
	}
	if m.canConfirm() {
		cmds = append(cmds, common.Command{Title: "Review and save the proposed consent setup of " + m.setup.table, Key: m.keys.Setup, Run: m.startConfirm})
	}
	return cmds
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case matrixMsg:
		m.onMatrix(msg)
	case common.SegmentsMsg:
		if m.load.Finish(msg.ID) && msg.Err == nil && versions(msg.Segs) != m.counted {
			return m.recount()
		}
	case coverageMsg:
		if m.detail.Finish(msg.id) {
			m.cov, m.covErr = msg.cov, msg.err
			m.setup.table, m.setup.proposal, m.setup.proposalErr = msg.table, msg.proposal, msg.proposalErr
		}
	case savedMsg:
		return m.onSaved(msg)
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
	ctx, id := m.env.Start(&m.load, "counting consent coverage")
	svc, store := m.env.Consent, m.env.Store
	load := func() tea.Msg {
		segs, err := store.List(ctx)
		if err != nil {
			return matrixMsg{id: id, err: err}
		}
		mx, err := svc.Matrix(ctx)
		return matrixMsg{id: id, matrix: mx, counted: versions(segs), err: err}
	}
	if m.view == viewSegment {
		return tea.Batch(load, m.open())
	}
	return load
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
	m.matrix, m.counted = msg.matrix, msg.counted
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
// without a consent setup, the setup segscope proposes. It asks the workspace
// rather than the matrix, which may predate a setup saved since.
func (m *Model) open() tea.Cmd {
	row, ok := m.current()
	if !ok {
		return nil
	}
	m.view, m.cov, m.covErr = viewSegment, nil, nil
	m.setup = setupState{reason: m.setup.reason}
	m.setup.reason.Reset()
	m.setup.reason.Blur()
	ctx, id := m.env.Start(&m.detail, "counting consent states of "+row.Segment)
	store, svc, lists, name := m.env.Store, m.env.Consent, suppress.New(m.env.WS), row.Segment
	return func() tea.Msg {
		c, err := store.Compile(ctx, name)
		if err != nil {
			return coverageMsg{id: id, err: err}
		}
		pop := consent.SegmentMembers(c)
		if pop.Suppressed, err = lists.Predicate(ctx, c.Table); err != nil {
			return coverageMsg{id: id, err: err}
		}
		cov, err := svc.Coverage(ctx, pop, nil)
		if !errors.Is(err, consent.ErrNotConfigured) {
			return coverageMsg{id: id, cov: cov, err: err}
		}
		msg := coverageMsg{id: id, table: c.Table}
		p, err := svc.Propose(ctx, c.Table)
		switch {
		case err == nil:
			msg.proposal = &p
		case errors.Is(err, consent.ErrNoProposal):
			msg.proposalErr = err
		default:
			msg.err = err
		}
		return msg
	}
}

// canConfirm reports whether the shown detail has a proposal to confirm.
func (m *Model) canConfirm() bool {
	return m.view == viewSegment && m.setup.proposal != nil && !m.setup.confirming && !m.save.Running()
}

// startConfirm opens the confirm form over the proposal.
func (m *Model) startConfirm() tea.Cmd {
	if !m.canConfirm() {
		return nil
	}
	m.setup.confirming, m.setup.saveErr = true, nil
	return m.setup.reason.Focus()
}

// confirmKey handles a key while the confirm form is open: enter saves the
// proposal, esc closes the form, anything else edits the reason.
func (m *Model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case msg.String() == "esc":
		m.setup.confirming, m.setup.saveErr = false, nil
		m.setup.reason.Blur()
		m.save.Cancel()
		return nil
	case key.Matches(msg, m.keys.Open):
		if m.save.Running() {
			return nil
		}
		p := m.setup.proposal
		reason := strings.TrimSpace(m.setup.reason.Value())
		if reason == "" {
			reason = "confirmed the proposed setup on the Consent screen"
		}
		ctx, id := m.env.Start(&m.save, "saving the consent setup of "+p.Config.Table)
		svc, cfg := m.env.Consent, p.Config
		return func() tea.Msg {
			_, err := svc.Setup(ctx, cfg, reason)
			return savedMsg{id: id, table: cfg.Table, err: err}
		}
	}
	var cmd tea.Cmd
	m.setup.reason, cmd = m.setup.reason.Update(msg)
	return cmd
}

// onSaved closes the form on success and counts again: the table's segments
// now have figures.
func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	if !m.save.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		m.setup.saveErr = msg.err
		return nil
	}
	m.setup.confirming = false
	m.setup.reason.Blur()
	return m.recount()
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.confirming() {
		return m.confirmKey(msg)
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Setup) && m.canConfirm():
		return m.startConfirm()
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

// channel is the channel under the cursor.
func (m *Model) channel() string {
	chs := m.channels()
	if len(chs) == 0 {
		return ""
	}
	return chs[m.channelIndex()]
}
