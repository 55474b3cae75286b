// Package grid is the table view shared by the Data and SQL screens. It holds
// only the cursor, the scroll position and column widths; rows come from a
// Source at render time, so a grid over ten million rows costs what the screen shows.
package grid

import (
	"math"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// Column is one column of the grid.
type Column struct {
	Name    string
	Type    string
	Numeric bool
	// PII is the kind of personal data the column holds; its values are
	// masked until Revealed.
	PII      pii.Kind
	Revealed bool
}

// Masked reports whether the column's values are hidden.
func (c Column) Masked() bool { return c.PII != pii.None && !c.Revealed }

// Source supplies rows by position. Row reports false for a row it does not
// hold yet (still being fetched); the grid draws a placeholder.
type Source interface {
	Len() int64
	Row(i int64) ([]any, bool)
}

// Layout constants, in cells.
const (
	headerLines = 2 // names and the rule under them
	gap         = 2 // between columns
	frozenSep   = 3 // " │ " after the frozen column
	scrollbarW  = 1
	minWidth    = 3
	maxWidth    = 32
)

// paints are the grid's styles, reduced for speed.
type paints struct {
	header, headerCurrent, headerSort, revealed, rule styles.Paint
	cell, number, null, loading, masked, frozen       styles.Paint
	cursorRow, cursorCell, cursorNumber, cursorMasked styles.Paint
	thumb, track, muted                               styles.Paint
}

func newPaints(st *styles.Styles) paints {
	p := styles.PaintOf
	return paints{
		header: p(st.Header), headerCurrent: p(st.HeaderCurrent), headerSort: p(st.HeaderSort),
		revealed: p(st.Revealed), rule: p(st.Rule),
		cell: p(st.Cell), number: p(st.Number), null: p(st.Null), loading: p(st.Loading),
		masked: p(st.Masked), frozen: p(st.Frozen),
		cursorRow: p(st.CursorRow), cursorCell: p(st.CursorCell), cursorNumber: p(st.CursorNumber),
		cursorMasked: p(st.CursorMasked),
		thumb:        p(st.ScrollThumb), track: p(st.ScrollTrack), muted: p(st.Muted),
	}
}

// Model is a grid's state.
type Model struct {
	keys  KeyMap
	paint paints

	cols   []Column
	order  []int // display position → source column
	frozen int   // leading display columns that never scroll
	// Widest value seen per source column, as shown masked and in clear, so
	// that revealing a column widens it.
	seen, seenMasked []int

	total       int64
	row, top    int64
	col, left   int // cursor display column; first scrollable column shown
	sortCol     int // source column, -1 when unsorted
	sortDesc    bool
	width, high int
}

// New returns an empty grid.
func New(st *styles.Styles) Model {
	return Model{keys: DefaultKeyMap(), paint: newPaints(st), sortCol: -1}
}

// SetStyles switches theme.
func (m *Model) SetStyles(st *styles.Styles) { m.paint = newPaints(st) }

// SetSize sets the grid's outer size, header included.
func (m *Model) SetSize(w, h int) {
	m.width, m.high = w, h
	m.clamp()
}

// SetColumns replaces the columns and resets the cursor. key names the column
// frozen on the left ("" for none).
func (m *Model) SetColumns(cols []Column, key string) {
	m.cols = cols
	m.order = m.order[:0]
	m.frozen = 0
	for i, c := range cols {
		if key != "" && c.Name == key {
			m.order = append(m.order, i)
			m.frozen = 1
		}
	}
	for i, c := range cols {
		if key == "" || c.Name != key {
			m.order = append(m.order, i)
		}
	}
	m.seen = make([]int, len(cols))
	m.seenMasked = make([]int, len(cols))
	m.row, m.top, m.col, m.left = 0, 0, 0, 0
	m.sortCol, m.sortDesc = -1, false
}

// Columns returns the columns in source order.
func (m *Model) Columns() []Column { return m.cols }

// SetTotal sets how many rows the source has.
func (m *Model) SetTotal(n int64) {
	m.total = max(n, 0)
	m.clamp()
}

// Total is the number of rows.
func (m *Model) Total() int64 { return m.total }

// SetSort marks the sorted column in the header (-1 for none).
func (m *Model) SetSort(col int, desc bool) { m.sortCol, m.sortDesc = col, desc }

// SetRevealed unmasks or masks a column's values.
func (m *Model) SetRevealed(col int, on bool) {
	if col >= 0 && col < len(m.cols) {
		m.cols[col].Revealed = on
	}
}

// Cursor returns the cursor row.
func (m *Model) Cursor() int64 { return m.row }

// Top is the first row shown.
func (m *Model) Top() int64 { return m.top }

// Rows is how many rows fit on screen.
func (m *Model) Rows() int { return max(m.high-headerLines, 0) }

// CurrentColumn returns the source index of the cursor column, or -1.
func (m *Model) CurrentColumn() int {
	if m.col < 0 || m.col >= len(m.order) {
		return -1
	}
	return m.order[m.col]
}

// MoveTo puts the cursor on row i.
func (m *Model) MoveTo(i int64) {
	m.row = i
	m.clamp()
}

// Observe widens columns to fit values that have arrived. Widths only grow, so
// columns do not jump while scrolling.
func (m *Model) Observe(rows [][]any) {
	for _, r := range rows {
		for i := range min(len(r), len(m.seen)) {
			text := m.clearText(r[i])
			m.seen[i] = max(m.seen[i], min(draw.Width(text), maxWidth))
			if m.cols[i].PII != pii.None {
				m.seenMasked[i] = max(m.seenMasked[i], min(draw.Width(pii.Mask(m.cols[i].PII, text)), maxWidth))
			}
		}
	}
}

// Update moves the cursor for a navigation key and reports whether it used the key.
func (m *Model) Update(msg tea.KeyPressMsg) bool {
	page := int64(max(m.Rows()-1, 1))
	switch {
	case key.Matches(msg, m.keys.Up):
		m.row--
	case key.Matches(msg, m.keys.Down):
		m.row++
	case key.Matches(msg, m.keys.PageUp):
		m.row -= page
		m.top -= page
	case key.Matches(msg, m.keys.PageDown):
		m.row += page
		m.top += page
	case key.Matches(msg, m.keys.HalfUp):
		m.row -= page / 2
		m.top -= page / 2
	case key.Matches(msg, m.keys.HalfDown):
		m.row += page / 2
		m.top += page / 2
	case key.Matches(msg, m.keys.Top):
		m.row = 0
	case key.Matches(msg, m.keys.Bottom):
		m.row = m.total - 1
	case key.Matches(msg, m.keys.Left):
		m.col--
	case key.Matches(msg, m.keys.Right):
		m.col++
	case key.Matches(msg, m.keys.First):
		m.col, m.left = 0, m.frozen
	case key.Matches(msg, m.keys.Last):
		m.col = len(m.order) - 1
	default:
		return false
	}
	m.clamp()
	return true
}

// Scroll moves the view and the cursor by n rows (the mouse wheel).
func (m *Model) Scroll(n int64) {
	m.top += n
	m.row += n
	m.clamp()
}

// wheelRows is how far a notch of the mouse wheel scrolls.
const wheelRows = 3

// Wheel scrolls for a notch of the mouse wheel and reports whether b was one.
func (m *Model) Wheel(b tea.MouseButton) bool {
	switch b {
	case tea.MouseWheelUp:
		m.Scroll(-wheelRows)
	case tea.MouseWheelDown:
		m.Scroll(wheelRows)
	default:
		return false
	}
	return true
}

// Click moves the cursor to the cell at (x, y), relative to the grid's corner.
func (m *Model) Click(x, y int) {
	if y >= headerLines {
		m.row = m.top + int64(y-headerLines)
	}
	for _, c := range m.layout() {
		if x >= c.x && x < c.x+c.w {
			m.col = c.pos
		}
	}
	m.clamp()
}

func (m *Model) clamp() {
	m.row = min(m.row, m.total-1)
	m.row = max(m.row, 0)
	rows := int64(max(m.Rows(), 1))
	if m.row < m.top {
		m.top = m.row
	}
	if m.row >= m.top+rows {
		m.top = m.row - rows + 1
	}
	m.top = max(min(m.top, m.total-rows), 0)
	m.col = max(min(m.col, len(m.order)-1), 0)
	m.showColumn()
}

// showColumn scrolls horizontally until the cursor column is fully visible.
func (m *Model) showColumn() {
	if m.col < m.frozen {
		m.left = max(m.left, m.frozen)
		return
	}
	if m.col < m.left {
		m.left = m.col
	}
	for m.left < m.col {
		full := false
		for _, c := range m.layout() {
			if c.pos == m.col && !c.clipped {
				full = true
			}
		}
		if full {
			break
		}
		m.left++
	}
	m.left = max(m.left, m.frozen)
}

// width returns the display width of source column i: its values, its header
// with the current markers, capped.
func (m *Model) colWidth(i int) int {
	values := m.seen[i]
	if m.cols[i].Masked() {
		values = m.seenMasked[i]
	}
	return min(max(values, draw.Width(m.headerText(i)), minWidth), maxWidth)
}

func (m *Model) headerText(i int) string {
	name, marker := m.headerParts(i)
	return name + marker
}

// headerParts is a column's title (with the sort arrow) and its reveal marker.
func (m *Model) headerParts(i int) (name, marker string) {
	name = m.cols[i].Name
	if i == m.sortCol {
		if m.sortDesc {
			name += " ▼"
		} else {
			name += " ▲"
		}
	}
	if m.cols[i].PII != pii.None && m.cols[i].Revealed {
		marker = " ◆revealed"
	}
	return name, marker
}

// text is a value as the grid shows it: masked if the column is.
func (m *Model) text(i int, v any) string {
	s := m.clearText(v)
	if v != nil && m.cols[i].Masked() {
		return pii.Mask(m.cols[i].PII, s)
	}
	return s
}

func (m *Model) clearText(v any) string {
	if v == nil {
		return "∅"
	}
	return formatValue(v)
}

// placed is a column's position on screen.
type placed struct {
	pos, src, x, w int
	clipped        bool
}

// layout places the frozen columns and as many scrollable ones from m.left as fit.
func (m *Model) layout() []placed {
	var out []placed
	avail := m.width - scrollbarW
	x := 0
	for pos := 0; pos < m.frozen && pos < len(m.order); pos++ {
		w := min(m.colWidth(m.order[pos]), max(avail-x, 0))
		out = append(out, placed{pos: pos, src: m.order[pos], x: x, w: w, clipped: w < m.colWidth(m.order[pos])})
		x += w + frozenSep
	}
	for pos := max(m.left, m.frozen); pos < len(m.order); pos++ {
		if pos > max(m.left, m.frozen) {
			x += gap
		}
		room := avail - x
		if room < minWidth {
			break
		}
		full := m.colWidth(m.order[pos])
		w := min(full, room)
		out = append(out, placed{pos: pos, src: m.order[pos], x: x, w: w, clipped: w < full})
		x += w
		if w < full {
			break
		}
	}
	return out
}

// formatValue is query.FormatValue with long fractions rounded: a grid is for
// reading, and 38.46450428396573 reads no better than 38.4645.
func formatValue(v any) string {
	f, ok := v.(float64)
	if !ok {
		return query.FormatValue(v)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if dot := strings.IndexByte(s, '.'); dot >= 0 && len(s)-dot-1 > 4 && math.Abs(f) >= 1e-4 {
		s = strings.TrimRight(strconv.FormatFloat(f, 'f', 4, 64), "0")
	}
	return s
}
