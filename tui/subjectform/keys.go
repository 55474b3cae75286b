package subjectform

import (
	"charm.land/bubbles/v2/key"

	"github.com/segscope/segscope/tui/dialog"
)

// KeyMap is the form's keys. Its fields take typed text, so its actions are
// on control keys.
type KeyMap struct {
	dialog.FieldKeys
	Find   key.Binding
	Reveal key.Binding
	Erase  key.Binding
	Close  key.Binding
}

// DefaultKeyMap returns the form's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		FieldKeys: dialog.DefaultFieldKeys(),
		Find:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "find")),
		Reveal:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reveal")),
		Erase:     key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "erase")),
		Close:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}
