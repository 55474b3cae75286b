package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// Confirm asks a yes-or-no question before something is done.
type Confirm struct {
	id     string
	styles *styles.Styles
	// Lines draws the question in w cells; the dialog pads and frames it.
	lines func(st *styles.Styles, w int) []string
	// Danger frames the box in the error colour: the yes cannot be undone.
	danger   bool
	yes, no  key.Binding
	onYes    func() tea.Cmd
	w, width int
}

// NewConfirm asks the question lines draws; yes runs onYes, no closes.
func NewConfirm(id string, st *styles.Styles, danger bool, yes, no key.Binding, onYes func() tea.Cmd, lines func(st *styles.Styles, w int) []string) *Confirm {
	return &Confirm{id: id, styles: st, lines: lines, danger: danger, yes: yes, no: no, onYes: onYes}
}

// ID names the question.
func (c *Confirm) ID() string { return c.id }

// SetSize gives the dialog the frame's width; the box is at most 60 wide.
func (c *Confirm) SetSize(w, _ int) { c.width = w }

// SetStyles switches theme.
func (c *Confirm) SetStyles(st *styles.Styles) { c.styles = st }

// ShortHelp is the answers, for the key hints line.
func (c *Confirm) ShortHelp() []key.Binding { return []key.Binding{c.yes, c.no} }

// Update answers yes or no; other keys wait for an answer.
func (c *Confirm) Update(msg tea.Msg) Action {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, c.yes):
		return Run{Fn: c.onYes}
	case key.Matches(k, c.no):
		return Close{}
	}
	return nil
}

// View is the question with its answers under it.
func (c *Confirm) View() string {
	st := c.styles
	w := min(60, c.width-8)
	lines := c.lines(st, w)
	yes, no := c.yes.Help(), c.no.Help()
	lines = append(lines, "", st.HelpKey.Render(yes.Key)+st.HelpDesc.Render(" "+yes.Desc+"  ")+st.HelpKey.Render(no.Key)+st.HelpDesc.Render(" "+no.Desc))
	for i := range lines {
		lines[i] = draw.Fit(lines[i], w)
	}
	box := st.Dialog
	if c.danger {
		box = box.BorderForeground(st.Error.GetForeground())
	}
	return box.Render(strings.Join(lines, "\n"))
}
