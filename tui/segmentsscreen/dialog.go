package segmentsscreen

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// DeleteDialog names the delete confirmation on the root's dialog stack.
const DeleteDialog = "segments.delete"

// askDelete asks before the segment under the cursor is deleted, saying what
// is kept; yes deletes it.
func (m *Model) askDelete() tea.Cmd {
	i := m.list.cursor
	if _, ok := m.current(); !ok {
		return nil
	}
	it := m.list.items[i]
	lines := func(st *styles.Styles, w int) []string {
		seg := it.seg
		what := "It is defined on " + seg.Table + "."
		if it.sized {
			what = fmt.Sprintf("It selects %s %s of %s.", draw.Count(it.size), draw.Plural(it.size, "row", "rows"), seg.Table)
		}
		text := what + fmt.Sprintf(" Its %d %s stay in the workspace's history, and the deletion is written to the audit log.",
			seg.Version, draw.Plural(int64(seg.Version), "version", "versions"))
		lines := []string{st.Error.Render("Delete segment ") + st.Title.Render(seg.Name) + st.Error.Render("?"), ""}
		for _, l := range strings.Split(ansi.Wordwrap(text, w, " "), "\n") {
			lines = append(lines, st.Item.Render(l))
		}
		return lines
	}
	return dialog.Open(dialog.NewConfirm(DeleteDialog, m.env.Styles, true, m.keys.Confirm, m.keys.Keep,
		func() tea.Cmd { return m.delete(it.seg.Name) }, lines))
}
