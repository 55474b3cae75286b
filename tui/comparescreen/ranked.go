package comparescreen

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/draw"
)

// columns are the ranked list's widths, set when the size or the result changes.
type columns struct {
	gap, name, summary, bar int
}

// Fixed widths of the ranked list: the cursor mark, the kind, an effect's
// number after its bar, and a p-value with its marks ("<0.0001 ***").
const (
	markW   = 2
	kindW   = 4
	effectW = 5
	pW      = 11
)

// rankTop is the line of the first ranked column: the title, its rule, the two
// sides, the overlap and the header are above it.
const rankTop = 6

func (m *Model) relayout() {
	c := columns{gap: 1, bar: 6}
	if m.width >= 110 {
		c.gap, c.bar = 2, 10
	}
	longest := len("column")
	if m.result != nil {
		for _, d := range m.result.Columns {
			longest = max(longest, draw.Width(d.Name))
		}
	}
	// Long names give way to the two sides first: a quarter of the width at most.
	c.name = min(max(longest, 10), 24, max(m.width/4, 10))
	fixed := markW + kindW + c.bar + 1 + effectW + pW + 5*c.gap
	c.summary = min(max((m.width-fixed-c.name)/2, 10), 22)
	if over := fixed + c.name + 2*c.summary - m.width; over > 0 {
		c.name = max(c.name-over, 8)
	}
	m.cols = c
}

// footerLines is how many lines the legend under the ranked list takes.
func (m *Model) footerLines() int {
	if m.height >= 20 {
		return 2
	}
	return 1
}

// rankRows is how many ranked columns fit.
func (m *Model) rankRows() int { return max(m.height-rankTop-m.footerLines(), 1) }

// current is the column under the cursor.
func (m *Model) current() (compare.ColumnDiff, bool) {
	if m.result == nil || m.cursor < 0 || m.cursor >= len(m.result.Columns) {
		return compare.ColumnDiff{}, false
	}
	return m.result.Columns[m.cursor], true
}

func (m *Model) rankedKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	n := 0
	if m.result != nil {
		n = len(m.result.Columns)
	}
	switch {
	case key.Matches(msg, k.ChooseA):
		return m.pick(sideA)
	case key.Matches(msg, k.ChooseB):
		return m.pick(sideB)
	case key.Matches(msg, k.Swap):
		return m.swap()
	case key.Matches(msg, k.Rerun):
		return m.compare()
	case m.result == nil:
	case key.Matches(msg, k.Open):
		return m.openColumn()
	case key.Matches(msg, k.Up):
		m.cursor--
	case key.Matches(msg, k.Down):
		m.cursor++
	case key.Matches(msg, k.PageUp):
		m.cursor -= m.rankRows()
	case key.Matches(msg, k.PageDown):
		m.cursor += m.rankRows()
	case key.Matches(msg, k.First):
		m.cursor = 0
	case key.Matches(msg, k.Last):
		m.cursor = n - 1
	}
	m.follow(n)
	return nil
}

// follow keeps the cursor on a column and in view.
func (m *Model) follow(n int) {
	m.cursor = max(min(m.cursor, n-1), 0)
	m.offset = draw.Follow(m.cursor, m.offset, n, m.rankRows())
}

func (m *Model) onClick(mouse tea.Mouse) {
	if m.view != viewRanked || m.result == nil {
		return
	}
	if i := m.offset + mouse.Y - rankTop; mouse.Y >= rankTop && i < min(len(m.result.Columns), m.offset+m.rankRows()) {
		m.cursor = i
	}
}

func (m *Model) onWheel(mouse tea.Mouse) {
	if m.result == nil {
		return
	}
	delta := 1
	if mouse.Button == tea.MouseWheelUp {
		delta = -1
	}
	switch m.view {
	case viewRanked:
		m.cursor += delta
		m.follow(len(m.result.Columns))
	case viewColumn:
		m.scroll = max(m.scroll+delta, 0)
	}
}
