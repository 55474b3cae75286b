// Package datascreen is the Data screen: the workspace's tables in a sidebar, a grid
// that pages rows from DuckDB around the viewport, a column profile panel and
// a filter bar that takes a segment rule.
package datascreen

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/grid"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

type focus int

const (
	focusGrid focus = iota
	focusTables
)

// Model is the Data screen.
type Model struct {
	env  *common.Env
	keys KeyMap
	task.Jobs

	width, height int
	rects         rects

	tables     []query.TableInfo
	evEntries  []events.Entry // the workspace's event tables, read with the tables
	keep       bool           // the tables are read again only for the event tables' sake
	loadErr    error
	sideCursor int
	focus      focus
	wantTable  string

	table    query.TableInfo
	columns  []query.Column
	events   []rule.EventTable // of the table, for completing event conditions
	ready    bool              // the open table's columns are known
	rule     string
	where    string
	matching int64
	sortCol  int // source column, -1 when unsorted
	sortDesc bool

	grid     grid.Model
	cache    *cache
	inflight span

	showProfile bool
	profiles    map[profileKey]profileResult
	dists       map[string]distResult // events per person, by event table

	bar  filterBar
	imp  importJob
	keyp keyPicker
	tl   timeline

	load, pages, prof, dist, audit task.Slot
}

// Options are the Data screen's own: what to open first.
type Options struct {
	// Table is the table to open first; "" opens the first one.
	Table string
	// Import names files to import as the screen starts; the first table
	// imported is opened.
	Import []string
	// Attach attaches the Import files where they are instead (query.Attach).
	Attach bool
}

// New builds the Data screen.
func New(env *common.Env, opts Options) *Model {
	m := &Model{
		env: env, keys: DefaultKeyMap(),
		wantTable: opts.Table, sortCol: -1,
		grid:     grid.New(env.Styles),
		cache:    newCache(),
		profiles: map[profileKey]profileResult{},
		dists:    map[string]distResult{},
		bar:      newFilterBar(),
	}
	// The status line names the job the user waits for most first.
	m.Jobs = task.Jobs{&m.imp.slot, &m.keyp.set, &m.keyp.list, &m.tl.load, &m.tl.reveal, &m.load, &m.bar.apply, &m.pages, &m.audit, &m.prof, &m.dist}
	m.queueImport(opts.Import)
	m.imp.attach = opts.Attach
	return m
}

type tablesMsg struct {
	id      uint64
	tables  []query.TableInfo
	entries []events.Entry
	err     error
}

type columnsMsg struct {
	id       uint64
	table    string
	cols     []query.Column
	personal map[string]pii.Kind
	events   []rule.EventTable
	err      error
}

// Init loads the list of tables, and imports the queued files if any.
func (m *Model) Init() tea.Cmd {
	if m.imp.next == 0 && len(m.imp.files) > 0 {
		return tea.Batch(m.importNext(), m.listTables(), m.openImport())
	}
	return m.listTables()
}

func (m *Model) listTables() tea.Cmd {
	ctx, id := m.env.Start(&m.load, "listing tables")
	ws := m.env.WS
	return func() tea.Msg {
		tables, err := ws.Tables(ctx)
		if err != nil {
			return tablesMsg{id: id, err: err}
		}
		// Which tables hold events, and of whom: the sidebar says so, enter
		// on a person shows their events, the profile their spread.
		entries, err := events.List(ctx, ws)
		return tablesMsg{id: id, tables: tables, entries: entries, err: err}
	}
}

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.relayout()
	return m.fetchRows()
}

// SetStyles switches the grids' theme (the table's and a timeline's).
func (m *Model) SetStyles(st *styles.Styles) {
	m.grid.SetStyles(st)
	m.tl.grid.SetStyles(st)
}

// Scope is the open table and its filter.
func (m *Model) Scope() common.Scope {
	return common.Scope{Table: m.table, Columns: m.columns, Rule: m.rule, Where: m.where, Matching: m.rowCount()}
}

// CapturesText reports whether typed characters belong to the filter bar.
func (m *Model) CapturesText() bool { return m.bar.open }

