package dialog

import (
	"slices"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// The pieces the console's forms (events setup, subject requests) share:
// their fields are text inputs and choices, some shown only once another
// answer needs them, and tab moves through the ones shown.

// TextInput is a form's text field: no prompt, a placeholder, a length
// limit, and the terminal's own cursor.
func TextInput(placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.SetVirtualCursor(false)
	return in
}

// Cycle is the field by steps from at among the fields shown, wrapping
// around; a field no longer shown counts as the first.
func Cycle[F comparable](shown []F, at F, by int) F {
	i := max(slices.Index(shown, at), 0)
	return shown[(i+by+len(shown))%len(shown)]
}

// FocusOnly gives the cursor to focused (nil: a choice has the focus) and
// takes it from the form's other inputs.
func FocusOnly(focused *textinput.Model, inputs ...*textinput.Model) {
	for _, in := range inputs {
		if in == focused {
			in.Focus()
		} else {
			in.Blur()
		}
	}
}

// Type gives a key or a paste to the focused input; ok is false when a
// choice has the focus.
func Type(focused *textinput.Model, msg tea.Msg) (cmd tea.Cmd, ok bool) {
	if focused == nil {
		return nil, false
	}
	*focused, cmd = focused.Update(msg)
	return cmd, true
}
