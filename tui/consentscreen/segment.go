package consentscreen

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/tui/draw"
)

// View draws the matrix, or one segment's detail.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	lines := m.matrixView()
	if m.view == viewSegment {
		lines = m.segmentView()
	}
	return draw.Block(strings.Join(lines, "\n"), m.width, m.height)
}

func (m *Model) rule() string { return m.env.Styles.Rule.Render(strings.Repeat("─", m.width)) }

// Widths of the detail's tables.
const (
	stateW        = 13
	jurisdictionW = 14
)

func (m *Model) segmentView() []string {
	st := m.env.Styles
	row, ok := m.current()
	if !ok {
		return nil
	}
	left := " " + st.Title.Render("Consent") + "  " + st.Subtitle.Render(row.Segment)
	if m.cov != nil {
		left += st.Muted.Render(" · " + draw.Count(m.cov.Members) + " members of " + row.Table)
	} else {
		left += st.Muted.Render(" · " + row.Table)
	}
	right := "←/→ channel · j/k segment · esc back "
	if m.setup.confirming {
		right = "enter save · esc cancel "
	}
	lines := []string{draw.HeadLine(left, st.Faint.Render(right), m.width), m.rule()}
	switch {
	case m.setup.table != "" && m.covErr == nil:
		return append(lines, m.setupView()...)
	case m.covErr != nil:
		return append(lines, "", " "+st.Error.Render("✗ "+m.covErr.Error()))
	case m.cov == nil && m.detail.Running():
		return append(lines, "", " "+st.Muted.Render("counting consent states…"))
	case m.cov == nil:
		return append(lines, "", " "+st.Muted.Render("Not counted: press r to count again."))
	}
	from, policy := m.source()
	lines = append(lines, " "+st.Faint.Render(from), " "+st.Faint.Render(policy), "")
	lines = append(lines, m.stateTable()...)
	lines = append(lines, "")
	return append(lines, m.jurisdictionTable()...)
}

// source says where the consent data comes from, and which policy applies.
func (m *Model) source() (string, string) {
	c := m.cov.Config
	from := "consent events in " + c.Table
	if c.Events != nil {
		from = "consent events in " + c.Events.Table
	}
	if c.Layout == consent.Wide {
		from = "opt-in columns of " + c.Table
	}
	p := c.Policy
	return from, fmt.Sprintf("a grant is stale after %d days · minors are under %d (%d in the EU/EEA) · as of %s", p.StaleDays,
		p.MinorAge, p.MinorAgeEU, m.cov.AsOf.In(m.env.Now().Location()).Format("2006-01-02 15:04"))
}

// stateTable has a row per consent state and a column per channel: how many
// members are in the state, and their share.
func (m *Model) stateTable() []string {
	st := m.env.Styles
	chs := m.cov.Channels
	chosen := m.channelIndex()
	// A cell holds "118,702  56.8%", and widens for a long channel name when
	// every channel still fits.
	stateCell := 15
	longest := 0
	for _, c := range chs {
		longest = max(longest, draw.Width(c.Channel))
	}
	if wide := min(longest, 20); len(chs)*(wide+1) <= m.width-markW-stateW {
		stateCell = max(stateCell, wide)
	}
	first, n := m.visibleChannels(len(chs), stateW, stateCell)
	header := strings.Repeat(" ", markW) + st.Header.Render(draw.Fit("state", stateW))
	for i := first; i < first+n; i++ {
		style := st.Header
		if i == chosen {
			style = st.HeaderCurrent
		}
		header += " " + style.Render(draw.FitRight(chs[i].Channel, stateCell))
	}
	lines := []string{draw.Fit(header, m.width)}
	// Suppressed is counted only when the workspace has suppression lists, and
	// then first, since a list overrides any consent; do_not_sell only where a
	// do-not-sell flag kept someone out of an ads channel.
	for _, s := range m.cov.Reasons() {
		label := st.Item.Render(draw.Fit(string(s), stateW))
		if s == consent.Granted {
			label = st.Good.Render(draw.Fit("granted ✓", stateW))
		}
		row := strings.Repeat(" ", markW) + label
		for i := first; i < first+n; i++ {
			t := chs[i].Tally
			row += " " + st.Number.Render(draw.FitRight(draw.Count(t.Counts[s]), stateCell-8)) +
				st.Muted.Render(draw.FitRight(percent(t.Shares[s]), 8))
		}
		lines = append(lines, draw.Fit(row, m.width))
	}
	warn := func(format string, args ...any) {
		lines = append(lines, draw.Fit("  "+st.Warn.Render(fmt.Sprintf(format, args...)), m.width))
	}
	if m.cov.AgeUnknown > 0 {
		warn("%s members' age is unknown: %s", draw.Count(m.cov.AgeUnknown), m.cov.Config.Policy.UnknownAgeRule())
	}
	for _, c := range chs {
		if c.Unrecognized > 0 {
			warn("%s: %s members' latest status word was not recognised and counts as unknown", c.Channel, draw.Count(c.Unrecognized))
		}
		if c.FutureDated > 0 {
			warn("%s: %s members have an event dated in the future, which never counts as their latest", c.Channel, draw.Count(c.FutureDated))
		}
	}
	return lines
}

