package comparescreen

import "charm.land/bubbles/v2/key"

// KeyMap is the Compare screen's keys, for each of its views.
type KeyMap struct {
	Up, Down, First, Last key.Binding
	PageUp, PageDown      key.Binding

	// Choosing the two sides.
	Switch, Run key.Binding

	// The ranked columns.
	Open, ChooseA, ChooseB, Swap, Rerun key.Binding

	// Back from the picker or a column.
	Back key.Binding
}

// DefaultKeyMap returns the Compare screen's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		First:    key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "first")),
		Last:     key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),

		Switch: key.NewBinding(key.WithKeys("tab", "shift+tab", "left", "right", "h", "l"), key.WithHelp("tab", "A ⇄ B list")),
		Run:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "compare")),

		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "column detail")),
		ChooseA: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "choose A")),
		ChooseB: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "choose B")),
		Swap:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "swap A and B")),
		Rerun:   key.NewBinding(key.WithKeys("r", "f5"), key.WithHelp("r", "run again")),

		Back: key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
	}
}

// ShortHelp implements help.KeyMap for the ranked columns.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.ChooseA, k.ChooseB, k.Swap}
}

// FullHelp implements help.KeyMap for the ranked columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.First, k.Last, k.PageUp, k.PageDown},
		{k.Open, k.ChooseA, k.ChooseB, k.Swap, k.Rerun},
	}
}

// pickHelp is shown while A and B are being chosen.
type pickHelp KeyMap

func (k pickHelp) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.Switch, k.Run, k.Back} }

func (k pickHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.First, k.Last}, {k.Switch, k.Run, k.Back}}
}

// columnHelp is shown on one column's detail.
type columnHelp KeyMap

func (k columnHelp) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.Back} }

func (k columnHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Back}}
}
