package grid

import "charm.land/bubbles/v2/key"

// KeyMap is the grid's movement keys.
type KeyMap struct {
	Up, Down, PageUp, PageDown key.Binding
	HalfUp, HalfDown           key.Binding
	Top, Bottom                key.Binding
	Left, Right, First, Last   key.Binding
}

// DefaultKeyMap is vim-style movement with the arrow and page keys as well.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "space"), key.WithHelp("pgdn", "page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half page up")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "first row")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last row")),
		Left:     key.NewBinding(key.WithKeys("h", "left"), key.WithHelp("←/h", "column left")),
		Right:    key.NewBinding(key.WithKeys("l", "right"), key.WithHelp("→/l", "column right")),
		First:    key.NewBinding(key.WithKeys("0", "^"), key.WithHelp("0", "first column")),
		Last:     key.NewBinding(key.WithKeys("$"), key.WithHelp("$", "last column")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.Left, k.Bottom}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown},
		{k.Top, k.Bottom, k.Left, k.Right, k.First, k.Last},
	}
}
