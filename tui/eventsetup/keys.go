package eventsetup

import (
	"charm.land/bubbles/v2/key"

	"github.com/segscope/segscope/tui/dialog"
)

// KeyMap is the form's keys.
type KeyMap struct {
	dialog.FieldKeys
	Submit key.Binding
	Close  key.Binding
}

// DefaultKeyMap returns the form's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		FieldKeys: dialog.DefaultFieldKeys(),
		Submit:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set up")),
		Close:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}
