package exportscreen

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// ackID names the dialog that asks why a gated segment is exported.
const ackID = "export-acknowledge"

// ackDialog shows a gated segment's flags and asks for the reason to export it
// all the same: the console's --acknowledge. Enter with a reason exports; a
// blank one is refused where it was typed; esc exports nothing.
type ackDialog struct {
	styles  *styles.Styles
	risk    risk.Assessment
	input   textinput.Model
	problem string
	send    func(reason string) tea.Cmd
	width   int
	enter   key.Binding
	esc     key.Binding
}

func newAckDialog(st *styles.Styles, as risk.Assessment, send func(string) tea.Cmd) *ackDialog {
	in := textinput.New()
	in.Prompt = "› "
	in.Placeholder = "why export it all the same"
	in.SetStyles(draw.InputStyles(st))
	in.Focus()
	return &ackDialog{styles: st, risk: as, input: in, send: send,
		enter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "acknowledge and export")),
		esc:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "do not export"))}
}

func (d *ackDialog) ID() string { return ackID }

func (d *ackDialog) SetSize(w, _ int) {
	d.width = w
	d.input.SetWidth(max(min(64, w-8)-4, 10))
}

func (d *ackDialog) SetStyles(st *styles.Styles) {
	d.styles = st
	d.input.SetStyles(draw.InputStyles(st))
}

// CapturesText: the reason is typed here, q and ? included.
func (d *ackDialog) CapturesText() bool { return true }

func (d *ackDialog) ShortHelp() []key.Binding { return []key.Binding{d.enter, d.esc} }

func (d *ackDialog) Update(msg tea.Msg) dialog.Action {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.esc):
			return dialog.Close{}
		case key.Matches(k, d.enter):
			reason := strings.TrimSpace(d.input.Value())
			if reason == "" {
				d.problem = "a reason is needed: it goes to the audit log with the flags"
				return nil
			}
			return dialog.Run{Fn: func() tea.Cmd { return d.send(reason) }}
		}
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	d.problem = ""
	return dialog.Cmd{Cmd: cmd}
}

func (d *ackDialog) View() string {
	st := d.styles
	w := max(min(64, d.width-8), 20)
	lines := []string{st.Warn.Render("⚠ " + d.risk.Segment + " is " + string(d.risk.Score) + " risk"), ""}
	for _, f := range d.risk.Flags {
		lines = append(lines, wrap(st.Item.Render, "• "+f.Reason, w)...)
	}
	lines = append(lines, "")
	lines = append(lines, wrap(st.Muted.Render, "The compliance policy asks why it should be exported all the same. The reason is written to the audit log with these flags.", w)...)
	lines = append(lines, "", d.input.View())
	if d.problem != "" {
		lines = append(lines, st.Error.Render(d.problem))
	}
	lines = append(lines, "", st.HelpKey.Render("enter")+st.HelpDesc.Render(" acknowledge and export  ")+st.HelpKey.Render("esc")+st.HelpDesc.Render(" do not export"))
	for i := range lines {
		lines[i] = draw.Fit(lines[i], w)
	}
	return st.Dialog.BorderForeground(st.Warn.GetForeground()).Render(strings.Join(lines, "\n"))
}

// askAcknowledgement opens the dialog for the segment's assessment; its
// answer runs the export with the reason.
func (m *Model) askAcknowledgement(as risk.Assessment) tea.Cmd {
	return dialog.Open(newAckDialog(m.env.Styles, as, func(reason string) tea.Cmd {
		m.ack = reason
		return m.exportTo(false)
	}))
}

// gated is the risk that needs a reason before the form's export starts,
// as the preview counted it; ok is false when none is needed or one was given.
func (m *Model) gated() (as risk.Assessment, ok bool) {
	if p := m.preview; m.ack == "" && p != nil && p.Risk != nil && p.Risk.Gated {
		return *p.Risk, true
	}
	return risk.Assessment{}, false
}
