package segmentsscreen

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/priority"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/segments/split"
	"github.com/segscope/segscope/tui/draw"
)

// The campaign view (c) shows what a campaign needs of one segment: its split
// (the arms, their sizes, and the smallest lift they can detect for a baseline
// typed here), its snapshots and who entered and left since its last export,
// and the waterfall of each priority list it is a step of.

// The MDE's test: two-sided at 5%, with power 0.8, as `segscope split mde`
// defaults.
const (
	mdeAlpha = 0.05
	mdePower = 0.8
)

// campaign is the campaign view's state.
type campaign struct {
	segment  string
	loaded   bool
	err      error
	split    *split.Split
	arms     []split.ArmSize
	diff     *snapshot.Diff // since the last export; nil when it has none
	lists    []*priority.Waterfall
	baseline textinput.Model
}

type campaignMsg struct {
	id      uint64
	segment string
	split   *split.Split
	arms    []split.ArmSize
	diff    *snapshot.Diff
	lists   []*priority.Waterfall
	err     error
}

func newBaseline() textinput.Model {
	in := textinput.New()
	in.Placeholder = "0.04"
	in.CharLimit = 12
	in.SetWidth(10)
	return in
}

// openCampaign shows the campaign view of the segment under the cursor and
// reads what it shows.
func (m *Model) openCampaign() tea.Cmd {
	seg, ok := m.current()
	if !ok {
		return nil
	}
	c := &m.campaign
	if c.segment != seg.Name {
		baseline := c.baseline
		*c = campaign{segment: seg.Name, baseline: baseline}
	}
	m.view = viewCampaign
	return m.loadCampaign()
}

func (m *Model) loadCampaign() tea.Cmd {
	name := m.campaign.segment
	ctx, id := m.env.Start(&m.camp, "reading the campaign of "+name)
	ws, snaps := m.env.WS, m.snapshots()
	return func() tea.Msg {
		msg := campaignMsg{id: id, segment: name}
		sp, err := split.New(ws).Get(ctx, name)
		switch {
		case errors.Is(err, split.ErrNoSplit):
		case err != nil:
			msg.err = err
			return msg
		default:
			msg.split = &sp
			if msg.arms, msg.err = split.New(ws).Sizes(ctx, sp); msg.err != nil {
				return msg
			}
		}
		last, err := snaps.Find(ctx, name, "last-export")
		switch {
		case errors.Is(err, snapshot.ErrNoSnapshot):
		case err != nil:
			msg.err = err
			return msg
		default:
			if msg.diff, msg.err = snaps.Diff(ctx, name, last, nil, false); msg.err != nil {
				return msg
			}
		}
		ps := priority.New(ws)
		lists, err := ps.Lists(ctx, name)
		if err != nil {
			msg.err = err
			return msg
		}
		for _, l := range lists {
			w, err := ps.Waterfall(ctx, l.Name)
			if err != nil {
				msg.err = err
				return msg
			}
			msg.lists = append(msg.lists, w)
		}
		return msg
	}
}

func (m *Model) onCampaign(msg campaignMsg) {
	if !m.camp.Finish(msg.id) || msg.segment != m.campaign.segment {
		return
	}
	c := &m.campaign
	c.loaded, c.err, c.split, c.arms, c.diff, c.lists = true, msg.err, msg.split, msg.arms, msg.diff, msg.lists
}

func (m *Model) campaignKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	c := &m.campaign
	if c.baseline.Focused() {
		if key.Matches(msg, k.Back) || msg.String() == "enter" {
			c.baseline.Blur()
			return nil
		}
		var cmd tea.Cmd
		c.baseline, cmd = c.baseline.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Campaign):
		m.view = viewList
	case key.Matches(msg, k.Baseline):
		return c.baseline.Focus()
	case key.Matches(msg, k.Snapshot):
		return m.takeSnapshot()
	case key.Matches(msg, k.Refresh):
		return m.loadCampaign()
	}
	return nil
}

// mdeLines are the smallest lifts each test arm can detect against the
// control for the typed baseline, worked out here: pure arithmetic, no query.
func (m *Model) mdeLines() []string {
	st := m.env.Styles
	c := &m.campaign
	text := strings.TrimSuffix(strings.TrimSpace(c.baseline.Value()), "%")
	if text == "" {
		return []string{"   " + st.Faint.Render("type the control's expected rate (0.04 or 4%) for the smallest lift the arms can detect")}
	}
	rate, err := strconv.ParseFloat(text, 64)
	if err == nil && strings.HasSuffix(strings.TrimSpace(c.baseline.Value()), "%") {
		rate /= 100
	}
	if err != nil {
		return []string{"   " + st.Error.Render("✗ the baseline is a rate: 0.04, or 4%")}
	}
	control := c.split.Control()
	var ctl split.ArmSize
	for _, a := range c.arms {
		if a.Name == control {
			ctl = a
		}
	}
	var out []string
	for _, a := range c.arms {
		if a.Name == control {
			continue
		}
		d, err := split.MDE(rate, ctl.Members, a.Members, mdeAlpha, mdePower)
		if err != nil {
			out = append(out, "   "+st.Error.Render("✗ "+a.Name+": "+err.Error()))
			continue
		}
		out = append(out, "   "+st.Item.Render(fmt.Sprintf("%s vs %s: detects %s or more (%+.2f points, %+.1f%%)",
			a.Name, control, pct(d.Rate), 100*d.Absolute, 100*d.Relative)))
	}
	return out
}

