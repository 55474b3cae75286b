package exportscreen

import "charm.land/bubbles/v2/key"

// KeyMap is the Export screen's keys.
type KeyMap struct {
	NextField, PrevField key.Binding
	Up, Down             key.Binding
	Prev, Next           key.Binding
	Toggle, All          key.Binding
	Export               key.Binding
	Replace, Keep        key.Binding
	// Cancel is handled by the console, which cancels the visible screen's
	// jobs; it is here to be shown while an export runs.
	Cancel key.Binding
}

// DefaultKeyMap returns the Export screen's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		NextField: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Prev:      key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "previous choice")),
		Next:      key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "next choice")),
		Toggle:    key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "tick column")),
		All:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all / none but the key")),
		Export:    key.NewBinding(key.WithKeys("enter", "ctrl+s"), key.WithHelp("enter", "export")),
		Replace:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "replace the file")),
		Keep:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "keep it")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel the export")),
	}
}

// ShortHelp implements help.KeyMap for the form.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextField, k.Next, k.Toggle, k.Export}
}

// FullHelp implements help.KeyMap for the form.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.NextField, k.PrevField, k.Up, k.Down}, {k.Prev, k.Next, k.Toggle, k.All, k.Export}}
}

// confirmHelp is shown while replacing an existing file waits for an answer.
type confirmHelp KeyMap

func (k confirmHelp) ShortHelp() []key.Binding { return []key.Binding{k.Replace, k.Keep} }

func (k confirmHelp) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Replace, k.Keep}} }

// runningHelp is shown while an export runs.
type runningHelp KeyMap

func (k runningHelp) ShortHelp() []key.Binding { return []key.Binding{k.Cancel} }

func (k runningHelp) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Cancel}} }

// typingHelp is shown while the destination has the keyboard.
type typingHelp KeyMap

func (k typingHelp) ShortHelp() []key.Binding { return []key.Binding{k.NextField, k.Export} }

func (k typingHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.NextField, k.PrevField, k.Export}}
}
