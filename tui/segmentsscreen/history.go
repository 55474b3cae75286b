package segmentsscreen

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/ruleview"
	"github.com/segscope/segscope/tui/styles"
)

// history is one segment's versions, newest first, and the one selected.
type history struct {
	seg      segments.Segment
	versions []segments.Version
	loaded   bool
	err      error
	cursor   int
	offset   int
}

type historyMsg struct {
	id       uint64
	versions []segments.Version
	err      error
}

func (m *Model) openHistory() tea.Cmd {
	seg, ok := m.current()
	if !ok {
		return nil
	}
	m.history = history{seg: seg}
	m.view = viewHistory
	ctx, id := m.env.Start(&m.past, "reading the history of "+seg.Name)
	store, name := m.env.Store, seg.Name
	return func() tea.Msg {
		versions, err := store.History(ctx, name)
		return historyMsg{id: id, versions: versions, err: err}
	}
}

func (m *Model) onHistory(msg historyMsg) {
	if !m.past.Finish(msg.id) {
		return
	}
	h := &m.history
	h.loaded, h.err = true, msg.err
	h.versions = slices.Clone(msg.versions)
	slices.Reverse(h.versions)
}

func (m *Model) historyKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	h := &m.history
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.History):
		m.view = viewList
	case key.Matches(msg, k.Up):
		h.cursor = max(h.cursor-1, 0)
	case key.Matches(msg, k.Down):
		h.cursor = max(min(h.cursor+1, len(h.versions)-1), 0)
	case key.Matches(msg, k.First):
		h.cursor = 0
	case key.Matches(msg, k.Last):
		h.cursor = max(len(h.versions)-1, 0)
	case key.Matches(msg, k.EditFrom):
		if h.cursor < len(h.versions) {
			v := h.versions[h.cursor]
			reason := ""
			if v.Version != h.seg.Version {
				reason = fmt.Sprintf("back to version %d", v.Version)
			}
			return m.openExisting(h.seg, v.Rule, reason)
		}
	}
	rows := m.versionRows()
	switch {
	case h.cursor < h.offset:
		h.offset = h.cursor
	case h.cursor >= h.offset+rows:
		h.offset = h.cursor - rows + 1
	}
	return nil
}

// versionRows is how many versions the table above the diff shows.
func (m *Model) versionRows() int {
	return max(min(len(m.history.versions), m.height/3), 1)
}

func (m *Model) historyView() string {
	st := m.env.Styles
	h := &m.history
	w := m.width
	title := " " + st.Title.Render("History of "+h.seg.Name) + st.Muted.Render("  on "+h.seg.Table)
	if h.loaded && h.err == nil {
		n := int64(len(h.versions))
		title += st.Muted.Render(" · " + draw.Count(n) + " " + draw.Plural(n, "version", "versions"))
	}
	lines := []string{
		draw.HeadLine(title, st.Faint.Render("enter edit from a version · esc back "), w),
		st.Rule.Render(strings.Repeat("─", w)),
	}
	switch {
	case h.err != nil:
		return strings.Join(append(lines, " "+st.Error.Render("✗ "+h.err.Error())), "\n")
	case !h.loaded:
		return strings.Join(append(lines, " "+st.Muted.Render("reading versions…")), "\n")
	}
	authorW := 8
	for _, v := range h.versions {
		authorW = max(authorW, draw.Width(v.Author))
	}
	authorW = min(authorW, 16)
	row := func(ver, when, author, reason string) string {
		return draw.FitRight(ver, 4) + pad() + draw.Fit(when, 16) + pad() + draw.Fit(author, authorW) + pad() + reason
	}
	lines = append(lines, st.Header.Render(draw.Fit("  "+row("ver", "when", "author", "reason"), w)))
	rows := m.versionRows()
	for i := h.offset; i < len(h.versions) && i < h.offset+rows; i++ {
		v := h.versions[i]
		reason := v.Reason
		if reason == "" {
			reason = "–"
		}
		text := row(fmt.Sprintf("v%d", v.Version), stamp(v.Time, m.env.Now()), v.Author, reason)
		if i == h.cursor {
			lines = append(lines, st.ItemCursor.Render(draw.Fit("▸ "+text, w)))
		} else {
			lines = append(lines, st.Item.Render(draw.Fit("  "+text, w)))
		}
	}
	lines = append(lines, st.Rule.Render(strings.Repeat("─", w)))
	return strings.Join(append(lines, m.versionDetail()...), "\n")
}

// versionDetail shows the selected version against the one before it.
func (m *Model) versionDetail() []string {
	st := m.env.Styles
	h := &m.history
	w := m.width
	if h.cursor >= len(h.versions) {
		return nil
	}
	v := h.versions[h.cursor]
	var prev *segments.Version
	if h.cursor+1 < len(h.versions) {
		prev = &h.versions[h.cursor+1]
	}
	head := fmt.Sprintf("v%d by %s, %s", v.Version, v.Author, stamp(v.Time, m.env.Now()))
	if v.Reason != "" {
		head += " — " + v.Reason
	}
	lines := []string{" " + st.Subtitle.Render(head)}
	if prev == nil {
		lines = append(lines, " "+st.Muted.Render("The first version's rule:"))
		for _, r := range ruleview.RuleRows(st, v.Rule, -1, w-4, draw.Span{}) {
			lines = append(lines, "   "+r.Line)
		}
	} else {
		lines = append(lines, " "+st.Muted.Render(fmt.Sprintf("The rule, from v%d to v%d:  ", prev.Version, v.Version))+legend(st))
		if prev.Rule == v.Rule {
			lines = append(lines, "   "+st.Faint.Render("unchanged"))
		} else {
			for _, r := range diffRows(st, diffWords(prev.Rule, v.Rule), w-4) {
				lines = append(lines, "   "+r)
			}
		}
	}
	switch {
	case prev != nil && prev.Description != v.Description:
		lines = append(lines, "", " "+st.Muted.Render("Description:"))
		for _, r := range diffRows(st, []piece{{removed, prev.Description}, {same, " "}, {added, v.Description}}, w-4) {
			lines = append(lines, "   "+r)
		}
	case v.Description != "":
		lines = append(lines, "", " "+st.Muted.Render("Description: ")+st.Item.Render(v.Description))
	}
	return lines
}

// legend says how the diff marks each side.
func legend(st *styles.Styles) string {
	if st.Theme == styles.NoColor {
		return "[-removed-] {+added+}"
	}
	return st.DiffDel.Render("removed") + " " + st.DiffAdd.Render("added")
}
