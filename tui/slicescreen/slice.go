// Package slicescreen is the Slice screen: the rows in scope grouped by one or two
// columns (numbers binned by the database), with a measure per group, as a
// table with bars.
package slicescreen

import (
	"reflect"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/colname"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/common"
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
	fn     string // "", "sum", "avg" or "rate"
	column string
	value  string // what a rate counts: true, 1, Yes
	share  bool
}

// groupLimit caps the groups fetched; the rest are summarised by the count.
const groupLimit = 500

// Model is the Slice screen.
type Model struct {
	env  *common.Env
	keys KeyMap
	task.Jobs

	width, height int
	lay           layout

	scope    common.Scope
	by       []string // columns offered to group by
	measures []measure
	choice   [fieldCount]int // index into the field's options
	focus    field

	// shapes describe the table's columns (which are near-unique, which
	// answer yes or no) once looked at; until then names and types decide.
	shapes  map[string]query.ColumnShape
	touched bool // the analyst has changed a choice: defaults no longer apply

	stale  bool // the result does not match the choices and scope
	result *query.Result
	err    error
	offset int // first result row shown
	job    task.Slot
	look   task.Slot // the look at the columns behind the defaults
}

// New builds the Slice screen.
func New(env *common.Env) *Model {
	m := &Model{env: env, keys: DefaultKeyMap()}
	// The look at the columns is not listed: it runs behind the defaults,
	// and Esc leaves it be.
	m.Jobs = task.Jobs{&m.job}
	return m
}

type groupMsg struct {
	id  uint64
	res *query.Result
	err error
}

type shapesMsg struct {
	id     uint64
	shapes []query.ColumnShape
	// measures are the per-person measures of the table's events
	// (count(orders)), offered to group by after the columns.
	measures []events.MeasureChoice
	err      error
}

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.relayout()
	return nil
}

// Show runs the grouping if the scope or the choices changed while hidden.
func (m *Model) Show() tea.Cmd {
	if m.stale {
		return m.run()
	}
	return nil
}

// Help returns the screen's keys.
func (m *Model) Help() help.KeyMap { return m.keys }

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	var cmds []common.Command
	for _, f := range []field{fieldBy, fieldThen, fieldMeasure} {
		cmds = append(cmds, common.Command{Title: "Choose " + strings.ToLower(fieldNames[f]), Key: m.keys.Next, Run: func() tea.Cmd {
			m.focus = f
			return nil
		}})
	}
	if m.scope.Rule != "" {
		cmds = append(cmds, common.Command{Title: "Save filter as segment", Key: m.keys.SaveSegment, Run: m.saveAsSegment})
	}
	return cmds
}

// saveAsSegment hands the filter the groups are drawn from to the Segments
// screen's editor.
func (m *Model) saveAsSegment() tea.Cmd {
	if m.scope.Rule == "" {
		return common.Notice("no filter to save: apply one on the Data screen (1) with /")
	}
	msg := common.EditSegmentMsg{Table: m.scope.Table.Name, Rule: m.scope.Rule}
	return func() tea.Msg { return msg }
}

// Grouping is the query the current choices ask for.
func (m *Model) Grouping() query.Grouping {
	g := query.Grouping{Table: m.scope.Table.Name, Where: m.scope.Where, Limit: groupLimit, Months: true}
	if len(m.by) == 0 {
		return g
	}
	g.By = []string{m.by[m.choice[fieldBy]]}
	if then := m.choice[fieldThen]; then > 0 && m.by[then-1] != g.By[0] {
		g.By = append(g.By, m.by[then-1])
	}
	if ms := m.measures[m.choice[fieldMeasure]]; ms.fn != "" {
		g.Measure = query.Measure{Func: ms.fn, Column: ms.column, Value: ms.value}
	}
	return g
}

// Update handles a message addressed to the screen. The groups' layout
// follows the result and the choices, so it is worked out again after each.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	cmd := m.update(msg)
	m.relayout()
	return cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.ScopeMsg:
		return m.setScope(msg.Scope)
	case common.EventsChangedMsg:
		// The table may have gained event tables to group its people by.
		if msg.Audience == m.scope.Table.Name {
			return m.lookAt()
		}
	case shapesMsg:
		return m.onShapes(msg)
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

// setScope adopts the Data screen's table and filter. A new table resets
// the choices to defaults from its columns' names and types, and starts a look
// at their values to refine them.
func (m *Model) setScope(s common.Scope) tea.Cmd {
	sameTable := s.Table.Name == m.scope.Table.Name
	m.scope = s
	m.stale = true
	if sameTable && len(m.by) > 0 {
		return nil
	}
	m.shapes, m.touched = nil, false
	m.by = nil
	// The key and personal-data columns are not offered: a group per person
	// says nothing, and its labels would have to be masked.
	for _, c := range s.Columns {
		if c.Name != s.Table.Key && pii.ForColumn(c.Name, c.Type) == pii.None {
			m.by = append(m.by, c.Name)
		}
	}
	m.measures = m.measureOptions()
	m.choice = [fieldCount]int{}
	m.applyDefaults()
	m.result, m.err = nil, nil
	return m.lookAt()
}

