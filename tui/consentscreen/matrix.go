package consentscreen

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/tui/draw"
)

// matrixCols are the matrix's widths, set when the size or the matrix changes.
type matrixCols struct {
	name, cell int
	visible    int // channel columns that fit
	rowH       int // lines per segment: a narrow cell puts its count under its share
}

const (
	markW    = 2
	membersW = 8
	// matrixTop is the line of the first segment: the title, its rule and the
	// channel header are above it.
	matrixTop = 3
	// A cell holds a shade, a share and a count: "▓ 56.8%  1,055".
	minCell, oneLineCell, maxCell = 9, 15, 20
)

func (m *Model) relayout() {
	longest := len("segment")
	for _, r := range m.rows() {
		longest = max(longest, draw.Width(r.Segment))
	}
	c := matrixCols{name: min(max(longest, 10), 22), rowH: 1}
	n := 0
	if m.matrix != nil {
		n = len(m.matrix.Channels)
	}
	if n > 0 {
		avail := m.width - markW - c.name - 1 - membersW
		c.visible = min(n, max(avail/(minCell+1), 1))
		c.cell = min(avail/c.visible-1, maxCell)
		if c.cell < oneLineCell {
			c.rowH = 2
		}
	}
	m.cols = c
}

// matrixRows is how many segments fit above the legend.
func (m *Model) matrixRows() int { return max((m.height-matrixTop-1)/m.cols.rowH, 1) }

// follow keeps the cursor on a segment and the chosen channel in view.
func (m *Model) follow() {
	n := len(m.rows())
	m.cursor = max(min(m.cursor, n-1), 0)
	m.offset = draw.Follow(m.cursor, m.offset, n, m.matrixRows())
	if m.view != viewMatrix {
		return
	}
	ch, vis := m.channelIndex(), max(m.cols.visible, 1)
	switch {
	case ch < m.chanOffset:
		m.chanOffset = ch
	case ch >= m.chanOffset+vis:
		m.chanOffset = ch - vis + 1
	}
}

func (m *Model) onClick(mouse tea.Mouse) {
	if m.view != viewMatrix || mouse.Y < matrixTop {
		return
	}
	i := m.offset + (mouse.Y-matrixTop)/m.cols.rowH
	if i >= len(m.rows()) {
		return
	}
	m.cursor = i
	if x := mouse.X - markW - m.cols.name - 1 - membersW; x >= 0 && m.cols.cell > 0 {
		if ch := m.chanOffset + x/(m.cols.cell+1); ch < len(m.matrix.Channels) {
			m.chosen = m.matrix.Channels[ch]
		}
	}
	m.follow()
}

// heatLevel places a share on the four-step scale.
func heatLevel(share float64) int { return min(int(share*4), 3) }

// shades draw the heat scale in every theme, colour or not.
var shades = [4]string{"░", "▒", "▓", "█"}

func percent(share float64) string {
	return strconv.FormatFloat(100*share, 'f', 1, 64) + "%"
}

