package segmentsscreen

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/NimbleMarkets/ntcharts/v2/canvas"
	"github.com/NimbleMarkets/ntcharts/v2/canvas/runes"
	"github.com/NimbleMarkets/ntcharts/v2/linechart"
	"github.com/NimbleMarkets/ntcharts/v2/sparkline"

	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
)

// Each segment's snapshots (segments/snapshot) give its size and reach over
// time: a sparkline of the size in the list, and a line chart of size and reach
// per channel beside the current segment's detail, with a warning when the size
// drifted between the last two snapshots.

// driftShare is the change between snapshots worth a warning, as `segscope
// segment trend` warns by default.
const driftShare = 0.2

// trendW is the list's trend column.
const trendW = 8

// seriesMsg is every segment's snapshots.
type seriesMsg struct {
	id     uint64
	series map[string][]snapshot.Snapshot
	err    error
}

// snapshotMsg answers s: the snapshot taken, and the diff since the segment's
// last export when it has one.
type snapshotMsg struct {
	id    uint64
	taken snapshot.Taken
	diff  *snapshot.Diff
	err   error
}

// loadSeries reads every segment's snapshots, in one query.
func (m *Model) loadSeries() tea.Cmd {
	ctx, id := m.env.Start(&m.series, "reading snapshots")
	svc := m.snapshots()
	return func() tea.Msg {
		s, err := svc.Series(ctx)
		return seriesMsg{id: id, series: s, err: err}
	}
}

func (m *Model) snapshots() *snapshot.Service {
	svc := snapshot.New(m.env.WS)
	svc.Consent = m.env.Consent
	return svc
}

func (m *Model) onSeries(msg seriesMsg) tea.Cmd {
	if !m.series.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	m.list.series = msg.series
	m.relayout()
	return nil
}

// takeSnapshot records the current segment's members (s), then says how it
// moved since the last export.
func (m *Model) takeSnapshot() tea.Cmd {
	seg, ok := m.current()
	if !ok {
		return nil
	}
	ctx, id := m.env.Start(&m.snap, "taking a snapshot of "+seg.Name)
	svc := m.snapshots()
	name := seg.Name
	return func() tea.Msg {
		t, err := svc.Take(ctx, name, "taken in the console")
		if err != nil {
			return snapshotMsg{id: id, err: err}
		}
		msg := snapshotMsg{id: id, taken: t}
		last, err := svc.Find(ctx, name, "last-export")
		switch {
		case errors.Is(err, snapshot.ErrNoSnapshot):
		case err != nil:
			msg.err = err
		default:
			msg.diff, msg.err = svc.Diff(ctx, name, last, &t.Snapshot, false)
		}
		return msg
	}
}

func (m *Model) onSnapshot(msg snapshotMsg) tea.Cmd {
	if !m.snap.Finish(msg.id) {
		return nil
	}
	if msg.err != nil && msg.taken.Snapshot.ID == 0 {
		return common.Fail(msg.err)
	}
	s := msg.taken.Snapshot
	text := fmt.Sprintf("Snapshot %d of %s: %s", s.ID, s.Segment, draw.Count(s.Size)+" "+draw.Plural(s.Size, "member", "members"))
	switch {
	case msg.err != nil:
		text += "; the diff since the last export failed: " + msg.err.Error()
	case msg.diff != nil:
		text += fmt.Sprintf("; since the last export (snapshot %d) %s entered, %s left", msg.diff.From.ID, draw.Count(msg.diff.Entered), draw.Count(msg.diff.Left))
	default:
		text += "; no export yet to compare with"
	}
	if p := msg.taken.Previous; p != nil && snapshot.Drifted(p.Size, s.Size, driftShare) {
		text += " · " + driftText(p.Size, s.Size)
	}
	cmds := []tea.Cmd{common.Notice(text), m.loadSeries()}
	if m.view == viewCampaign && m.campaign.segment == s.Segment {
		cmds = append(cmds, m.loadCampaign())
	}
	return tea.Batch(cmds...)
}

// driftText says how far a size moved between two snapshots.
func driftText(before, after int64) string {
	change := "appeared from nothing"
	if before > 0 {
		change = fmt.Sprintf("%+.1f%%", 100*float64(after-before)/float64(before))
	}
	return fmt.Sprintf("⚠ size moved %s (%s → %s), more than %d%% between snapshots", change, draw.Count(before), draw.Count(after), int(100*driftShare))
}

// renderTrends draws each item's sparkline once, when the snapshots or the
// width change, so View only pastes them.
func (m *Model) renderTrends() {
	for i := range m.list.items {
		it := &m.list.items[i]
		it.trend = sparkText(snapshot.Sizes(m.list.series[it.seg.Name]), m.list.cols.trend)
	}
	m.chart = chartCache{}
}

// sparkText is a sparkline of sizes, the latest at the right, in w cells;
// plain runes, so the row styles it. Bars rise from zero, so a small change
// looks small.
func sparkText(sizes []int64, w int) string {
	if len(sizes) == 0 || w <= 0 {
		return ""
	}
	sl := sparkline.New(w, 1)
	for _, s := range sizes {
		sl.Push(float64(s))
	}
	sl.Draw()
	return sl.View()
}

