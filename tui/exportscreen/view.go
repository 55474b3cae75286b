package exportscreen

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/tui/draw"
)

const (
	labelW = 13 // " Destination "
	// formTop is the line of the first field: the title and its rule are above it.
	formTop = 2
	// fieldLines are the lines of the six one-line fields and the columns' heading.
	fieldLines = 7
)

// columnRows is how many columns of the checklist fit.
func (m *Model) columnRows() int { return max(m.height-formTop-fieldLines, 1) }

// View draws the form beside the preview, the progress or the manifest.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.env.Styles
	title := " " + st.Title.Render("Export") + "  " + st.Muted.Render("a segment's members to a file, with a manifest")
	lines := []string{draw.HeadLine(title, st.Faint.Render("tab next field · enter export "), m.width),
		st.Rule.Render(strings.Repeat("─", m.width))}
	bodyH := m.height - formTop
	switch {
	case m.segs.Err != nil:
		lines = append(lines, "", " "+st.Error.Render("✗ "+m.segs.Err.Error()))
	case !m.segs.Loaded:
		lines = append(lines, "", " "+st.Muted.Render("reading segments…"))
	case len(m.segs.List) == 0:
		lines = append(lines, "",
			"  "+st.Title.Render("No segments to export yet."),
			"",
			"  "+st.Muted.Render("Define one on the Segments screen (3), then come back to write its members to a file."))
	case m.formW >= m.width:
		lines = append(lines, strings.Split(draw.Block(m.formView(m.width), m.width, bodyH), "\n")...)
	default:
		pw := m.width - m.formW - 3
		form := draw.Block(m.formView(m.formW), m.formW, bodyH)
		panel := draw.Block(strings.Join(m.panel(pw), "\n"), pw, bodyH)
		sep := strings.TrimSuffix(strings.Repeat(st.Rule.Render(" │ ")+"\n", bodyH), "\n")
		lines = append(lines, draw.SideBySide(form, sep, panel))
	}
	return draw.Block(strings.Join(lines, "\n"), m.width, m.height)
}

func (m *Model) label(f field, text string) string {
	if f == m.focus {
		return m.env.Styles.Accent.Render(draw.Fit("▸ "+text, labelW))
	}
	return m.env.Styles.Muted.Render(draw.Fit("  "+text, labelW))
}

// choice draws a choice field's value, with arrows when it has the focus.
func (m *Model) choice(f field, value, note string, w int) string {
	st := m.env.Styles
	if f == m.focus {
		return draw.Fit(st.Accent.Render("‹ ")+st.Title.Render(value)+st.Accent.Render(" ›")+" "+st.Faint.Render(note), w)
	}
	return draw.Fit("  "+st.Item.Render(value)+" "+st.Faint.Render(note), w)
}