// lookAt starts the look at the table's columns and events behind the
// defaults and the per-person measures.
func (m *Model) lookAt() tea.Cmd {
	if m.scope.Table.Name == "" {
		return nil
	}
	ctx, id := m.env.Start(&m.look, "looking at the columns of "+m.scope.Table.Name)
	ws, table := m.env.WS, m.scope.Table.Name
	return func() tea.Msg {
		shapes, err := ws.ColumnShapes(ctx, table)
		if err != nil {
			return shapesMsg{id: id, err: err}
		}
		a, err := events.ForAudience(ctx, ws, table)
		return shapesMsg{id: id, shapes: shapes, measures: events.Measures(a), err: err}
	}
}

// onShapes refines the defaults with what the look at the values found:
// near-unique columns and yes/no columns, whose rate is a measure. A look that
// failed leaves the defaults that names and types gave.
func (m *Model) onShapes(msg shapesMsg) tea.Cmd {
	if !m.look.Finish(msg.id) || msg.err != nil {
		return nil
	}
	m.shapes = map[string]query.ColumnShape{}
	for _, sh := range msg.shapes {
		m.shapes[sh.Name] = sh
	}
	before := m.Grouping()
	for _, c := range msg.measures {
		if !slices.Contains(m.by, c.Spec) {
			m.by = append(m.by, c.Spec)
		}
	}
	chosen := m.measures[m.choice[fieldMeasure]].label
	m.measures = m.measureOptions()
	m.choice[fieldMeasure] = max(slices.IndexFunc(m.measures, func(ms measure) bool { return ms.label == chosen }), 0)
	if !m.touched {
		m.applyDefaults()
	}
	if after := m.Grouping(); !m.stale && !reflect.DeepEqual(before, after) {
		return m.run()
	}
	return nil
}

// measureOptions are count, share, and per column the rate of a yes/no
// column (a boolean, or 0/1 or Yes/No once looked at) or the sum and average
// of a number column.
func (m *Model) measureOptions() []measure {
	out := []measure{{label: "count"}, {label: "share", share: true}}
	for _, c := range m.scope.Columns {
		if c.Name == m.scope.Table.Key {
			continue
		}
		yes := m.shapes[c.Name].Yes
		if yes == "" && strings.EqualFold(c.Type, "BOOLEAN") {
			yes = "true"
		}
		switch {
		case yes != "":
			out = append(out, measure{label: "rate of " + c.Name, fn: "rate", column: c.Name, value: yes})
		case query.Numeric(c.Type):
			out = append(out,
				measure{label: "sum of " + c.Name, fn: "sum", column: c.Name},
				measure{label: "avg of " + c.Name, fn: "avg", column: c.Name})
		}
	}
	return out
}

// outcomeWords name the columns that say how things ended for a customer:
// the rate most worth seeing across groups.
var outcomeWords = []string{"churn", "churned", "exited", "cancelled", "canceled", "attrition", "attrited",
	"converted", "conversion", "outcome", "target", "label", "responded", "response", "y"}

// applyDefaults chooses what a first look at a table should show: the rate of
// its outcome (churn, say) if it has a yes/no one, else a count, by the first
// column that makes readable groups.
func (m *Model) applyDefaults() {
	m.choice[fieldMeasure] = 0
	outcome := ""
	for i, ms := range m.measures {
		if ms.fn == "rate" && slices.ContainsFunc(colname.Words(ms.column), func(w string) bool { return slices.Contains(outcomeWords, w) }) {
			m.choice[fieldMeasure], outcome = i, ms.column
			break
		}
	}
	m.choice[fieldBy], m.choice[fieldThen] = 0, 0
	best := -1
	for i, name := range m.by {
		if name == outcome {
			continue
		}
		if r := m.groupRank(name); r > 0 && (best < 0 || r > m.groupRank(m.by[best])) {
			best = i
		}
	}
	if best >= 0 {
		m.choice[fieldBy] = best
	}
}

// groupRank says how well a column groups rows for a first look; 0 means
// never by default (an identifier, a name, a constant). A category with a
// handful of values ranks first, then other categories, then months of a
// date, then binned numbers.
func (m *Model) groupRank(name string) int {
	var typ string
	for _, c := range m.scope.Columns {
		if c.Name == name {
			typ = c.Type
		}
	}
	sh, looked := m.shapes[name]
	words := colname.Words(name)
	switch {
	case len(words) > 0 && slices.Contains([]string{"id", "uuid", "guid", "key"}, words[len(words)-1]):
		return 0
	case typ == "" && events.IsMeasure(name):
		return 1 // binned like a number: offered, never ahead of a column

	case looked && sh.Distinct < 2:
		return 0
	// Numbers are binned and dates grouped by month, however many values they hold.
	case query.Numeric(typ):
		return 1
	case temporalType(typ):
		return 2
	case looked && sh.Unique():
		return 0
	case looked && sh.Distinct > 50:
		return 1
	// A handful of categories (contract types, plans) says more than two.
	case looked && sh.Distinct > 2 && sh.Distinct <= 20:
		return 4
	}
	return 3
}

func temporalType(t string) bool {
	t = strings.ToUpper(t)
	return strings.HasPrefix(t, "DATE") || strings.HasPrefix(t, "TIMESTAMP")
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
		m.touched = true
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
	ctx, id := m.env.Start(&m.job, "grouping by "+strings.Join(g.By, ", "))
	ws := m.env.WS
	return func() tea.Msg {
		res, err := events.Group(ctx, ws, g)
		return groupMsg{id: id, res: res, err: err}
	}
}