// Help returns the keys that apply now.
func (m *Model) Help() help.KeyMap {
	switch {
	case m.imp.slot.Running():
		return importRunningHelp(m.keys)
	case m.imp.shown:
		return importDoneHelp(m.keys)
	case m.keyp.open:
		return keyPickerHelp(m.keys)
	case m.tl.open:
		return timelineHelp(m.keys)
	case m.bar.open:
		return filterHelp(m.keys)
	case m.focus == focusTables:
		return tablesHelp(m.keys)
	case m.rule != "":
		return filteredHelp(m.keys)
	case len(m.eventsOf(m.table.Name)) > 0:
		return audienceHelp(m.keys)
	}
	if _, ok := m.looksLikeEvents(); ok {
		return eventsHelp(m.keys)
	}
	return m.keys
}

// Cancel stops the jobs the user is waiting for. A running import, or what
// the key picker waits for, is all that Esc stops then; while the import's
// summary or the picker is up with nothing running, Esc is left to close it,
// and the loads behind it go on.
func (m *Model) Cancel() bool {
	switch {
	case m.cancelImport(), m.keyp.open && m.cancelKeyPicker():
		return true
	case m.imp.shown, m.keyp.open:
		return false
	case m.tl.open:
		return m.tl.load.Cancel()
	}
	return m.Jobs.Cancel()
}

// rowCount is the number of rows the grid pages through.
func (m *Model) rowCount() int64 {
	if m.where != "" {
		return m.matching
	}
	return m.table.Rows
}

func (m *Model) view() view {
	v := view{table: m.table.Name, where: m.where}
	if m.sortCol >= 0 && m.sortCol < len(m.columns) {
		v.order, v.desc = m.columns[m.sortCol].Name, m.sortDesc
	}
	return v
}

func (m *Model) source() grid.Source {
	return source{c: m.cache, v: m.view(), total: m.rowCount()}
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tablesMsg:
		return m.onTables(msg)
	case columnsMsg:
		return m.onColumns(msg)
	case pageMsg:
		return m.onPage(msg)
	case profileMsg:
		return m.onProfile(msg)
	case distMsg:
		return m.onDist(msg)
	case timelineMsg:
		return m.onTimeline(msg)
	case common.EventsChangedMsg:
		// A setup may have made an audience table, and changes what the
		// sidebar, enter and the profile say of events: read them again,
		// keeping the open table's filter and sort unless it changed.
		m.wantTable, m.keep = m.table.Name, true
		m.dists = map[string]distResult{}
		return m.listTables()
	case grid.RevealMsg:
		// Each grid takes only the reveals its own slot started.
		return tea.Batch(m.grid.OnReveal(msg, &m.audit), m.tl.grid.OnReveal(msg, &m.tl.reveal))
	case countMsg, valuesMsg, common.DebounceMsg:
		return m.updateFilter(msg)
	case importProgressMsg:
		return m.onImportProgress(msg)
	case importDoneMsg:
		return m.onImportDone(msg)
	case keyCandidatesMsg:
		return m.onKeyCandidates(msg)
	case keySetMsg:
		return m.onKeySet(msg)
	case tea.KeyPressMsg:
		switch {
		case m.imp.shown:
			if took, cmd := m.importKey(msg); took {
				return cmd
			}
		}
		return m.onKey(msg)
	case tea.PasteMsg:
		if m.bar.open {
			return m.filterInput(msg)
		}
	case tea.MouseClickMsg:
		return m.onClick(msg.Mouse())
	case tea.MouseWheelMsg:
		return m.onWheel(msg.Mouse())
	}
	return nil
}

func (m *Model) onTables(msg tablesMsg) tea.Cmd {
	if !m.load.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		m.loadErr = msg.err
		return common.Fail(msg.err)
	}
	m.tables, m.evEntries = msg.tables, msg.entries
	if len(m.tables) == 0 {
		return nil
	}
	if keep := m.keep; keep {
		m.keep = false
		if i := slices.Index(m.tables, m.table); i >= 0 && m.ready {
			m.sideCursor = i
			return m.fetchProfile()
		}
		m.forget() // the open table was made again
	}
	pick := 0
	for i, t := range m.tables {
		if t.Name == m.wantTable {
			pick = i
		}
	}
	if m.wantTable != "" && m.tables[pick].Name != m.wantTable {
		m.loadErr = fmt.Errorf("table %q is not in this workspace", m.wantTable)
	}
	m.sideCursor = pick
	return m.open(m.tables[pick])
}

