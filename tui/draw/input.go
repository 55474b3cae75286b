package draw

import (
	"charm.land/bubbles/v2/textinput"

	"github.com/segscope/segscope/tui/styles"
)

// InputStyles are the styles of a one-line text field in theme st: the text in
// the title style when focused, as an item otherwise.
func InputStyles(st *styles.Styles) textinput.Styles {
	s := textinput.DefaultStyles(st.Theme != styles.Light)
	s.Focused.Text, s.Blurred.Text = st.Title, st.Item
	s.Focused.Placeholder, s.Blurred.Placeholder = st.Placeholder, st.Placeholder
	// A steady cursor: a blinking one would redraw the screen for nothing.
	s.Cursor.Blink = false
	s.Cursor.Color = nil
	return s
}