func (m *Model) formView(w int) string {
	st := m.env.Styles
	vw := w - labelW
	seg := m.segment()
	gate, gateNote := m.gate(), ""
	switch {
	case gate == "" && m.customerMatch():
		gate, gateNote = "none", "→ "+export.AdsChannel+", as ad uploads are"
	case gate == "":
		gate, gateNote = "none", "internal use, no consent gate"
	}
	if m.consentErr != nil && len(m.channels) == 1 {
		gateNote = "no consent set up for " + seg.Table + ": see the Consent screen"
	}
	aud := m.chosenAudience()
	audNote := aud.note
	switch {
	case m.audiencesErr != nil:
		audNote = "✗ " + m.audiencesErr.Error()
	case len(m.audiences) == 1 && m.aud.Running():
		audNote = "reading arms and priority lists…"
	case len(m.audiences) == 1:
		audNote = "not split, in no priority list"
	}
	newValue, newNote := m.onlyNewNote()
	format := string(m.chosenFormat())
	formatNote := ""
	if m.customerMatch() {
		formatNote = "hashed customer-match file"
	}
	lines := []string{
		m.label(fieldSegment, "Segment") + m.choice(fieldSegment, seg.Name, "on "+seg.Table, vw),
		m.label(fieldChannel, "Channel") + m.choice(fieldChannel, gate, gateNote, vw),
		m.label(fieldAudience, "Audience") + m.choice(fieldAudience, aud.label, audNote, vw),
		m.label(fieldNew, "Members") + m.choice(fieldNew, newValue, newNote, vw),
		m.label(fieldFormat, "Format") + m.choice(fieldFormat, format, formatNote, vw),
		m.label(fieldDest, "Destination") + "  " + draw.Fit(m.dest.View(), vw-2),
	}
	switch {
	case m.schemaErr != nil:
		return strings.Join(append(lines, "", " "+st.Error.Render("✗ "+m.schemaErr.Error())), "\n")
	case m.customerMatch():
		lines = append(lines, m.label(fieldColumns, "Columns")+"  "+st.Muted.Render("fixed by the format:"))
		if m.preview != nil {
			for _, c := range m.preview.Columns {
				lines = append(lines, strings.Repeat(" ", labelW+2)+st.Item.Render(c))
			}
			lines = append(lines, "", "  "+st.Faint.Render(draw.Fit("identifiers are normalized and SHA-256 hashed", w-2)))
		}
		return strings.Join(lines, "\n")
	}
	n := m.chosenColumns()
	lines = append(lines, m.label(fieldColumns, "Columns")+"  "+st.Muted.Render(fmt.Sprintf("%d of %d · space ticks · a all", n, len(m.cols))))
	for i := m.colOffset; i < len(m.cols) && i < m.colOffset+m.columnRows(); i++ {
		lines = append(lines, m.columnRow(i, w))
	}
	return strings.Join(lines, "\n")
}

// columnRow is one column of the checklist: ticked or not, and flagged when it
// is the key or holds personal data.
func (m *Model) columnRow(i, w int) string {
	st := m.env.Styles
	c := m.cols[i]
	box, flag, flagStyle := "[ ]", "", st.Warn
	switch {
	case c.Name == m.segment().Key:
		box, flag, flagStyle = "[■]", "key, always written", st.Faint
	case m.chosen[c.Name]:
		box = "[x]"
	}
	if flag == "" && isPII(c) {
		flag = "PII"
	}
	mark := "  "
	nameW := max(w-6-len(mark)-20, 10)
	row := mark + box + " " + draw.Fit(c.Name, nameW) + " " + flagStyle.Render(flag)
	if i == m.colCursor && m.focus == fieldColumns {
		return st.ItemCursor.Render(draw.Fit(ansi.Strip("▸ "+box+" "+draw.Fit(c.Name, nameW)+" "+flag), w))
	}
	if m.chosen[c.Name] {
		row = mark + st.Title.Render(box+" "+draw.Fit(c.Name, nameW)) + " " + flagStyle.Render(flag)
	}
	return draw.Fit(row, w)
}

// panel is the right-hand side: the question about an existing file, the
// running export, its manifest, or the preview.
func (m *Model) panel(w int) []string {
	st := m.env.Styles
	switch {
	case m.confirm:
		lines := []string{st.Warn.Render("⚠ The file exists"), ""}
		lines = append(lines, wrap(st.Item.Render, m.dest.Value()+" (or its manifest) is already there. Replace both?", w)...)
		return append(lines, "", st.HelpKey.Render("y")+st.HelpDesc.Render(" replace  ")+st.HelpKey.Render("n")+st.HelpDesc.Render(" keep it"))
	case m.run.Running():
		return m.progressView(w)
	case m.result != nil:
		return m.manifestView(w)
	}
	var lines []string
	switch {
	case m.cancelled:
		lines = append(lines, st.Warn.Render("Cancelled: nothing was written."), "")
	case m.runErr != nil:
		lines = append(append(lines, wrap(st.Error.Render, "✗ "+m.runErr.Error(), w)...), "")
	}
	return append(lines, m.previewView(w)...)
}