// open switches the grid to another table, dropping its filter and sort.
func (m *Model) open(t query.TableInfo) tea.Cmd {
	m.pages.Cancel()
	m.prof.Cancel()
	m.bar.reset()
	m.table, m.columns, m.ready = t, nil, false
	m.rule, m.where, m.matching = "", "", t.Rows
	m.sortCol, m.sortDesc = -1, false
	ctx, id := m.env.Start(&m.load, "reading columns of "+t.Name)
	ws, name := m.env.WS, t.Name
	return func() tea.Msg {
		cols, err := ws.Columns(ctx, name)
		if err != nil {
			return columnsMsg{id: id, table: name, err: err}
		}
		// The grid masks what the CLI, exports and compare treat as personal data.
		personal, err := ws.PersonalData(ctx, name)
		if err != nil {
			return columnsMsg{id: id, table: name, err: err}
		}
		// The filter completes event tables and their columns.
		schema, err := segments.Schema(ctx, ws, name)
		return columnsMsg{id: id, table: name, cols: cols, personal: personal, events: schema.Events, err: err}
	}
}

func (m *Model) onColumns(msg columnsMsg) tea.Cmd {
	if !m.load.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		m.loadErr = msg.err
		return common.Fail(msg.err)
	}
	m.columns, m.events, m.ready = msg.cols, msg.events, true
	cols := grid.ColumnsOf(msg.cols)
	for i := range cols {
		if k := msg.personal[cols[i].Name]; k != pii.None {
			cols[i].PII = k
		}
	}
	m.grid.SetColumns(cols, m.table.Key)
	m.grid.SetTotal(m.rowCount())
	return tea.Batch(m.fetchRows(), m.scopeChanged(), m.fetchProfile())
}

// forget drops the rows and profiles held in memory, once a table may have
// changed under its name.
func (m *Model) forget() {
	m.cache = newCache()
	m.profiles = map[profileKey]profileResult{}
	m.dists = map[string]distResult{}
}

func (m *Model) scopeChanged() tea.Cmd {
	scope := m.Scope()
	return func() tea.Msg { return common.ScopeMsg{Scope: scope} }
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.bar.open {
		return m.filterKey(msg)
	}
	if key.Matches(msg, m.keys.Focus) {
		if m.focus == focusGrid && m.sidebarShown() {
			m.focus = focusTables
		} else {
			m.focus = focusGrid
		}
		return nil
	}
	if m.focus == focusTables {
		return m.sidebarKey(msg)
	}
	if !m.ready {
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Filter):
		return m.openFilter()
	case key.Matches(msg, m.keys.ClearFilter):
		if m.rule == "" {
			return nil
		}
		return m.applyFilter("", "", m.table.Rows)
	case key.Matches(msg, m.keys.Sort):
		return m.cycleSort()
	case key.Matches(msg, m.keys.Reveal):
		return m.reveal()
	case key.Matches(msg, m.keys.Profile):
		return m.ToggleProfile()
	case key.Matches(msg, m.keys.SaveSegment):
		return m.saveAsSegment()
	case key.Matches(msg, m.keys.ChooseKey):
		return m.openKeyPicker()
	case key.Matches(msg, m.keys.SetUpEvents):
		return m.setUpEvents()
	case key.Matches(msg, m.keys.Timeline):
		return m.openTimeline()
	}
	col := m.grid.CurrentColumn()
	if !m.grid.Update(msg) {
		return nil
	}
	cmds := []tea.Cmd{m.fetchRows()}
	if m.grid.CurrentColumn() != col {
		cmds = append(cmds, m.fetchProfile())
	}
	return tea.Batch(cmds...)
}

// cycleSort sorts by the cursor column: ascending, then descending, then off.
func (m *Model) cycleSort() tea.Cmd {
	col := m.grid.CurrentColumn()
	if col < 0 {
		return nil
	}
	switch {
	case m.sortCol != col:
		m.sortCol, m.sortDesc = col, false
	case !m.sortDesc:
		m.sortDesc = true
	default:
		m.sortCol, m.sortDesc = -1, false
	}
	m.grid.SetSort(m.sortCol, m.sortDesc)
	m.grid.MoveTo(0)
	return m.fetchRows()
}

