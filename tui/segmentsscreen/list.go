package segmentsscreen

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/tui/common"
)

// list is the workspace's live segments and what is known of their sizes.
type list struct {
	loaded bool
	err    error
	items  []item
	tables []query.TableInfo
	cursor int
	offset int // first item shown

	sizesID uint64 // the size job whose answers are still wanted
	pending int    // answers it still owes

	risksID      uint64 // the risk job whose answers are still wanted
	risksPending int    // answers it still owes

	cols columns

	// series is every segment's snapshots, oldest first.
	series map[string][]snapshot.Snapshot
}

// item is a segment and its size, once counted.
type item struct {
	seg   segments.Segment
	size  int64
	sized bool
	err   error // the count failed: the rule no longer compiles, say
	risk  *risk.Assessment
	trend string // the sparkline of its snapshots' sizes, drawn once
}

type listMsg struct {
	id     uint64
	segs   []segments.Segment
	tables []query.TableInfo
	err    error
	pick   string // the segment to put the cursor on
}

// sizeMsg is one segment's size, and the command that waits for the next.
type sizeMsg struct {
	id   uint64
	size segments.Size
	next tea.Cmd
}

type deletedMsg struct {
	id   uint64
	name string
	err  error
}

// reload reads the segments and tables again, then counts the sizes; pick
// names the segment to put the cursor on ("" keeps the current one).
func (m *Model) reload(pick string) tea.Cmd {
	if pick == "" {
		if seg, ok := m.current(); ok {
			pick = seg.Name
		}
	}
	ctx, id := m.env.Start(&m.load, "loading segments")
	store, ws := m.env.Store, m.env.WS
	return func() tea.Msg {
		segs, err := store.List(ctx)
		var tables []query.TableInfo
		if err == nil {
			tables, err = ws.Tables(ctx)
		}
		return listMsg{id: id, segs: segs, tables: tables, err: err, pick: pick}
	}
}

func (m *Model) onList(msg listMsg) tea.Cmd {
	if !m.load.Finish(msg.id) {
		return nil
	}
	l := &m.list
	if msg.err != nil {
		l.err = msg.err
		return common.Fail(msg.err)
	}
	// A size counted for the same version still holds until the recount lands.
	known := map[string]item{}
	for _, it := range l.items {
		known[it.seg.Name] = it
	}
	l.loaded, l.err, l.tables = true, nil, msg.tables
	l.items = make([]item, len(msg.segs))
	for i, seg := range msg.segs {
		l.items[i] = item{seg: seg}
		if old, ok := known[seg.Name]; ok && old.seg.Version == seg.Version && old.seg.Table == seg.Table {
			l.items[i].size, l.items[i].sized, l.items[i].err, l.items[i].risk = old.size, old.sized, old.err, old.risk
		}
		if seg.Name == msg.pick {
			l.cursor = i
		}
	}
	l.cursor = min(l.cursor, max(len(l.items)-1, 0))
	m.editor.setTables(msg.tables)
	m.relayout()
	m.scrollList()
	return tea.Batch(m.recountList(), m.loadSeries())
}

// countSizes counts the segments a few at a time (segments.Store.Sizes), each
// answer sent as it lands, so the list fills in as they come.
func (m *Model) countSizes() tea.Cmd {
	l := &m.list
	if len(l.items) == 0 {
		m.sizes.Cancel()
		return nil
	}
	ctx, id := m.env.Start(&m.sizes, "counting segment sizes")
	l.sizesID, l.pending = id, len(l.items)
	store := m.env.Store
	names := make([]string, len(l.items))
	for i, it := range l.items {
		names[i] = it.seg.Name
	}
	return func() tea.Msg {
		// Room for every answer, so the counts never wait on a screen that
		// stopped listening (a superseded or cancelled job).
		sizes := make(chan segments.Size, len(names))
		go func() {
			store.Sizes(ctx, names, func(s segments.Size) { sizes <- s })
			close(sizes)
		}()
		return waitSize(id, sizes)()
	}
}

// waitSize is the command that waits for the next size of job id.
func waitSize(id uint64, sizes <-chan segments.Size) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-sizes
		if !ok {
			return nil
		}
		return sizeMsg{id: id, size: s, next: waitSize(id, sizes)}
	}
}

func (m *Model) onSize(msg sizeMsg) tea.Cmd {
	l := &m.list
	if msg.id != l.sizesID || !m.sizes.Running() {
		return nil
	}
	s := msg.size
	for i := range l.items {
		if l.items[i].seg.Name == s.Name {
			l.items[i].size, l.items[i].sized, l.items[i].err = s.Members, s.Err == nil, s.Err
		}
	}
	if l.pending--; l.pending == 0 {
		m.sizes.Finish(msg.id)
		return nil
	}
	return msg.next
}

