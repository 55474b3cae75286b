package datascreen

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
)

// Rows are cached in fixed blocks so that scrolling one row never refetches a
// whole window, and a window asked for twice (sorting back and forth, jumping
// to the end and back) comes from memory.
const (
	blockRows = 50
	maxBlocks = 40
)

// view is what a row position means: a table, filtered and sorted one way.
type view struct {
	table, where, order string
	desc                bool
}

type blockKey struct {
	view
	n int64
}

type block struct {
	rows [][]any
	used uint64
}

// cache holds recently fetched blocks, evicting the least recently wanted.
type cache struct {
	blocks map[blockKey]*block
	clock  uint64
}

func newCache() *cache { return &cache{blocks: map[blockKey]*block{}} }

func (c *cache) row(v view, i int64) ([]any, bool) {
	b, ok := c.blocks[blockKey{v, i / blockRows}]
	if !ok || i%blockRows >= int64(len(b.rows)) {
		return nil, false
	}
	return b.rows[i%blockRows], true
}

// put stores rows fetched from offset (a block boundary).
func (c *cache) put(v view, offset int64, rows [][]any) {
	c.clock++
	for start := 0; start < len(rows); start += blockRows {
		end := min(start+blockRows, len(rows))
		c.blocks[blockKey{v, (offset + int64(start)) / blockRows}] = &block{rows: rows[start:end], used: c.clock}
	}
	for len(c.blocks) > maxBlocks {
		var oldest blockKey
		first := true
		for k, b := range c.blocks {
			if first || b.used < c.blocks[oldest].used {
				oldest, first = k, false
			}
		}
		delete(c.blocks, oldest)
	}
}

// missing returns the block-aligned span of [lo, hi) not yet cached, marking
// the cached blocks in it as wanted now.
func (c *cache) missing(v view, lo, hi, total int64) (from, to int64, ok bool) {
	c.clock++
	first, last := int64(-1), int64(-1)
	for n := lo / blockRows; n*blockRows < hi; n++ {
		b, have := c.blocks[blockKey{v, n}]
		complete := have && (len(b.rows) == blockRows || n*blockRows+int64(len(b.rows)) >= total)
		if complete {
			b.used = c.clock
			continue
		}
		if first < 0 {
			first = n
		}
		last = n
	}
	if first < 0 {
		return 0, 0, false
	}
	return first * blockRows, min((last+1)*blockRows, total), true
}

// source is the grid's view of the cache for the current table, filter and sort.
type source struct {
	c     *cache
	v     view
	total int64
}

func (s source) Len() int64                { return s.total }
func (s source) Row(i int64) ([]any, bool) { return s.c.row(s.v, i) }

// pageMsg carries a fetched window of rows.
type pageMsg struct {
	id     uint64
	view   view
	offset int64
	res    *query.Result
	err    error
}

// fetchRows asks for the rows around the viewport that are not cached: the
// screen's height above and twice below, so paging in either direction finds
// rows waiting. A fetch already covering the visible rows is left to finish.
func (m *Model) fetchRows() tea.Cmd {
	if m.table.Name == "" || !m.ready {
		return nil
	}
	total := m.rowCount()
	top, h := m.grid.Top(), int64(max(m.grid.Rows(), 1))
	visLo, visHi := top, min(top+h, total)
	if visHi <= visLo {
		return nil
	}
	v := m.view()
	from, to, need := m.cache.missing(v, max(top-h, 0), min(top+2*h, total), total)
	if !need {
		return nil
	}
	if m.pages.Running() {
		_, _, visibleMissing := m.cache.missing(v, visLo, visHi, total)
		inflight := m.inflight
		covered := inflight.view == v && inflight.from <= visLo && inflight.to >= visHi
		if !visibleMissing || covered {
			return nil
		}
	}
	label := fmt.Sprintf("fetching rows %s–%s", draw.Count(from+1), draw.Count(to))
	ctx, id := m.env.Start(&m.pages, label)
	m.inflight = span{view: v, from: from, to: to}
	// Browse: the grid jumps anywhere, so a sorted view's end and ordering are readied in the background.
	page := query.Page{Table: v.table, Where: v.where, OrderBy: v.order, Desc: v.desc, Offset: from, Limit: int(to - from), Browse: true}
	ws := m.env.WS
	return func() tea.Msg {
		res, err := ws.Rows(ctx, page)
		return pageMsg{id: id, view: v, offset: from, res: res, err: err}
	}
}

type span struct {
	view     view
	from, to int64
}

func (m *Model) onPage(msg pageMsg) tea.Cmd {
	if !m.pages.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	m.cache.put(msg.view, msg.offset, msg.res.Rows)
	m.grid.Observe(msg.res.Rows)
	return m.fetchRows()
}