func pct(f float64) string { return strconv.FormatFloat(100*f, 'f', 2, 64) + "%" }

func (m *Model) campaignView() string {
	st := m.env.Styles
	w := m.width
	c := &m.campaign
	title := " " + st.Title.Render("Campaign") + st.Muted.Render(" · "+c.segment)
	lines := []string{draw.HeadLine(title, st.Faint.Render("esc back "), w), st.Rule.Render(strings.Repeat("─", w))}
	switch {
	case c.err != nil:
		return strings.Join(append(lines, " "+st.Error.Render("✗ "+c.err.Error())), "\n")
	case !c.loaded:
		return strings.Join(append(lines, " "+st.Loading.Render("reading the split, snapshots and priority lists…")), "\n")
	}
	barW := max(min(w-44, 30), 8)
	// Split.
	if c.split == nil {
		lines = append(lines, " "+st.Subtitle.Render("Split")+st.Faint.Render("  not split · segscope split "+c.segment+" --arms control:10,treatment:90"))
	} else {
		lines = append(lines, " "+st.Subtitle.Render("Split")+st.Muted.Render("  "+c.split.Spec()+" · salt "+c.split.Salt))
		var total int64
		for _, a := range c.arms {
			total += a.Members
		}
		for _, a := range c.arms {
			lines = append(lines, "   "+st.Item.Render(draw.Fit(a.Name, 12))+st.Number.Render(draw.FitRight(draw.Count(a.Members), 10))+
				st.Muted.Render(draw.FitRight(pct(a.Actual), 9)+" of "+strconv.FormatFloat(a.Percent(), 'f', -1, 64)+"%  ")+
				st.Bar.Render(draw.HBar(float64(a.Members), float64(total), barW)))
		}
		lines = append(lines, "   "+st.Muted.Render("baseline ")+c.baseline.View()+st.Faint.Render("  b to type · two-sided 5%, power 0.8"))
		lines = append(lines, m.mdeLines()...)
	}
	lines = append(lines, "")
	// Snapshots.
	series := m.list.series[c.segment]
	snapLine := " " + st.Subtitle.Render("Snapshots") + st.Muted.Render(fmt.Sprintf("  %d", len(series)))
	if len(series) > 0 {
		last := series[len(series)-1]
		snapLine += st.Muted.Render(fmt.Sprintf(" · last %d (%s, %s): %s members", last.ID, last.Kind, ago(m.env.Now(), last.Taken), draw.Count(last.Size)))
	}
	lines = append(lines, snapLine+st.Faint.Render(" · s takes one"))
	if d := c.diff; d != nil {
		lines = append(lines, "   "+st.Item.Render(fmt.Sprintf("since the last export (snapshot %d, %s): %s entered, %s left, %s stayed",
			d.From.ID, ago(m.env.Now(), d.From.Taken), draw.Count(d.Entered), draw.Count(d.Left), draw.Count(d.Stayed))))
	} else {
		lines = append(lines, "   "+st.Faint.Render("no export yet: each export records who it sent to, and export --only-new sends only who entered since"))
	}
	lines = append(lines, "")
	// Priority lists.
	if len(c.lists) == 0 {
		lines = append(lines, " "+st.Subtitle.Render("Priority lists")+st.Faint.Render("  none holds "+c.segment+" · segscope priority define NAME --segments a,b,c"))
	}
	for _, wf := range c.lists {
		lines = append(lines, " "+st.Subtitle.Render("Priority list "+wf.List.Name)+st.Muted.Render("  "+strings.Join(wf.List.Segments, " > ")+" · "+draw.Count(wf.Rows)+" rows"))
		lines = append(lines, m.waterfallLines(wf, barW)...)
	}
	return strings.Join(lines, "\n")
}

// waterfallLines are a list's steps: each segment's size, what the earlier
// steps took (░) and the audience left (█), the segment viewed marked ▸.
func (m *Model) waterfallLines(wf *priority.Waterfall, barW int) []string {
	st := m.env.Styles
	var peak int64
	for _, s := range wf.Steps {
		peak = max(peak, s.Size)
	}
	var out []string
	for i, s := range wf.Steps {
		mark, nameSt := "  ", st.Item
		if s.Segment == m.campaign.segment {
			mark, nameSt = "▸ ", st.Title
		}
		kept := draw.HBar(float64(s.Audience), float64(peak), barW)
		taken := ""
		if s.Removed > 0 && peak > 0 {
			cells := int(float64(s.Size)/float64(peak)*float64(barW)+0.5) - draw.Width(kept)
			taken = strings.Repeat("░", max(cells, 1))
		}
		out = append(out, " "+mark+nameSt.Render(draw.Fit(strconv.Itoa(i+1)+" "+s.Segment, 16))+
			st.Number.Render(draw.FitRight(draw.Count(s.Size), 9))+st.Muted.Render(draw.FitRight("−"+draw.Count(s.Removed), 9))+
			st.Number.Render(draw.FitRight("= "+draw.Count(s.Audience), 11))+"  "+st.Bar.Render(kept)+st.Faint.Render(taken))
	}
	return out
}
