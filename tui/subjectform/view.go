package subjectform

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/subject"
	"github.com/segscope/segscope/segments/suppress"
	"github.com/segscope/segscope/tui/draw"
)

// Leave puts the form away however it left the stack, stopping its reads;
// an erasure already running finishes (it is one transaction) and says so.
func (f *Form) Leave() {
	f.open = false
	f.load.Cancel()
	f.find.Cancel()
	f.reveal.Cancel()
}

// Keys are the form's keys, for the hints line.
func (f *Form) Keys() []key.Binding {
	k := f.keys
	return []key.Binding{k.Find, k.Reveal, k.Erase, k.Next, k.Close}
}

const labelW = 10

// innerWidth is the box's inside for a frame width cells wide: the dialog's
// border and padding take four.
func innerWidth(width int) int { return min(96, width-4) - 4 }

// SetWidth sizes the text fields to the frame's width.
func (f *Form) SetWidth(width int) {
	f.width = width
	for _, in := range []*textinput.Model{&f.value, &f.reason} {
		in.SetWidth(max(innerWidth(width)-labelW-1, 4))
	}
}

// piiKind is how the identifier asked about is masked.
func piiKind(k suppress.Kind) pii.Kind {
	switch k {
	case suppress.Email:
		return pii.Email
	case suppress.Phone:
		return pii.Phone
	}
	return pii.Derived(pii.None)
}

// shownValue is the identifier asked about, masked unless revealed.
func (f *Form) shownValue() string {
	if f.revealed {
		return f.asked.Value
	}
	if f.asked.Kind == suppress.Key && !f.personal[f.asked.Table] {
		return f.asked.Value
	}
	return pii.Mask(piiKind(f.asked.Kind), f.asked.Value)
}

// keys are a table's keys as shown: masked where the key column is personal data.
func (f *Form) keysOf(t subject.Table) string {
	out := make([]string, len(t.Keys))
	for i, k := range t.Keys {
		out[i] = k
		if f.personal[t.Table] && !f.revealed {
			out[i] = pii.Mask(pii.Derived(pii.None), k)
		}
	}
	return strings.Join(out, " ")
}

// Box draws the form's box.
func (f *Form) Box() string {
	st := f.env.Styles
	w := innerWidth(f.width)
	if w < 24 {
		return ""
	}
	lines := []string{st.PanelTitle.Render("Subject request") + st.Muted.Render(" · find one person, or erase them"), ""}
	valueW := w - labelW
	for _, fl := range f.fields() {
		label := st.Muted.Render(draw.Fit(fieldLabels[fl], labelW))
		if fl == f.focus {
			label = st.Selected.Render(draw.Fit(fieldLabels[fl], labelW-1)) + " "
		}
		lines = append(lines, label+draw.Fit(f.fieldValue(fl), valueW))
	}
	lines = append(lines, "", st.Faint.Render(draw.Fit(fieldHints[f.focus], w)))
	wrap := func(text string, paint func(...string) string) {
		for _, l := range strings.Split(ansi.Wrap(text, w, " "), "\n") {
			lines = append(lines, paint(l))
		}
	}
	switch {
	case f.find.Running():
		lines = append(lines, "", st.Muted.Render("looking in every table…"))
	case f.erased != nil:
		lines = append(lines, "")
		wrap("✓ "+erasedSentence(f.erased), st.Item.Render)
	case f.found != nil:
		lines = append(lines, "")
		lines = append(lines, f.report(w)...)
	}
	if f.err != nil {
		lines = append(lines, "")
		wrap("✗ "+f.err.Error(), st.Error.Render)
	}
	foot := "enter find · ctrl+r reveal · ctrl+e erase · tab next field · ←/→ choose · esc close"
	if f.erase.Running() {
		foot = "erasing… (one transaction: all of it or nothing)"
	}
	lines = append(lines, "", st.Faint.Render(foot))
	for i := range lines {
		lines[i] = draw.Fit(lines[i], w)
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

func (f *Form) fieldValue(fl field) string {
	st := f.env.Styles
	if in := f.input(fl); in != nil {
		return in.View()
	}
	var text string
	switch fl {
	case fieldKind:
		text = string(kinds[f.kind])
	case fieldTable:
		if len(f.tables) == 0 {
			return st.Muted.Render("reading the tables…")
		}
		text = f.tables[f.table].Name
	}
	if fl == f.focus {
		return st.Accent.Render("‹ ") + st.Title.Render(text) + st.Accent.Render(" ›")
	}
	return st.Item.Render(text)
}

// report is the answer, in lines w wide: masked where the grid would mask.
func (f *Form) report(w int) []string {
	st := f.env.Styles
	fd := f.found
	who := f.shownValue()
	if len(fd.Tables) == 0 {
		return []string{st.Muted.Render(fmt.Sprintf("nobody in the workspace has the %s %s", fd.Kind, who))}
	}
	mask := "masked: ctrl+r reveals (audited)"
	if f.revealed {
		mask = "revealed: ctrl+r masks again"
	}
	lines := []string{st.Title.Render(who) + st.Faint.Render(" · "+mask)}
	for _, t := range fd.Tables {
		line := fmt.Sprintf("  %s · %s", t.Table, counts.Of(t.Rows, "row", "rows"))
		if len(t.Keys) > 0 {
			line += " · keys " + f.keysOf(t)
		}
		if t.Via != "" {
			line += " · by their key in " + t.Via
		}
		if len(t.Consent) > 0 {
			chs := make([]string, 0, len(t.Consent))
			for ch, s := range t.Consent {
				chs = append(chs, ch+" "+string(s))
			}
			slices.Sort(chs)
			line += " · " + strings.Join(chs, ", ")
		}
		if t.Attached {
			line += " · attached (read only)"
		}
		lines = append(lines, st.Item.Render(line))
	}
	segs := "none"
	if len(fd.Segments) > 0 {
		segs = strings.Join(fd.Segments, ", ")
	}
	lines = append(lines, st.Item.Render("segments now: "+segs))
	if len(fd.Exports) == 0 {
		lines = append(lines, st.Item.Render("exports they were in: none"))
	} else {
		lines = append(lines, st.Item.Render(fmt.Sprintf("exports they were in (%d):", len(fd.Exports))))
		for _, x := range fd.Exports {
			channel := x.Channel
			if channel == "" {
				channel = "no channel"
			}
			lines = append(lines, st.Item.Render(fmt.Sprintf("  %s · %s v%d · %s · %s", x.At.UTC().Format("2006-01-02 15:04"),
				x.Segment, x.Version, channel, x.File)))
		}
		for _, l := range strings.Split(ansi.Wrap(subject.ExportsCaveat, w, " "), "\n") {
			lines = append(lines, st.Faint.Render(l))
		}
	}
	if len(fd.Suppressed) > 0 {
		lines = append(lines, st.Item.Render("on the suppression lists: "+strings.Join(fd.Suppressed, ", ")))
	}
	return lines
}