// chartCache is the drawn trend chart of one segment at one size.
type chartCache struct {
	segment string
	w, h    int
	lines   []string
}

// chartSize is the trend chart's width and height beside a detail h lines
// tall; 0 when there is no chart.
func (m *Model) chartSize(series []snapshot.Snapshot, h int) (int, int) {
	if len(series) == 0 || m.width < 60 || h < 6 {
		return 0, 0
	}
	// Taller than 16 lines, a chart of a handful of snapshots only stretches.
	return min(max(m.width*2/5, 30), 64), min(h-1, 16)
}

// detailHeight is the lines under the list for the current segment's detail.
func (m *Model) detailHeight() int { return m.height - listTop - m.listRows() }

// syncChart draws the current segment's chart when the segment, its
// snapshots, the size or the theme changed, in Update, so View only pastes it.
func (m *Model) syncChart() {
	seg, ok := m.current()
	if m.view != viewList || !ok || !m.list.loaded {
		return
	}
	series := m.list.series[seg.Name]
	w, h := m.chartSize(series, m.detailHeight())
	if w == 0 {
		return
	}
	if c := m.chart; c.segment == seg.Name && c.w == w && c.h == h && c.lines != nil {
		return
	}
	m.chart = chartCache{segment: seg.Name, w: w, h: h, lines: m.drawTrend(series, w, h)}
}

// drawTrend draws a segment's size and reach per channel over its snapshots,
// w×h cells: a title, the chart and its legend.
func (m *Model) drawTrend(series []snapshot.Snapshot, w, h int) []string {
	st := m.env.Styles
	lines := []string{draw.Fit(st.Subtitle.Render("size and reach")+st.Muted.Render(fmt.Sprintf(" · %d %s", len(series), draw.Plural(int64(len(series)), "snapshot", "snapshots"))), w)}
	chartH := h - 2
	var peak int64
	channels := map[string]bool{}
	for _, s := range series {
		peak = max(peak, s.Size)
		for ch := range s.Reach {
			channels[ch] = true
		}
	}
	chs := slices.Sorted(maps.Keys(channels))
	lc := linechart.New(w, chartH, 0, float64(max(len(series)-1, 1)), 0, float64(max(peak, 1)),
		linechart.WithXYSteps(0, 2), linechart.WithYLabelFormatter(func(_ int, v float64) string { return short(int64(v)) }),
		linechart.WithStyles(st.Rule, st.Muted, st.Bar))
	lc.DrawXYAxisAndLabel()
	point := func(i int, v int64) canvas.Float64Point {
		return canvas.Float64Point{X: float64(i), Y: float64(v)}
	}
	// Reach first, so the size's line stays whole where they cross.
	legend := []string{st.Bar.Render("─") + st.Muted.Render(" size")}
	used := map[rune]bool{}
	for _, ch := range chs {
		mark := reachMark(ch, used)
		legend = append(legend, st.Number.Render(string(mark))+st.Muted.Render(" "+ch))
		for i, s := range series {
			n, ok := s.Reach[ch]
			if !ok {
				continue
			}
			lc.DrawRuneWithStyle(point(i, n), mark, st.Number)
		}
	}
	for i := range series {
		j := min(i+1, len(series)-1)
		lc.DrawLineWithStyle(point(i, series[i].Size), point(j, series[j].Size), runes.ArcLineStyle, st.Bar)
	}
	for _, l := range strings.Split(lc.View(), "\n") {
		lines = append(lines, draw.Fit(l, w))
	}
	return append(lines, draw.Fit(" "+strings.Join(legend, "  "), w))
}

// reachMark is the rune a channel's reach is plotted with: the first letter
// of its name not taken by an earlier channel (sms, then social's o), so the
// chart reads without colour.
func reachMark(channel string, used map[rune]bool) rune {
	for _, r := range channel {
		if r >= 'a' && r <= 'z' && !used[r] {
			used[r] = true
			return r
		}
	}
	for r := 'a'; r <= 'z'; r++ {
		if !used[r] {
			used[r] = true
			return r
		}
	}
	return '*'
}

// short is a count in at most five cells: 950, 12k, 1.2M.
func short(n int64) string {
	switch {
	case n < 10_000:
		return strconv.FormatInt(n, 10)
	case n < 1_000_000:
		return strconv.FormatInt((n+500)/1000, 10) + "k"
	case n < 10_000_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
	}
	return strconv.FormatInt((n+500_000)/1_000_000, 10) + "M"
}

// detailTrend is what the detail says about the snapshots beside the chart:
// the last one, and a drift warning.
func (m *Model) detailTrend(series []snapshot.Snapshot) []string {
	st := m.env.Styles
	if len(series) == 0 {
		return []string{" " + st.Faint.Render("no snapshots yet · s takes one (every export takes one too)")}
	}
	last := series[len(series)-1]
	out := []string{" " + st.Muted.Render(fmt.Sprintf("last snapshot %d (%s, %s): %s members", last.ID, last.Kind, ago(m.env.Now(), last.Taken), draw.Count(last.Size)))}
	if n := len(series); n > 1 && snapshot.Drifted(series[n-2].Size, last.Size, driftShare) {
		out = append(out, " "+st.Warn.Render(driftText(series[n-2].Size, last.Size)))
	}
	return out
}