// sorted is the column the grid is sorted by ("" for table order) and its direction.
func (m *Model) sorted() (string, bool) {
	v := m.view()
	return v.order, v.desc
}

// reveal unmasks the cursor column once the reveal is in the audit log, or
// masks it again.
func (m *Model) reveal() tea.Cmd {
	details := map[string]string{"table": m.table.Name, "filter": m.rule, "screen": "data"}
	return m.grid.ToggleReveal(m.env, &m.audit, m.table.Name+".", details)
}

func (m *Model) onWheel(mouse tea.Mouse) tea.Cmd {
	if !m.rects.grid.Contains(mouse.X, mouse.Y) {
		return nil
	}
	if !m.grid.Wheel(mouse.Button) {
		return nil
	}
	return m.fetchRows()
}

func (m *Model) onClick(mouse tea.Mouse) tea.Cmd {
	switch {
	case m.sidebarShown() && m.rects.side.Contains(mouse.X, mouse.Y):
		if i, ok := m.sidebarHit(mouse.Y - m.rects.side.Y); ok {
			m.sideCursor = i
			m.focus = focusGrid
			if m.tables[i].Name != m.table.Name {
				return m.open(m.tables[i])
			}
		}
	case m.rects.grid.Contains(mouse.X, mouse.Y) && m.ready:
		m.focus = focusGrid
		col := m.grid.CurrentColumn()
		m.grid.Click(mouse.X-m.rects.grid.X, mouse.Y-m.rects.grid.Y)
		cmds := []tea.Cmd{m.fetchRows()}
		if m.grid.CurrentColumn() != col {
			cmds = append(cmds, m.fetchProfile())
		}
		return tea.Batch(cmds...)
	}
	return nil
}

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	cmds := []common.Command{
		{Title: "Filter rows", Key: m.keys.Filter, Run: m.openFilter},
		{Title: "Sort by current column", Key: m.keys.Sort, Run: m.cycleSort},
		{Title: "Reveal PII column", Key: m.keys.Reveal, Run: m.reveal},
		{Title: "Profile column", Key: m.keys.Profile, Run: m.ToggleProfile},
		{Title: "Choose the table's key", Key: m.keys.ChooseKey, Run: m.openKeyPicker},
	}
	if _, ok := m.looksLikeEvents(); ok {
		cmds = append(cmds, common.Command{Title: "Set up " + m.table.Name + " as events…", Key: m.keys.SetUpEvents, Run: m.setUpEvents})
	}
	if len(m.eventsOf(m.table.Name)) > 0 {
		cmds = append(cmds, common.Command{Title: "Show this person's events", Key: m.keys.Timeline, Run: m.openTimeline})
	}
	if m.rule != "" {
		cmds = append(cmds,
			common.Command{Title: "Clear filter", Key: m.keys.ClearFilter, Run: func() tea.Cmd { return m.applyFilter("", "", m.table.Rows) }},
			common.Command{Title: "Save filter as segment", Key: m.keys.SaveSegment, Run: m.saveAsSegment})
	}
	for _, t := range m.tables {
		cmds = append(cmds, common.Command{Title: "Open table " + t.Name, Run: func() tea.Cmd {
			for i := range m.tables {
				if m.tables[i].Name == t.Name {
					m.sideCursor = i
				}
			}
			m.focus = focusGrid
			return m.open(t)
		}})
	}
	return cmds
}

// saveAsSegment hands the applied filter to the Segments screen's editor.
func (m *Model) saveAsSegment() tea.Cmd {
	if m.rule == "" {
		return common.Notice("apply a filter first (/): its rule becomes the segment's")
	}
	msg := common.EditSegmentMsg{Table: m.table.Name, Rule: m.rule}
	return func() tea.Msg { return msg }
}

// Show is called when the screen becomes visible.
func (m *Model) Show() tea.Cmd { return tea.Batch(m.fetchRows(), m.openImport()) }
