package segmentsscreen

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/tui/common"
)

// confirmView asks before a segment is deleted, saying what is kept.
func (m *Model) confirmView() string {
	st := m.env.Styles
	it := m.list.items[m.list.cursor]
	seg := it.seg
	what := "It is defined on " + seg.Table + "."
	if it.sized {
		what = fmt.Sprintf("It selects %s %s of %s.", common.Count(it.size), common.Plural(it.size, "row", "rows"), seg.Table)
	}
	w := min(60, m.width-8)
	text := what + fmt.Sprintf(" Its %d %s stay in the workspace's history, and the deletion is written to the audit log.",
		seg.Version, common.Plural(int64(seg.Version), "version", "versions"))
	lines := []string{st.Error.Render("Delete segment ") + st.Title.Render(seg.Name) + st.Error.Render("?"), ""}
	for _, l := range strings.Split(ansi.Wordwrap(text, w, " "), "\n") {
		lines = append(lines, st.Item.Render(l))
	}
	lines = append(lines, "", st.HelpKey.Render("y")+st.HelpDesc.Render(" delete  ")+st.HelpKey.Render("n")+st.HelpDesc.Render(" keep"))
	for i := range lines {
		lines[i] = common.Fit(lines[i], w)
	}
	return st.Dialog.BorderForeground(st.Error.GetForeground()).Render(strings.Join(lines, "\n"))
}