func (m *Model) previewView(w int) []string {
	st := m.env.Styles
	lines := []string{st.PanelTitle.Render("What would be written")}
	p := m.preview
	switch {
	case m.previewErr != nil:
		return append(lines, wrap(st.Error.Render, "✗ "+m.previewErr.Error(), w)...)
	case p == nil && m.check.Running():
		return append(lines, st.Muted.Render("counting…"))
	case p == nil:
		return append(lines, st.Muted.Render("not counted: change a field to count again"))
	}
	// The counts stay near their labels however wide the panel is.
	const numW = 9
	tw := min(w, 40)
	row := func(label string, n int64, style func(...string) string) string {
		return draw.Fit(style(draw.Fit(label, tw-numW-1))+" "+st.Number.Render(draw.FitRight(draw.Count(n), numW)), w)
	}
	gate := "no consent gate: internal use"
	if p.Channel != "" {
		gate = "only members contactable on " + p.Channel
	}
	lines = append(lines, st.Muted.Render(draw.Fit(gate, w)))
	if a := p.Audience; a != nil {
		lines = append(lines, narrowing(a, w, st.Muted.Render)...)
	}
	lines = append(lines, "", row("members of "+p.Segment, p.Members, st.Item.Render))
	lines = append(lines, row("✓ written", p.Included, st.Good.Render))
	if p.Members > 0 {
		lines = append(lines, "  "+st.Bar.Render(draw.HBar(float64(p.Included), float64(p.Members), tw-2)))
	}
	if _, listed := p.Excluded[consent.Suppressed]; p.Channel != "" || listed {
		kept := p.Members - p.Included
		lines = append(lines, row("✗ kept out", kept, st.Warn.Render))
		for _, s := range keptOutReasons {
			if n, ok := p.Excluded[s]; ok {
				lines = append(lines, row("    "+string(s), n, st.Muted.Render))
			}
		}
	}
	lines = append(lines, "")
	if r := p.Risk; r != nil {
		text := "risk " + string(r.Score)
		if len(r.Flags) > 0 {
			text += ": " + strings.Join(r.Codes(), ", ")
		}
		style := st.Muted.Render
		if r.Gated {
			text += " · needs a reason to export"
			style = st.Warn.Render
		}
		lines = append(append(lines, wrap(style, text, w)...), "")
	}
	n := int64(len(p.Columns))
	lines = append(lines, wrap(st.Muted.Render, fmt.Sprintf("%d %s: %s", n, draw.Plural(n, "column", "columns"), joinShort(p.Columns, 4)), w)...)
	if names := m.piiChosen(); len(names) > 0 && !m.customerMatch() {
		lines = append(lines, wrap(st.Warn.Render, "⚠ personal data: "+strings.Join(names, ", "), w)...)
	}
	return lines
}

func (m *Model) progressView(w int) []string {
	st := m.env.Styles
	p := m.progress
	frac := 0.0
	if p.Total > 0 {
		frac = float64(p.Rows) / float64(p.Total)
	}
	bar := draw.HBar(frac, 1, w-2)
	lines := []string{st.PanelTitle.Render("Exporting " + m.segment().Name), ""}
	lines = append(lines, " "+st.Bar.Render(bar)+st.Faint.Render(strings.Repeat("░", max(w-2-draw.Width(bar), 0))))
	lines = append(lines, " "+st.Number.Render(fmt.Sprintf("%s of %s rows", draw.Count(p.Rows), draw.Count(p.Total)))+
		st.Muted.Render(fmt.Sprintf("  %.0f%%", 100*frac)), "")
	return append(lines, wrap(st.Faint.Render, "esc cancels: the file appears only once it is complete, so nothing is left behind", w)...)
}

