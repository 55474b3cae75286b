package datascreen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/tui/draw"
)

type profileKey struct{ table, where, column string }

type profileResult struct {
	p   query.ColumnProfile
	err error
}

type profileMsg struct {
	id  uint64
	key profileKey
	res profileResult
}

// ToggleProfile shows or hides the column profile panel.
func (m *Model) ToggleProfile() tea.Cmd {
	m.showProfile = !m.showProfile
	if !m.showProfile {
		m.prof.Cancel()
	}
	m.relayout()
	return tea.Batch(m.fetchRows(), m.fetchProfile())
}

func (m *Model) profileKey() (profileKey, bool) {
	i := m.grid.CurrentColumn()
	if !m.ready || i < 0 || i >= len(m.columns) {
		return profileKey{}, false
	}
	return profileKey{table: m.table.Name, where: m.where, column: m.columns[i].Name}, true
}

// fetchProfile profiles the cursor column when the panel is open and the
// profile is not cached. Moving to another column supersedes the running one.
func (m *Model) fetchProfile() tea.Cmd {
	if !m.showProfile {
		return nil
	}
	k, ok := m.profileKey()
	if !ok {
		return nil
	}
	if len(m.personTables()) > 0 {
		m.prof.Cancel()
		return m.fetchDist()
	}
	if _, cached := m.profiles[k]; cached {
		m.prof.Cancel()
		return nil
	}
	ctx, id := m.env.Start(&m.prof, "profiling "+k.column)
	ws := m.env.WS
	return func() tea.Msg {
		p, err := ws.ProfileColumn(ctx, k.table, k.column, k.where)
		return profileMsg{id: id, key: k, res: profileResult{p: p, err: err}}
	}
}

func (m *Model) onProfile(msg profileMsg) tea.Cmd {
	if !m.prof.Finish(msg.id) {
		return nil
	}
	m.profiles[msg.key] = msg.res
	return nil
}

func (m *Model) profileView() string {
	st := m.env.Styles
	r := m.rects.prof
	w := r.W - 2 // separator and a space on the left
	var lines []string
	k, ok := m.profileKey()
	res, have := m.profiles[k]
	switch es := m.personTables(); {
	case len(es) > 0:
		lines = m.distLines(es, w, r.H)
	case !ok:
		lines = []string{st.PanelTitle.Render("Profile")}
	case !have:
		lines = []string{st.PanelTitle.Render("Profile ") + st.Title.Render(k.column), "", st.Muted.Render("profiling…")}
	case res.err != nil:
		lines = []string{st.PanelTitle.Render("Profile ") + st.Title.Render(k.column), ""}
		for _, l := range strings.Split(ansi.Wordwrap(res.err.Error(), w, " "), "\n") {
			lines = append(lines, st.Error.Render(l))
		}
	default:
		col := m.grid.Columns()[m.grid.CurrentColumn()]
		mask := func(s string) string {
			if col.Masked() {
				return pii.Mask(col.PII, s)
			}
			return s
		}
		lines = m.profileLines(res.p, w, r.H, mask)
	}
	sep := st.Rule.Render("│")
	out := strings.Split(draw.Block(strings.Join(lines, "\n"), w, r.H), "\n")
	for i := range out {
		out[i] = sep + " " + out[i]
	}
	return strings.Join(out, "\n")
}

