package subjectform

import "charm.land/bubbles/v2/key"

// KeyMap is the form's keys. Its fields take typed text, so its actions are
// on control keys.
type KeyMap struct {
	Next, Prev  key.Binding
	Left, Right key.Binding
	Find        key.Binding
	Reveal      key.Binding
	Erase       key.Binding
	Close       key.Binding
}

// DefaultKeyMap returns the form's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous")),
		Left:   key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "")),
		Right:  key.NewBinding(key.WithKeys("right"), key.WithHelp("←/→", "choose")),
		Find:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "find")),
		Reveal: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reveal")),
		Erase:  key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "erase")),
		Close:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}
