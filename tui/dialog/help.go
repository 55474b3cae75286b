package dialog

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/styles"
)

// HelpID names the full help on the stack.
const HelpID = "help"

// Help is the full help: the global keys and the visible screen's.
type Help struct {
	styles *styles.Styles
	help   help.Model
	groups [][]key.Binding
	screen string
	close  []key.Binding
	w      int
}

// NewHelp shows groups of keys for the named screen, drawn by h; any of
// close closes it.
func NewHelp(st *styles.Styles, h help.Model, groups [][]key.Binding, screen string, close ...key.Binding) *Help {
	return &Help{styles: st, help: h, groups: groups, screen: screen, close: close}
}

// ID names the help.
func (d *Help) ID() string { return HelpID }

// SetSize gives the help the frame's width.
func (d *Help) SetSize(w, _ int) { d.w = w }

// SetStyles switches theme.
func (d *Help) SetStyles(st *styles.Styles) { d.styles = st }

// Update closes the help on one of its close keys; other keys do nothing.
func (d *Help) Update(msg tea.Msg) Action {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, d.close...) {
		return Close{}
	}
	return nil
}

// View is the keys in columns under a title.
func (d *Help) View() string {
	st := d.styles
	h := d.help
	h.SetWidth(d.w - 8)
	body := h.FullHelpView(d.groups)
	title := st.PanelTitle.Render("Keys") + st.Muted.Render(" · "+d.screen+" screen")
	foot := st.Faint.Render("? or esc closes")
	return st.Dialog.Render(title + "\n\n" + body + "\n\n" + foot)
}
