// Package slice is the Slice screen: the rows in scope grouped by one or two
// columns (numbers binned by the database), with a measure per group, as a
// table with bars.
package slice

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// field is one of the three pickers.
type field int

const (
	fieldBy field = iota
	fieldThen
	fieldMeasure
	fieldCount
)

var fieldNames = [fieldCount]string{"Group by", "Then by", "Measure"}

// measure is a choice in the Measure picker.
type measure struct {
	label  string
	fn     string // "", "sum" or "avg"
	column string
	share  bool
}

// groupLimit caps the groups fetched; the rest are summarised by the count.
const groupLimit = 500

// Model is the Slice screen.
type Model struct {
	ws     *query.Workspace
	base   context.Context
	now    func() time.Time
	styles *styles.Styles
	keys   KeyMap

	width, height int

	scope    common.Scope
	by       []string // columns offered to group by
	measures []measure
	choice   [fieldCount]int // index into the field's options
	focus    field

	stale  bool // the result does not match the choices and scope
	result *query.Result
	err    error
	offset int // first result row shown
	job    task.Slot
}

// New builds the Slice screen.
func New(base context.Context, ws *query.Workspace, st *styles.Styles, now func() time.Time) *Model {
	return &Model{ws: ws, base: base, now: now, styles: st, keys: DefaultKeyMap()}
}

type groupMsg struct {
	id  uint64
	res *query.Result
	err error
}

// Init does nothing: the screen waits for the Data screen's scope.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	return nil
}

// SetStyles switches theme.
func (m *Model) SetStyles(st *styles.Styles) { m.styles = st }

// Show runs the grouping if the scope or the choices changed while hidden.
func (m *Model) Show() tea.Cmd {
	if m.stale {
		return m.run()
	}
	return nil
}

// Help returns the screen's keys.
func (m *Model) Help() help.KeyMap { return m.keys }

// CapturesText is false: the screen has no text input.
func (m *Model) CapturesText() bool { return false }

// Running describes the grouping in flight.
func (m *Model) Running() (task.Info, bool) { return m.job.Info() }

// Cancel stops the grouping in flight.
func (m *Model) Cancel() bool { return m.job.Cancel() }

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	var cmds []common.Command
	for _, f := range []field{fieldBy, fieldThen, fieldMeasure} {
		cmds = append(cmds, common.Command{Title: "Choose " + strings.ToLower(fieldNames[f]), Keys: "tab", Run: func() tea.Cmd {
			m.focus = f
			return nil
		}})
	}
	if m.scope.Rule != "" {
		cmds = append(cmds, common.Command{Title: "Save filter as segment", Keys: "S", Run: m.saveAsSegment})
	}
	return cmds
}

// saveAsSegment hands the filter the groups are drawn from to the Segments
// screen's editor.
func (m *Model) saveAsSegment() tea.Cmd {
	if m.scope.Rule == "" {
		return func() tea.Msg {
			return common.NoticeMsg{Text: "no filter to save: apply one on the Data screen (1) with /"}
		}
	}
	msg := common.EditSegmentMsg{Table: m.scope.Table.Name, Rule: m.scope.Rule}
	return func() tea.Msg { return msg }
}

// Result is the latest grouping, for tests.
func (m *Model) Result() (*query.Result, error) { return m.result, m.err }

// Grouping is the query the current choices ask for.
func (m *Model) Grouping() query.Grouping {
	g := query.Grouping{Table: m.scope.Table.Name, Where: m.scope.Where, Limit: groupLimit}
	if len(m.by) == 0 {
		return g
	}
	g.By = []string{m.by[m.choice[fieldBy]]}
	if then := m.choice[fieldThen]; then > 0 && m.by[then-1] != g.By[0] {
		g.By = append(g.By, m.by[then-1])
	}
	if ms := m.measures[m.choice[fieldMeasure]]; ms.fn != "" {
		g.Measure = query.Measure{Func: ms.fn, Column: ms.column}
	}
	return g
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.ScopeMsg:
		m.setScope(msg.Scope)
	case groupMsg:
		if !m.job.Finish(msg.id) {
			return nil
		}
		m.result, m.err, m.offset = msg.res, msg.err, 0
	case tea.KeyPressMsg:
		return m.onKey(msg)
	}
	return nil
}

// setScope adopts the Data screen's table and filter. A new table resets the
// choices to its first text column and a count.
func (m *Model) setScope(s common.Scope) {
	sameTable := s.Table.Name == m.scope.Table.Name
	m.scope = s
	m.stale = true
	if sameTable && len(m.by) > 0 {
		return
	}
	m.by, m.measures = nil, []measure{{label: "count"}, {label: "share", share: true}}
	first := -1
	// The key and personal-data columns are not offered: a group per person
	// says nothing, and its labels would have to be masked.
	for _, c := range s.Columns {
		if c.Name == s.Table.Key || pii.ForColumn(c.Name, c.Type) != pii.None {
			continue
		}
		if first < 0 && !query.Numeric(c.Type) {
			first = len(m.by)
		}
		m.by = append(m.by, c.Name)
	}
	for _, c := range s.Columns {
		if query.Numeric(c.Type) && c.Name != s.Table.Key {
			m.measures = append(m.measures,
				measure{label: "sum of " + c.Name, fn: "sum", column: c.Name},
				measure{label: "avg of " + c.Name, fn: "avg", column: c.Name})
		}
	}
	m.choice = [fieldCount]int{max(first, 0), 0, 0}
	m.result, m.err = nil, nil
}

func (m *Model) options(f field) []string {
	switch f {
	case fieldBy:
		return m.by
	case fieldThen:
		return append([]string{"(none)"}, m.by...)
	}
	labels := make([]string, len(m.measures))
	for i, ms := range m.measures {
		labels[i] = ms.label
	}
	return labels
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.SaveSegment) {
		return m.saveAsSegment()
	}
	if len(m.by) == 0 {
		return nil
	}
	k := m.keys
	n := len(m.options(m.focus))
	c := &m.choice[m.focus]
	before := *c
	switch {
	case key.Matches(msg, k.Next):
		m.focus = (m.focus + 1) % fieldCount
	case key.Matches(msg, k.Prev):
		m.focus = (m.focus + fieldCount - 1) % fieldCount
	case key.Matches(msg, k.Up):
		*c = max(*c-1, 0)
	case key.Matches(msg, k.Down):
		*c = min(*c+1, n-1)
	case key.Matches(msg, k.First):
		*c = 0
	case key.Matches(msg, k.Last):
		*c = n - 1
	case key.Matches(msg, k.PageUp):
		m.offset = max(m.offset-m.resultRows(), 0)
	case key.Matches(msg, k.PageDn):
		if m.result != nil {
			m.offset = max(min(m.offset+m.resultRows(), len(m.result.Rows)-m.resultRows()), 0)
		}
	}
	if *c != before {
		return m.run()
	}
	return nil
}

// run asks the database for the groups; a newer run supersedes an older one.
func (m *Model) run() tea.Cmd {
	g := m.Grouping()
	if len(g.By) == 0 {
		return nil
	}
	m.stale = false
	ctx, id := m.job.Start(m.base, "grouping by "+strings.Join(g.By, ", "), m.now())
	ws := m.ws
	return func() tea.Msg {
		res, err := ws.Group(ctx, g)
		return groupMsg{id: id, res: res, err: err}
	}
}