// visibleChannels is the run of channels that fit beside a label of labelW
// cells, in cells of cellW, keeping the chosen one in view.
func (m *Model) visibleChannels(total, labelW, cellW int) (first, n int) {
	n = min(total, max((m.width-markW-labelW)/(cellW+1), 1))
	first = max(min(m.channelIndex()-n+1, total-n), 0)
	return first, n
}

// jurisdictionTable is the chosen channel's states by jurisdiction.
func (m *Model) jurisdictionTable() []string {
	st := m.env.Styles
	chs := m.cov.Channels
	if len(chs) == 0 {
		return []string{" " + st.Muted.Render("no channels in the consent data")}
	}
	c := chs[m.channelIndex()]
	const reachW, countW = 8, 7
	cellW := min(max((m.width-markW-jurisdictionW-countW-reachW-len(consent.States))/len(consent.States), 5), 10)
	lines := []string{" " + st.Subtitle.Render(c.Channel) + st.Muted.Render(" by jurisdiction")}
	header := strings.Repeat(" ", markW) + draw.Fit("jurisdiction", jurisdictionW) + draw.FitRight("members", countW) +
		draw.FitRight("reach", reachW)
	for _, s := range consent.States {
		header += " " + draw.FitRight(string(s), cellW)
	}
	lines = append(lines, st.Header.Render(draw.Fit(header, m.width)))
	for _, j := range c.Jurisdictions {
		level := heatLevel(j.Share)
		reach := " " + st.Heat[level].Render(shades[level]) + st.Number.Render(draw.FitRight(percent(j.Share), reachW-2))
		row := strings.Repeat(" ", markW) + st.Item.Render(draw.Fit(string(j.Jurisdiction), jurisdictionW)) +
			st.Number.Render(draw.FitRight(draw.Count(j.Members), countW)) + reach
		for _, s := range consent.States {
			row += " " + st.Muted.Render(draw.FitRight(draw.Count(j.Counts[s]), cellW))
		}
		lines = append(lines, draw.Fit(row, m.width))
	}
	return lines
}