// manifestView shows the finished export as its manifest records it.
func (m *Model) manifestView(w int) []string {
	st := m.env.Styles
	r := m.result
	mf := r.Manifest
	lines := []string{st.Good.Render(fmt.Sprintf("✓ Exported %s %s", draw.Count(mf.Rows), draw.Plural(mf.Rows, "row", "rows"))), ""}
	const keyW = 9
	vw := w - keyW
	kv := func(k, v string) {
		for i, part := range chunk(v, vw) {
			if i > 0 {
				k = ""
			}
			lines = append(lines, st.Muted.Render(draw.Fit(k, keyW))+st.Item.Render(part))
		}
	}
	lines = append(lines, st.Muted.Render(draw.Fit("file", keyW))+st.Item.Render(tail(r.Path, vw)),
		st.Muted.Render(draw.Fit("manifest", keyW))+st.Item.Render(tail(r.ManifestPath, vw)))
	kv("sha256", mf.SHA256)
	gate := "none (internal use)"
	if mf.Channel != "" {
		gate = mf.Channel
	}
	kv("gate", gate)
	var kept []string
	for _, s := range keptOutReasons {
		if n := mf.Excluded[s]; n > 0 {
			kept = append(kept, fmt.Sprintf("%s %s", s, draw.Count(n)))
		}
	}
	if len(kept) > 0 {
		for i, l := range strings.Split(ansi.Wordwrap(strings.Join(kept, ", "), vw, " "), "\n") {
			k := ""
			if i == 0 {
				k = "kept out"
			}
			lines = append(lines, st.Muted.Render(draw.Fit(k, keyW))+st.Item.Render(l))
		}
	}
	if r := mf.Risk; r != nil && r.Acknowledgement != nil {
		kv("risk", string(r.Score)+", acknowledged: "+r.Acknowledgement.Reason)
	}
	kv("format", string(mf.Format)+fmt.Sprintf(" · %s bytes", draw.Count(mf.Bytes)))
	for _, f := range mf.Columns {
		if fc, ok := mf.Identifiers[f]; ok && (fc.Invalid > 0 || fc.Missing > 0) {
			kv(f, fmt.Sprintf("%s invalid, %s missing", draw.Count(fc.Invalid), draw.Count(fc.Missing)))
		}
	}
	return append(lines, "", st.Faint.Render(draw.Fit("written to the audit log · change a field to start over", w)))
}

// tail keeps the end of a path that is too long: the file name matters most.
func tail(s string, w int) string {
	runes := []rune(s)
	if len(runes) <= w || w < 2 {
		return s
	}
	return draw.Ellipsis + string(runes[len(runes)-w+1:])
}

// chunk cuts s into pieces of at most w cells: paths and hashes have no spaces
// to wrap at.
func chunk(s string, w int) []string {
	w = max(w, 1)
	var out []string
	runes := []rune(s)
	for len(runes) > w {
		out = append(out, string(runes[:w]))
		runes = runes[w:]
	}
	return append(out, string(runes))
}

// wrap word-wraps text to w cells and styles each line.
func wrap(style func(...string) string, text string, w int) []string {
	var out []string
	for _, l := range strings.Split(ansi.Wrap(text, w, " "), "\n") {
		out = append(out, style(l))
	}
	return out
}

// keptOutReasons are the reasons a member is not written, in the order shown:
// a suppression list first, since it overrides any consent, and last what ad
// platforms require beyond the channel (a do-not-sell flag, Google's two
// consents in the EEA/UK).
var keptOutReasons = consent.Reasons(map[consent.State]int64{consent.Suppressed: 0, consent.DoNotSell: 0, consent.AdConsentIncomplete: 0})

// narrowing says which part of the segment an export writes: an arm, a
// priority step less the earlier steps, only the members new since an export.
func narrowing(a *export.AudienceStamp, w int, style func(...string) string) []string {
	var out []string
	if a.Arm != "" {
		out = append(out, "arm "+a.Arm+" of the split "+a.Split)
	}
	if a.Step != "" {
		s := "step " + a.Step + " of " + a.Priority
		if len(a.EarlierSteps) > 0 {
			s += ", less " + strings.Join(a.EarlierSteps, ", ")
		}
		out = append(out, s)
	}
	if a.OnlyNewSince != nil {
		out = append(out, fmt.Sprintf("only members new since the export of snapshot %d", *a.OnlyNewSince))
	}
	for i, l := range out {
		out[i] = style(draw.Fit(l, w))
	}
	return out
}
