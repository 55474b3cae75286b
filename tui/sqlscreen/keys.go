package sqlscreen

import (
	"charm.land/bubbles/v2/key"

	"github.com/segscope/segscope/tui/grid"
)

// KeyMap is the SQL screen's keys.
type KeyMap struct {
	Grid     grid.KeyMap
	Run      key.Binding
	HistPrev key.Binding
	HistNext key.Binding
	Results  key.Binding
	Edit     key.Binding
	Reveal   key.Binding
}

// DefaultKeyMap returns the SQL screen's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Grid:     grid.DefaultKeyMap(),
		Run:      key.NewBinding(key.WithKeys("ctrl+r", "f5", "ctrl+enter"), key.WithHelp("ctrl+r/f5", "run")),
		HistPrev: key.NewBinding(key.WithKeys("ctrl+up"), key.WithHelp("ctrl+↑", "previous query")),
		HistNext: key.NewBinding(key.WithKeys("ctrl+down"), key.WithHelp("ctrl+↓", "next query")),
		Results:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "to results")),
		Edit:     key.NewBinding(key.WithKeys("i", "enter", "tab"), key.WithHelp("i/enter", "edit SQL")),
		Reveal:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal PII column")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Edit, k.Run, k.Reveal} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return append(k.Grid.FullHelp(), []key.Binding{k.Run, k.Edit, k.Results, k.HistPrev, k.HistNext, k.Reveal})
}

// editorHelp is shown while the editor has the keyboard.
type editorHelp KeyMap

func (k editorHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Run, k.HistPrev, k.Results}
}

func (k editorHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Run, k.HistPrev, k.HistNext, k.Results}}
}
