package auditscreen

import "charm.land/bubbles/v2/key"

// KeyMap is the Audit screen's keys.
type KeyMap struct {
	Up, Down, First, Last key.Binding
	Older, Newer          key.Binding
	ScrollUp, ScrollDown  key.Binding
	Open, Back            key.Binding
	Action, Subject, This key.Binding
	Verify, Reload        key.Binding
	Apply                 key.Binding
}

// DefaultKeyMap returns the Audit screen's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:         key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "newer entry")),
		Down:       key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "older entry")),
		First:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top of the page")),
		Last:       key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom of the page")),
		ScrollUp:   key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "scroll up")),
		ScrollDown: key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "scroll down")),
		Older:      key.NewBinding(key.WithKeys("pgdown", "right", "l", "ctrl+d"), key.WithHelp("pgdn/→", "older page")),
		Newer:      key.NewBinding(key.WithKeys("pgup", "left", "h", "ctrl+u"), key.WithHelp("pgup/←", "newer page")),
		Open:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "entry details")),
		Back:       key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back / clear filters")),
		Action:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "filter by action")),
		Subject:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter by subject")),
		This:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "only this subject")),
		Verify:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify the hash chain")),
		Reload:     key.NewBinding(key.WithKeys("r", "f5"), key.WithHelp("r", "reload")),
		Apply:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
	}
}

// ShortHelp implements help.KeyMap for the log.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Verify, k.Action, k.Subject, k.Open, k.Older}
}

// FullHelp implements help.KeyMap for the log.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.First, k.Last, k.Older, k.Newer},
		{k.Open, k.Action, k.Subject, k.This, k.Back, k.Verify, k.Reload},
	}
}

// entryHelp is shown on one entry.
type entryHelp KeyMap

func (k entryHelp) ShortHelp() []key.Binding { return []key.Binding{k.ScrollDown, k.Back, k.Verify} }

func (k entryHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.ScrollUp, k.ScrollDown, k.Back, k.Verify}}
}

// typingHelp is shown while the subject filter is typed.
type typingHelp KeyMap

func (k typingHelp) ShortHelp() []key.Binding { return []key.Binding{k.Apply, k.Back} }

func (k typingHelp) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Apply, k.Back}} }
