package segmentsscreen

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/risk"
)

// riskMsg is one segment's risk, and the command that waits for the next.
type riskMsg struct {
	id   uint64
	as   risk.Assessment
	next tea.Cmd
}

// riskW is the risk column: low, medium or high.
const riskW = 6

// recountList counts the sizes and assesses the risks again, side by side: a
// segment's risk is refreshed with its size.
func (m *Model) recountList() tea.Cmd { return tea.Batch(m.countSizes(), m.assessRisks()) }

// assessRisks assesses the segments a few at a time (risk.Assessor.AssessAll),
// each answer sent as it lands, as countSizes does for the sizes.
func (m *Model) assessRisks() tea.Cmd {
	l := &m.list
	if len(l.items) == 0 {
		m.risks.Cancel()
		return nil
	}
	ctx, id := m.env.Start(&m.risks, "assessing segment risks")
	l.risksID, l.risksPending = id, len(l.items)
	assessor := risk.New(m.env.WS, m.env.Consent)
	names := make([]string, len(l.items))
	for i, it := range l.items {
		names[i] = it.seg.Name
	}
	return func() tea.Msg {
		answers := make(chan risk.Assessment, len(names))
		go func() {
			if _, err := assessor.AssessAll(ctx, names, func(as risk.Assessment) { answers <- as }); err != nil {
				for _, name := range names {
					answers <- risk.Assessment{Segment: name, Err: err}
				}
			}
			close(answers)
		}()
		return waitRisk(id, answers)()
	}
}

func waitRisk(id uint64, answers <-chan risk.Assessment) tea.Cmd {
	return func() tea.Msg {
		as, ok := <-answers
		if !ok {
			return nil
		}
		return riskMsg{id: id, as: as, next: waitRisk(id, answers)}
	}
}

func (m *Model) onRisk(msg riskMsg) tea.Cmd {
	l := &m.list
	if msg.id != l.risksID || !m.risks.Running() {
		return nil
	}
	for i := range l.items {
		if l.items[i].seg.Name == msg.as.Segment {
			as := msg.as
			l.items[i].risk = &as
		}
	}
	if l.risksPending--; l.risksPending == 0 {
		m.risks.Finish(msg.id)
		return nil
	}
	return msg.next
}

// riskCell is the list's risk column for an item, and the style to draw it in.
func (m *Model) riskCell(it item) (string, func(...string) string) {
	st := m.env.Styles
	switch {
	case it.risk == nil && m.risks.Running():
		return "…", st.Loading.Render
	case it.risk == nil || it.risk.Err != nil:
		return "–", st.Muted.Render
	case it.risk.Score == risk.High:
		return string(it.risk.Score), st.Error.Render
	case it.risk.Score == risk.Medium:
		return string(it.risk.Score), st.Warn.Render
	}
	return string(it.risk.Score), st.Muted.Render
}

// riskLines are the detail's lines about the current segment's risk: the score
// and each flag's reason.
func (m *Model) riskLines(it item) []string {
	st := m.env.Styles
	as := it.risk
	if as == nil || as.Err != nil {
		return nil
	}
	head := "risk " + string(as.Score)
	if as.Gated {
		head += " · exported only with a reason (compliance policy)"
	}
	_, style := m.riskCell(it)
	lines := []string{" " + style(head)}
	// Two reasons at most, so the rule under them stays in sight.
	const shown = 2
	for i, f := range as.Flags {
		if i == shown {
			lines = append(lines, "   "+st.Faint.Render(fmt.Sprintf("and %d more: segscope risk %s", len(as.Flags)-shown, as.Segment)))
			break
		}
		lines = append(lines, "   "+st.Muted.Render("• "+f.Reason))
	}
	return lines
}
