package datascreen

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/eventsetup"
	"github.com/segscope/segscope/tui/grid"
	"github.com/segscope/segscope/tui/task"
)

// eventsOf are the event tables whose people are in table.
func (m *Model) eventsOf(table string) []events.Entry {
	var out []events.Entry
	for _, e := range m.evEntries {
		if e.Audience == table {
			out = append(out, e)
		}
	}
	return out
}

// eventEntry is table's setup as an event table, if it has one.
func (m *Model) eventEntry(table string) (events.Entry, bool) {
	for _, e := range m.evEntries {
		if e.Table == table {
			return e, true
		}
	}
	return events.Entry{}, false
}

// looksLikeEvents reports whether the open table may hold events and is not
// set up as such: one of its columns is another table's key, so a person
// may have many rows (eventsetup.Suggest).
func (m *Model) looksLikeEvents() (audience string, ok bool) {
	if !m.ready {
		return "", false
	}
	if _, set := m.eventEntry(m.table.Name); set {
		return "", false
	}
	_, audience, ok = eventsetup.Suggest(m.table.Name, m.columns, m.tables)
	return audience, ok
}

// setUpEvents asks the root for the events setup form on the open table.
func (m *Model) setUpEvents() tea.Cmd {
	msg := common.SetUpEventsMsg{Table: m.table.Name}
	return func() tea.Msg { return msg }
}

// timeline is one person's events, an event table at a time, newest first,
// masked as the grid masks personal data, fetched a page at a time.
type timeline struct {
	open    bool
	keyCol  string
	person  any // the person's key, as the grid holds it
	entries []events.Entry
	tab     int // the event table shown
	grid    grid.Model
	rows    [][]any
	total   int64
	loaded  bool // the first page of the table shown has come
	err     error
	// load fetches pages; reveal writes the audit entry a reveal waits for.
	load, reveal task.Slot
}

// timelinePage is how many events a fetch brings.
const timelinePage = 200

type timelineMsg struct {
	id       uint64
	table    string
	offset   int64
	res      *query.Result
	total    int64
	personal map[string]pii.Kind // with the first page only
	err      error
}

// TimelineDialog names the timeline on the root's dialog stack.
const TimelineDialog = "data.timeline"

// openTimeline shows the events of the person on the cursor row, when the
// open table is the audience of event tables.
func (m *Model) openTimeline() tea.Cmd {
	if !m.ready {
		return nil
	}
	entries := m.eventsOf(m.table.Name)
	if len(entries) == 0 {
		if _, ok := m.looksLikeEvents(); ok {
			return common.Notice(m.table.Name + " may hold events: E sets it up, then enter on a person of its audience shows theirs")
		}
		return common.Notice(m.table.Name + " has no event tables: enter shows a person's events once a table of them is set up (palette: Set up an event table)")
	}
	keyIdx := -1
	for i, c := range m.columns {
		if c.Name == m.table.Key {
			keyIdx = i
		}
	}
	row, ok := m.source().Row(m.grid.Cursor())
	if keyIdx < 0 || !ok || keyIdx >= len(row) || row[keyIdx] == nil {
		return common.Notice("no person on this row yet: wait for the row to load")
	}
	t := &m.tl
	*t = timeline{open: true, keyCol: m.table.Key, person: row[keyIdx], entries: entries, grid: grid.New(m.env.Styles)}
	return tea.Batch(dialog.Open(timelineDialog{m}), m.fetchTimeline(0))
}

// fetchTimeline asks for a page of the shown table's events from offset;
// the first page brings the table's personal data for the masks as well.
func (m *Model) fetchTimeline(offset int64) tea.Cmd {
	t := &m.tl
	e := t.entries[t.tab]
	ctx, id := m.env.Start(&t.load, "reading the events of "+fmt.Sprint(t.person)+" in "+e.Table)
	ws, person := m.env.WS, t.person
	return func() tea.Msg {
		res, total, err := events.Timeline(ctx, ws, e, person, offset, timelinePage)
		msg := timelineMsg{id: id, table: e.Table, offset: offset, res: res, total: total, err: err}
		if err == nil && offset == 0 {
			msg.personal, msg.err = ws.PersonalData(ctx, e.Table)
		}
		return msg
	}
}

func (m *Model) onTimeline(msg timelineMsg) tea.Cmd {
	t := &m.tl
	if !t.load.Finish(msg.id) || !t.open {
		return nil
	}
	if msg.err != nil {
		t.err = msg.err
		return nil
	}
	t.err, t.total = nil, msg.total
	if msg.offset == 0 {
		cols := grid.ColumnsOf(msg.res.Columns)
		for i := range cols {
			if k := msg.personal[cols[i].Name]; k != pii.None {
				cols[i].PII = k
			}
		}
		// The time stays in sight as the columns scroll: every row is the
		// same person's, so their key would say nothing.
		frozen := t.entries[t.tab].Time
		if frozen == "" {
			frozen = t.entries[t.tab].Key
		}
		t.grid.SetColumns(cols, frozen)
		t.rows, t.loaded = nil, true
		m.sizeTimeline()
	}
	t.rows = append(t.rows, msg.res.Rows...)
	t.grid.SetTotal(t.total)
	t.grid.Observe(msg.res.Rows)
	return m.moreTimeline()
}