func (m *Model) profileLines(p query.ColumnProfile, w, h int, mask func(string) string) []string {
	st := m.env.Styles
	lines := []string{
		st.PanelTitle.Render("Profile ") + st.Title.Render(p.Name),
		st.Muted.Render(p.Type) + st.Faint.Render(" · ") + st.Muted.Render(draw.Count(p.Count)+" "+draw.Plural(p.Count, "row", "rows")),
		"",
	}
	half := w / 2
	pair := func(k1, v1, k2, v2 string) string {
		left := st.Muted.Render(draw.Fit(k1, 9)) + draw.FitRight(v1, half-10)
		if k2 == "" {
			return left
		}
		return left + "  " + st.Muted.Render(draw.Fit(k2, 6)) + draw.FitRight(v2, w-half-9)
	}
	nullPct := 0.0
	if p.Count > 0 {
		nullPct = float64(p.Nulls) / float64(p.Count) * 100
	}
	lo, hi := mask(p.Min), mask(p.Max)
	if p.Mean != nil {
		lo, hi = numText(p.Min), numText(p.Max)
	}
	lines = append(lines,
		pair("nulls", draw.Count(p.Nulls), "", "")+st.Muted.Render(fmt.Sprintf(" %.1f%%", nullPct)),
		pair("distinct", draw.Count(p.Distinct), "", ""),
		pair("min", lo, "max", hi),
	)
	if p.Mean != nil {
		lines = append(lines,
			pair("mean", num(p.Mean), "std", num(p.Std)),
			pair("q25", num(p.Q25), "q75", num(p.Q75)),
			pair("median", num(p.Median), "", ""),
		)
	}
	lines = append(lines, "")
	room := h - len(lines) - 1
	switch {
	case len(p.Bins) > 0 && room >= 3:
		lines = append(lines, st.Subtitle.Render("Distribution"))
		lines = append(lines, m.histogram(p.Bins, w, min(room-1, 8))...)
	case p.Distinct == p.Count-p.Nulls && p.Distinct > 1:
		lines = append(lines, st.Muted.Render("Every value is distinct."))
	case len(p.Top) > 0 && room >= 2:
		lines = append(lines, st.Subtitle.Render("Top values"))
		lines = append(lines, m.topValues(p, w, room-1, mask)...)
	}
	return lines
}

// histogram draws bins as vertical bars in eighths of a cell, with the range
// below.
func (m *Model) histogram(bins []query.Bin, w, h int) []string {
	st := m.env.Styles
	h = max(h-1, 1)
	var peak int64
	for _, b := range bins {
		peak = max(peak, b.Count)
	}
	bw := max(w/len(bins), 1)
	cols := min(len(bins), w/bw)
	lines := make([]string, h)
	for row := range h {
		var b strings.Builder
		level := (h - row - 1) * 8 // eighths below this row
		for i := range cols {
			eighths := 0
			if peak > 0 {
				eighths = int(math.Round(float64(bins[i].Count) / float64(peak) * float64(h*8)))
			}
			if bins[i].Count > 0 {
				eighths = max(eighths, 1)
			}
			b.WriteString(strings.Repeat(blockFor(eighths-level), bw))
		}
		lines[row] = st.Bar.Render(b.String())
	}
	lo, hi := num(&bins[0].Low), num(&bins[len(bins)-1].High)
	axis := lo + strings.Repeat(" ", max(cols*bw-draw.Width(lo)-draw.Width(hi), 1)) + hi
	return append(lines, st.Muted.Render(axis))
}

var eighthsUp = []string{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

func blockFor(eighths int) string {
	return eighthsUp[min(max(eighths, 0), 8)]
}

func (m *Model) topValues(p query.ColumnProfile, w, h int, mask func(string) string) []string {
	st := m.env.Styles
	var peak int64
	for _, t := range p.Top {
		peak = max(peak, t.Count)
	}
	labelW := min(max(w/3, 8), 16)
	countW := 7
	barW := max(w-labelW-countW-2, 4)
	var lines []string
	for i, t := range p.Top {
		if i == h {
			break
		}
		label := t.Value
		if label != "(null)" {
			label = mask(label)
		}
		bar := draw.Fit(draw.HBar(float64(t.Count), float64(peak), barW), barW)
		lines = append(lines, draw.Fit(label, labelW)+" "+st.Bar.Render(bar)+" "+draw.FitRight(draw.Count(t.Count), countW))
	}
	return lines
}

// numText formats a number the database gave as text, like num.
func numText(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return num(&f)
}

// num formats a statistic for reading: thousands separated when large, a few
// significant digits when small.
func num(f *float64) string {
	if f == nil {
		return "–"
	}
	v := *f
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'g', -1, 64)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return draw.Count(int64(v))
	case math.Abs(v) >= 1000:
		return draw.Count(int64(math.Round(v)))
	case math.Abs(v) >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
