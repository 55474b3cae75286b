package slicescreen

import "charm.land/bubbles/v2/key"

// KeyMap is the Slice screen's keys.
type KeyMap struct {
	Next, Prev     key.Binding
	Up, Down       key.Binding
	First, Last    key.Binding
	PageUp, PageDn key.Binding
	SaveSegment    key.Binding
}

// DefaultKeyMap returns the Slice screen's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:        key.NewBinding(key.WithKeys("tab", "l", "right"), key.WithHelp("tab", "next picker")),
		Prev:        key.NewBinding(key.WithKeys("shift+tab", "h", "left"), key.WithHelp("shift+tab", "previous picker")),
		Up:          key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "previous choice")),
		Down:        key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "next choice")),
		First:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "first choice")),
		Last:        key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last choice")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "scroll groups up")),
		PageDn:      key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "scroll groups down")),
		SaveSegment: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "save filter as segment")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Down, k.SaveSegment, k.PageDn}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Next, k.Prev, k.Up, k.Down, k.First, k.Last}, {k.PageUp, k.PageDn, k.SaveSegment}}
}