// moreTimeline fetches the next page once the rows on screen reach the end
// of those fetched.
func (m *Model) moreTimeline() tea.Cmd {
	t := &m.tl
	have := int64(len(t.rows))
	if !t.loaded || t.load.Running() || have >= t.total || t.grid.Top()+int64(2*max(t.grid.Rows(), 1)) < have {
		return nil
	}
	return m.fetchTimeline(have)
}

// timelineKey moves through the events, or on to the next event table.
func (m *Model) timelineKey(msg tea.KeyPressMsg) tea.Cmd {
	t := &m.tl
	switch {
	case key.Matches(msg, m.keys.PickerClose):
		t.open = false
		t.load.Cancel()
		return nil
	case key.Matches(msg, m.keys.Reveal):
		if !t.loaded {
			return nil
		}
		e := t.entries[t.tab]
		details := map[string]string{"table": e.Table, "person": fmt.Sprint(t.person), "screen": "data timeline"}
		return t.grid.ToggleReveal(m.env, &t.reveal, e.Table+".", details)
	case key.Matches(msg, m.keys.TimelineNext):
		if len(t.entries) < 2 {
			return nil
		}
		by := 1
		if msg.String() == "shift+tab" {
			by = len(t.entries) - 1
		}
		t.tab = (t.tab + by) % len(t.entries)
		t.rows, t.total, t.loaded, t.err = nil, 0, false, nil
		t.grid = grid.New(m.env.Styles)
		return m.fetchTimeline(0)
	}
	if t.loaded && t.grid.Update(msg) {
		return m.moreTimeline()
	}
	return nil
}

// timelineSize is the box's inside: most of the screen.
func (m *Model) timelineSize() (w, h int) {
	return max(min(m.width-6, 140), 20), max(m.height-4, 6)
}

func (m *Model) sizeTimeline() {
	w, h := m.timelineSize()
	m.tl.grid.SetSize(w, h-4) // the title, a blank line, the footer and the blank above it
}

// timelineDialog is the timeline on the root's stack; its state stays in the
// screen, where its pages arrive.
type timelineDialog struct{ m *Model }

func (d timelineDialog) ID() string       { return TimelineDialog }
func (d timelineDialog) SetSize(int, int) { d.m.sizeTimeline() }
func (d timelineDialog) View() string     { return d.m.timelineBox() }

// Closed puts the timeline away however it leaves, and stops its fetch.
func (d timelineDialog) Closed() {
	d.m.tl.open = false
	d.m.tl.load.Cancel()
}

// ShortHelp is the timeline's keys, for the hints line.
func (d timelineDialog) ShortHelp() []key.Binding { return timelineHelp(d.m.keys).ShortHelp() }

func (d timelineDialog) Update(msg tea.Msg) dialog.Action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	cmd := d.m.timelineKey(k)
	if !d.m.tl.open {
		return dialog.Run{Fn: func() tea.Cmd { return cmd }}
	}
	return dialog.Cmd{Cmd: cmd}
}

// timelineBox draws the person's events in the shown table.
func (m *Model) timelineBox() string {
	st := m.env.Styles
	t := &m.tl
	w, h := m.timelineSize()
	e := t.entries[t.tab]
	title := st.PanelTitle.Render(fmt.Sprintf("Events of %s %v", t.keyCol, query.FormatValue(t.person)))
	var tabs []string
	for i, x := range t.entries {
		if i == t.tab {
			tabs = append(tabs, st.ItemActive.Render(x.Table))
		} else {
			tabs = append(tabs, st.Muted.Render(x.Table))
		}
	}
	title += st.Faint.Render(" · ") + strings.Join(tabs, st.Faint.Render(" │ "))
	if t.loaded {
		order := "newest first"
		if e.Time == "" {
			order = "last rows first (no time column)"
		}
		title += st.Muted.Render(fmt.Sprintf(" · %s, %s", counts.Of(t.total, "event", "events"), order))
	}
	lines := []string{draw.Fit(title, w), ""}
	var body string
	switch {
	case t.err != nil:
		body = st.Error.Render("✗ " + t.err.Error())
	case !t.loaded:
		body = st.Muted.Render("reading the events…")
	case t.total == 0:
		body = st.Muted.Render(fmt.Sprintf("No events in %s.", e.Table))
	default:
		body = t.grid.View(grid.Rows(t.rows))
	}
	lines = append(lines, draw.Block(body, w, h-4))
	foot := "↑/↓ scroll · esc close"
	if len(t.entries) > 1 {
		foot = "↑/↓ scroll · tab next event table · esc close"
	}
	if t.loaded && hasMasked(t.grid.Columns()) {
		foot += " · personal data masked: r reveals (audited)"
	}
	lines = append(lines, "", st.Faint.Render(draw.Fit(foot, w)))
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

func hasMasked(cols []grid.Column) bool {
	for _, c := range cols {
		if c.Masked() {
			return true
		}
	}
	return false
}
