package eventsetup

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/tui/draw"
)

// Leave puts the form away however it left the stack, stopping its reads;
// a setup already running finishes (it is one transaction) and says so.
func (f *Form) Leave() {
	f.open = false
	f.load.Cancel()
	f.cols.Cancel()
}

// Keys are the form's keys, for the hints line.
func (f *Form) Keys() []key.Binding {
	k := f.keys
	return []key.Binding{k.Submit, k.Next, k.Right, k.Close}
}

const labelW = 10

// innerWidth is the box's inside for a frame width cells wide: the dialog's
// border and padding take four.
func innerWidth(width int) int { return min(76, width-4) - 4 }

// SetWidth sizes the text fields to the frame's width.
func (f *Form) SetWidth(width int) {
	f.width = width
	for _, in := range []*textinput.Model{&f.newName, &f.amount, &f.reason} {
		in.SetWidth(max(innerWidth(width)-labelW-1, 4))
	}
}

// Box draws the form's box.
func (f *Form) Box() string {
	st := f.env.Styles
	w := innerWidth(f.width)
	if w < 24 {
		return ""
	}
	lines := []string{st.PanelTitle.Render("Set up an event table") + st.Muted.Render(" · events of the people of an audience"), ""}
	valueW := w - labelW
	switch {
	case f.load.Running():
		lines = append(lines, st.Muted.Render("reading the tables…"))
	case len(f.tables) > 0:
		for _, fl := range f.fields() {
			label := st.Muted.Render(draw.Fit(fieldLabels[fl], labelW))
			if fl == f.focus {
				label = st.Selected.Render(draw.Fit(fieldLabels[fl], labelW-1)) + " "
			}
			lines = append(lines, label+draw.Fit(f.value(fl, valueW), valueW))
		}
		lines = append(lines, "", st.Faint.Render(draw.Fit(fieldHints[f.focus], w)))
	}
	if f.err != nil {
		lines = append(lines, "")
		for _, l := range strings.Split(ansi.Wrap("✗ "+f.err.Error(), w, " "), "\n") {
			lines = append(lines, st.Error.Render(l))
		}
	}
	foot := "enter set up · tab next field · ←/→ choose · esc close"
	if f.save.Running() {
		foot = "setting up… · esc cancels (nothing is half set up)"
	}
	lines = append(lines, "", st.Faint.Render(foot))
	for i := range lines {
		lines[i] = draw.Fit(lines[i], w)
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

// value draws one field's value: a choice between arrows when focused, a
// text field as typed.
func (f *Form) value(fl field, w int) string {
	st := f.env.Styles
	if in := f.input(fl); in != nil {
		return in.View()
	}
	var text string
	switch fl {
	case fieldTable:
		text = f.tables[f.table].Name
	case fieldKey:
		if f.colsOf == "" {
			return st.Muted.Render("reading the columns…")
		}
		if f.key < len(f.columns) {
			text = f.columns[f.key].Name
		}
	case fieldTime:
		if f.colsOf == "" {
			return ""
		}
		text = f.times()[min(f.time, len(f.times())-1)]
		if text == "" {
			text = "none"
		}
	case fieldAudience:
		if f.newAudience() {
			text = "a new table made from the events"
		} else {
			text = f.audiences()[f.audience]
		}
	}
	if fl == f.focus {
		return st.Accent.Render("‹ ") + st.Title.Render(text) + st.Accent.Render(" ›")
	}
	return st.Item.Render(text)
}
