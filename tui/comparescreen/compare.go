// Package comparescreen is the Compare screen: two segments of one table, or a
// segment and the rest of its table, side by side — their sizes and overlap,
// then the columns that tell them apart ranked by effect size, and any one
// column in detail.
package comparescreen

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/task"
)

// view is what the screen shows.
type view int

const (
	viewPick   view = iota // choosing A and B
	viewRanked             // the columns, most different first
	viewColumn             // one column in detail
)

// side is one of the two lists of the picker.
type side int

const (
	sideA side = iota
	sideB
)

// Model is the Compare screen.
type Model struct {
	env  *common.Env
	keys KeyMap
	task.Jobs

	width, height int
	view          view
	cols          columns

	segs    common.SegmentList
	focus   side
	pickA   int // index into segs
	pickB   int // index into choicesB(); 0 is the rest of A's table
	started bool

	result         *compare.Result
	err            error
	cursor, offset int // the ranked list
	scroll         int // a column's detail
	over           overlay

	run, dist task.Slot
}

// New builds the Compare screen.
func New(env *common.Env) *Model {
	m := &Model{env: env, keys: DefaultKeyMap()}
	m.Jobs = task.Jobs{&m.run, &m.dist, &m.segs.Job}
	return m
}

type resultMsg struct {
	id  uint64
	res *compare.Result
	err error
}

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.relayout()
	m.redrawOverlay()
	return nil
}

// Show reads the segments again: they may have changed on the Segments screen.
func (m *Model) Show() tea.Cmd {
	return m.segs.Reload(m.env)
}

// Help returns the keys that apply now.
func (m *Model) Help() help.KeyMap {
	switch m.view {
	case viewPick:
		return pickHelp(m.keys)
	case viewColumn:
		return columnHelp(m.keys)
	}
	return m.keys
}

// CapturesText is false: the screen has no text input.

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	cmds := []common.Command{
		{Title: "Choose segment A to compare", Key: m.keys.ChooseA, Run: func() tea.Cmd { return m.pick(sideA) }},
		{Title: "Choose what to compare A with", Key: m.keys.ChooseB, Run: func() tea.Cmd { return m.pick(sideB) }},
	}
	if m.result != nil {
		cmds = append(cmds,
			common.Command{Title: "Swap A and B", Key: m.keys.Swap, Run: m.swap},
			common.Command{Title: "Run the comparison again", Key: m.keys.Rerun, Run: m.compare},
		)
	}
	return cmds
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.SegmentsMsg:
		return m.onList(msg)
	case resultMsg:
		m.onResult(msg)
	case distMsg:
		m.onDist(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseClickMsg:
		m.onClick(msg.Mouse())
	case tea.MouseWheelMsg:
		m.onWheel(msg.Mouse())
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	switch m.view {
	case viewPick:
		return m.pickKey(msg)
	case viewColumn:
		m.columnKey(msg)
		return nil
	}
	return m.rankedKey(msg)
}

func (m *Model) onList(msg common.SegmentsMsg) tea.Cmd {
	a, b := m.nameA(), m.nameB() // by name: the new list may be in another order
	if !m.segs.Take(msg) {
		return nil
	}
	m.choose(a, b)
	// The first visit compares the first segment with the rest of its table, so
	// the screen opens on an answer rather than on a form.
	if !m.started && len(m.segs.List) > 0 {
		m.started = true
		return m.compare()
	}
	if len(m.segs.List) == 0 {
		m.view = viewPick
	}
	return nil
}

// compare runs the comparison the picker holds.
func (m *Model) compare() tea.Cmd {
	a, b := m.nameA(), m.nameB()
	if a == "" {
		return nil
	}
	label := "comparing " + a + " with " + b
	if b == "" {
		label = "comparing " + a + " with the rest of its table"
	}
	ctx, id := m.env.Start(&m.run, label)
	ws, store := m.env.WS, m.env.Store
	return func() tea.Msg {
		res, err := compare.Segments(ctx, ws, store, a, b)
		return resultMsg{id: id, res: res, err: err}
	}
}

func (m *Model) onResult(msg resultMsg) {
	if !m.run.Finish(msg.id) {
		return
	}
	m.err = msg.err
	if msg.err != nil {
		return
	}
	m.result, m.view, m.cursor, m.offset, m.scroll = msg.res, viewRanked, 0, 0, 0
	m.over = overlay{}
	m.relayout()
}

// inColumn reports whether one column's detail is shown, and which.
func (m *Model) inColumn() (string, bool) {
	c, ok := m.current()
	return c.Name, ok && m.view == viewColumn
}