// current is the segment under the cursor.
func (m *Model) current() (segments.Segment, bool) {
	l := &m.list
	if l.cursor < 0 || l.cursor >= len(l.items) {
		return segments.Segment{}, false
	}
	return l.items[l.cursor].seg, true
}

// rows is how many table rows a segment's table has (0 when unknown).
func (m *Model) rows(table string) int64 {
	for _, t := range m.list.tables {
		if t.Name == table {
			return t.Rows
		}
	}
	return 0
}

// defaultTable is where a new segment and the templates go: the table the
// analyst is looking at on the Data screen, even one without a key yet (saving
// then says what is missing), rather than some other table they did not mean.
// Before the Data screen has opened one, the first table that can hold segments.
func (m *Model) defaultTable() string {
	if m.scopeTable != "" {
		return m.scopeTable
	}
	for _, t := range m.list.tables {
		if t.Key != "" {
			return t.Name
		}
	}
	return ""
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	l := &m.list
	switch {
	case key.Matches(msg, k.Up):
		l.cursor = max(l.cursor-1, 0)
	case key.Matches(msg, k.Down):
		l.cursor = max(min(l.cursor+1, len(l.items)-1), 0)
	case key.Matches(msg, k.First):
		l.cursor = 0
	case key.Matches(msg, k.Last):
		l.cursor = max(len(l.items)-1, 0)
	case key.Matches(msg, k.New):
		return m.openNew(m.defaultTable(), "")
	case key.Matches(msg, k.Template):
		return m.openPicker()
	case key.Matches(msg, k.RFM):
		return m.measureRFM()
	case key.Matches(msg, k.Refresh):
		return m.reload("")
	case key.Matches(msg, k.Open):
		if seg, ok := m.current(); ok {
			return m.openExisting(seg, seg.Rule, "")
		}
	case key.Matches(msg, k.History):
		return m.openHistory()
	case key.Matches(msg, k.Delete):
		return m.askDelete()
	case key.Matches(msg, k.Snapshot):
		return m.takeSnapshot()
	case key.Matches(msg, k.Campaign):
		return m.openCampaign()
	}
	m.scrollList()
	return nil
}

// scrollList keeps the cursor inside the rows shown.
func (m *Model) scrollList() {
	l := &m.list
	n := m.listRows()
	switch {
	case l.cursor < l.offset:
		l.offset = l.cursor
	case l.cursor >= l.offset+n:
		l.offset = l.cursor - n + 1
	}
	l.offset = max(min(l.offset, len(l.items)-n), 0)
}

// delete deletes the segment named, once the analyst said yes.
func (m *Model) delete(name string) tea.Cmd {
	ctx, id := m.env.Start(&m.remove, "deleting "+name)
	store := m.env.Store
	return func() tea.Msg {
		err := store.Delete(ctx, name, "deleted in the console")
		return deletedMsg{id: id, name: name, err: err}
	}
}

func (m *Model) onDeleted(msg deletedMsg) tea.Cmd {
	if !m.remove.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	// The cursor stays where the segment was, on its neighbour.
	pick := ""
	if l := &m.list; l.cursor+1 < len(l.items) {
		pick = l.items[l.cursor+1].seg.Name
	} else if l.cursor > 0 {
		pick = l.items[l.cursor-1].seg.Name
	}
	return tea.Batch(m.reload(pick), common.Notice(fmt.Sprintf("Deleted %s; its history stays in the workspace", msg.name)))
}

func (m *Model) onClick(mouse tea.Mouse) tea.Cmd {
	if m.view != viewList || m.picker.open {
		return nil
	}
	i := m.list.offset + mouse.Y - listTop
	if mouse.Y >= listTop && i >= 0 && i < min(len(m.list.items), m.list.offset+m.listRows()) {
		m.list.cursor = i
	}
	return nil
}

func (m *Model) onWheel(mouse tea.Mouse) {
	if m.view != viewList || m.picker.open {
		return
	}
	switch mouse.Button {
	case tea.MouseWheelUp:
		m.list.cursor = max(m.list.cursor-1, 0)
	case tea.MouseWheelDown:
		m.list.cursor = max(min(m.list.cursor+1, len(m.list.items)-1), 0)
	}
	m.scrollList()
}

// broken reports whether a count failed for a reason other than being cancelled.
func (it item) broken() bool {
	return it.err != nil && !errors.Is(it.err, context.Canceled)
}
