package dialog

import (
	"slices"

	"charm.land/bubbles/v2/key"
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

// Step is the choice by steps from i among n, wrapping around; 0 when there
// are none.
func Step(i, by, n int) int {
	if n == 0 {
		return 0
	}
	return (i + by + n) % n
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

// FieldKeys are the keys every form's fields answer to: tab and shift+tab
// between the fields shown, left and right through a choice.
type FieldKeys struct {
	Next, Prev  key.Binding
	Left, Right key.Binding
}

// DefaultFieldKeys returns the fields' default keys.
func DefaultFieldKeys() FieldKeys {
	return FieldKeys{
		Next:  key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:  key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous")),
		Left:  key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "")),
		Right: key.NewBinding(key.WithKeys("right"), key.WithHelp("←/→", "choose")),
	}
}

// Navigate handles a key press among the fields once the form's own keys
// have had it: move to the next or previous field, type into the focused
// text input (nil when a choice has the focus), or step through the focused
// choice.
func (k FieldKeys) Navigate(msg tea.KeyPressMsg, move func(by int), focused *textinput.Model, choose func(by int) tea.Cmd) tea.Cmd {
	switch {
	case key.Matches(msg, k.Next):
		move(1)
		return nil
	case key.Matches(msg, k.Prev):
		move(-1)
		return nil
	}
	if cmd, typed := Type(focused, msg); typed {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Left):
		return choose(-1)
	case key.Matches(msg, k.Right):
		return choose(1)
	}
	return nil
}