func (m *Model) matrixView() []string {
	st := m.env.Styles
	left := " " + st.Title.Render("Consent") + "  " + st.Muted.Render("who may be contacted")
	if m.matrix != nil {
		// "counted", not "as of": the status line's as-of is the events' (windows, ago()).
		left += st.Faint.Render(" · counted " + m.matrix.AsOf.In(m.env.Now().Location()).Format("2006-01-02 15:04"))
	}
	lines := []string{draw.HeadLine(left, st.Faint.Render("enter detail · r recount "), m.width), m.rule()}
	switch {
	case m.err != nil:
		return append(lines, "", " "+st.Error.Render("✗ "+m.err.Error()))
	case m.matrix == nil && m.load.Running():
		return append(lines, "", " "+st.Muted.Render("counting consent coverage…"))
	case m.matrix == nil:
		return append(lines, "", " "+st.Muted.Render("Not counted: press r to count consent coverage."))
	case len(m.matrix.Rows) == 0:
		lines = append(lines, "",
			"  "+st.Title.Render("No segments yet."),
			"",
			"  "+st.Muted.Render("The matrix shows how many of each segment's members may be contacted on each channel."),
			"  "+st.Muted.Render("Define segments on the Segments screen (3), then come back."))
		if unset := m.matrix.Audiences.NotSetUp; len(unset) > 0 {
			lines = append(lines, "", "  "+st.Warn.Render("No consent set up for "+strings.Join(unset, ", ")+".")+
				st.Muted.Render(" A segment on one shows the setup segscope proposes."))
		}
		for i := range lines {
			lines[i] = draw.Fit(lines[i], m.width)
		}
		return lines
	}
	lines = append(lines, m.matrixHeader())
	for i := m.offset; i < len(m.matrix.Rows) && i < m.offset+m.matrixRows(); i++ {
		lines = append(lines, m.matrixRow(i)...)
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	return append(lines, m.legend())
}

func (m *Model) matrixHeader() string {
	st := m.env.Styles
	c := m.cols
	out := st.Header.Render(strings.Repeat(" ", markW) + draw.Fit("segment", c.name) + " " + draw.FitRight("members", membersW))
	chs := m.matrix.Channels
	chosen := m.channelIndex()
	for i := m.chanOffset; i < len(chs) && i < m.chanOffset+c.visible; i++ {
		style := st.Header
		if i == chosen {
			style = st.HeaderCurrent
		}
		out += " " + style.Render(draw.Fit(chs[i], c.cell))
	}
	if more := len(chs) - m.chanOffset - c.visible; more > 0 {
		out += st.Faint.Render("  → " + strconv.Itoa(more) + " more")
	}
	if m.chanOffset > 0 {
		out = draw.Fit(out, m.width-len(" ← more")) + st.Faint.Render(" ← more")
	}
	return draw.Fit(out, m.width)
}

// matrixRow is one segment: its name and size, then a tile per channel, or
// why it has none.
func (m *Model) matrixRow(i int) []string {
	st := m.env.Styles
	c := m.cols
	r := m.matrix.Rows[i]
	name, mark := st.Item, "  "
	if i == m.cursor {
		name, mark = st.ItemCursor, "▸ "
	}
	members := "–"
	if r.Problem == "" {
		members = draw.Count(r.Members)
	}
	head := name.Render(mark+draw.Fit(r.Segment, c.name)) + " " + st.Number.Render(draw.FitRight(members, membersW))
	lines := make([]string, c.rowH)
	lines[0] = head
	for l := 1; l < c.rowH; l++ {
		lines[l] = strings.Repeat(" ", markW+c.name+1+membersW)
	}
	if r.Problem != "" {
		why := st.Error.Render("✗ " + r.Problem)
		if r.NotSetUp {
			why = st.Warn.Render("no consent set up for "+r.Table) + st.Muted.Render(" — enter shows how to set it up")
		}
		lines[0] += "  " + why
	} else {
		chosen := m.channelIndex()
		for ch := m.chanOffset; ch < len(r.Cells) && ch < m.chanOffset+c.visible; ch++ {
			tile := m.tile(r.Cells[ch], i == m.cursor && ch == chosen)
			for l := range lines {
				lines[l] += " " + tile[l]
			}
		}
	}
	for l := range lines {
		lines[l] = draw.Fit(lines[l], m.width)
	}
	return lines
}

// tile is one cell of the matrix, rowH lines of c.cell cells: the shade of its
// heat step, the contactable share and count, on the step's background.
func (m *Model) tile(cell consent.Cell, cursor bool) []string {
	st := m.env.Styles
	w := m.cols.cell
	out := make([]string, m.cols.rowH)
	if !cell.Available {
		for l := range out {
			out[l] = strings.Repeat(" ", w)
		}
		out[0] = st.Faint.Render(draw.Fit("  –", w))
		return out
	}
	level := heatLevel(cell.Share)
	style := st.Heat[level]
	if cursor {
		style = st.CursorCell
	}
	share := shades[level] + " " + draw.FitRight(percent(cell.Share), 6)
	count := draw.Count(cell.Contactable)
	if len(out) == 1 {
		out[0] = style.Render(draw.Fit(share+draw.FitRight(count, w-draw.Width(share)-1)+" ", w))
		return out
	}
	out[0] = style.Render(draw.Fit(share, w))
	out[1] = style.Render(draw.Fit("  "+count, w))
	return out
}

// legend explains the scale with a swatch of each step.
func (m *Model) legend() string {
	st := m.env.Styles
	var b strings.Builder
	b.WriteString(" ")
	for i, label := range []string{"<25%", "25–50%", "50–75%", "75%+"} {
		b.WriteString(st.Heat[i].Render(" "+shades[i]+" ") + " " + st.Faint.Render(label) + "  ")
	}
	b.WriteString(st.Faint.Render("of members contactable: consent granted, recent, not a minor"))
	return draw.Fit(b.String(), m.width)
}