// setupView is the detail of a segment whose table has no consent setup: what
// segscope proposes and the form that saves it, or, with nothing to propose,
// the commands that describe where consent lives.
func (m *Model) setupView() []string {
	st := m.env.Styles
	para := func(style func(...string) string, indent, text string) []string {
		var out []string
		for _, l := range strings.Split(ansi.Wordwrap(text, max(m.width-len(indent)-1, 10), " "), "\n") {
			out = append(out, indent+style(l))
		}
		return out
	}
	table := m.setup.table
	lines := []string{""}
	if m.setup.confirming {
		// The form goes first, so that it is in sight however little room is left.
		lines = append(lines, " "+st.Title.Render("Save this consent setup for "+table+"?"),
			"  "+st.Subtitle.Render("Reason ")+draw.Fit(m.setup.reason.View(), max(m.width-11, 10)))
		switch {
		case m.save.Running():
			lines = append(lines, "  "+st.Muted.Render("saving…"))
		case m.setup.saveErr != nil:
			lines = append(lines, para(st.Error.Render, "  ", "✗ "+m.setup.saveErr.Error())...)
		default:
			lines = append(lines, "  "+st.HelpKey.Render("enter")+st.Faint.Render(" save, written to the audit log · ")+
				st.HelpKey.Render("esc")+st.Faint.Render(" cancel"))
		}
		return append(append(lines, ""), m.proposalLines(para)...)
	}
	lines = append(lines, " "+st.Warn.Render("No consent is set up for "+table+"."))
	lines = append(lines, para(st.Muted.Render, "  ", "Consent set up for another table is never borrowed, even where a column has the same name.")...)
	p := m.setup.proposal
	if p == nil {
		lines = append(lines, "")
		lines = append(lines, para(st.Muted.Render, "  ", m.setup.proposalErr.Error())...)
		return append(lines, m.setupCommands(table)...)
	}
	lines = append(append(lines, ""), m.proposalLines(para)...)
	return append(lines, "", " "+st.Item.Render("Press ")+st.HelpKey.Render("s")+
		st.Item.Render(" to review and save it; nothing applies until you do."))
}

// proposalLines are the proposed setup, the evidence for it and its doubts.
func (m *Model) proposalLines(para func(style func(...string) string, indent, text string) []string) []string {
	st := m.env.Styles
	p := m.setup.proposal
	lines := []string{" " + st.Item.Render("segscope proposes:")}
	for _, l := range p.Config.Describe() {
		lines = append(lines, para(st.Item.Render, "  ", l)...)
	}
	for _, l := range p.Evidence {
		lines = append(lines, para(st.Muted.Render, "  ", l)...)
	}
	for _, l := range p.Warnings {
		lines = append(lines, para(st.Warn.Render, "  ", "! "+l)...)
	}
	return lines
}

// setupCommands show the shell commands that describe where a table's consent
// lives, when segscope has nothing to propose.
func (m *Model) setupCommands(table string) []string {
	st := m.env.Styles
	lines := []string{"", " " + st.Item.Render("Describe where it lives from a shell, then press ") + st.HelpKey.Render("r") +
		st.Item.Render(" here to recount:"), ""}
	lines = append(lines, "  "+st.Faint.Render("# a table of consent events, one row per decision (person, channel, status, time)"))
	lines = append(lines, m.command([]string{"segscope", "consent", "setup", "--table", table,
		"--consent-table", "EVENTS_TABLE", "--channel-col", "channel", "--status-col", "status", "--time-col", "event_time"})...)
	lines = append(lines, "", "  "+st.Faint.Render("# or opt-in columns on "+table+" itself"))
	return append(lines, m.command([]string{"segscope", "consent", "setup", "--table", table,
		"--wide", "email_opt_in=email,sms_opt_in=sms"})...)
}

// command lays a shell command out in the screen's width, breaking lines
// between a flag and the one before it with a backslash, as a shell reads it.
func (m *Model) command(words []string) []string {
	st := m.env.Styles
	w := max(m.width-8, 20)
	var lines []string
	line := ""
	for i, word := range words {
		next := word
		if i+1 < len(words) && strings.HasPrefix(word, "--") {
			next += " " + words[i+1]
		}
		if i > 0 && strings.HasPrefix(words[i-1], "--") {
			continue // printed with its flag
		}
		if line != "" && draw.Width(line)+1+draw.Width(next) > w {
			lines = append(lines, line+" \\")
			line = "    " + next
			continue
		}
		if line != "" {
			line += " "
		}
		line += next
	}
	lines = append(lines, line)
	for i := range lines {
		lines[i] = "  " + st.Accent.Render(lines[i])
	}
	return lines
}
