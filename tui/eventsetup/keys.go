package eventsetup

import "charm.land/bubbles/v2/key"

// KeyMap is the form's keys.
type KeyMap struct {
	Next, Prev  key.Binding
	Left, Right key.Binding
	Submit      key.Binding
	Close       key.Binding
}

// DefaultKeyMap returns the form's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous")),
		Left:   key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "")),
		Right:  key.NewBinding(key.WithKeys("right"), key.WithHelp("←/→", "choose")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set up")),
		Close:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}
