package consentscreen

import "charm.land/bubbles/v2/key"

// KeyMap is the Consent screen's keys.
type KeyMap struct {
	Up, Down, First, Last key.Binding
	Left, Right           key.Binding
	Open, Back, Recount   key.Binding
	// Setup opens the confirm form over a proposed consent setup.
	Setup key.Binding
}

// DefaultKeyMap returns the Consent screen's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:      key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "previous segment")),
		Down:    key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "next segment")),
		First:   key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "first segment")),
		Last:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last segment")),
		Left:    key.NewBinding(key.WithKeys("h", "left", "shift+tab"), key.WithHelp("←/h", "previous channel")),
		Right:   key.NewBinding(key.WithKeys("l", "right", "tab"), key.WithHelp("→/l", "next channel")),
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "segment detail")),
		Back:    key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back to the matrix")),
		Recount: key.NewBinding(key.WithKeys("r", "f5"), key.WithHelp("r", "recount")),
		Setup:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save the proposed setup")),
	}
}

// ShortHelp implements help.KeyMap for the matrix.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.Right, k.Open, k.Recount} }

// FullHelp implements help.KeyMap for the matrix.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.First, k.Last}, {k.Left, k.Right, k.Open, k.Recount}}
}

// segmentHelp is shown on one segment's detail.
type segmentHelp KeyMap

func (k segmentHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Setup, k.Right, k.Down, k.Back, k.Recount}
}

func (k segmentHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Left, k.Right, k.Up, k.Down}, {k.Back, k.Recount, k.Setup}}
}

// confirmHelp is shown while the confirm form is open.
type confirmHelp KeyMap

func (k confirmHelp) ShortHelp() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save the setup")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (k confirmHelp) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
