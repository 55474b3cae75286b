package datascreen

import (
	"charm.land/bubbles/v2/key"

	"github.com/segscope/segscope/tui/grid"
)

// KeyMap is the Data screen's keys.
type KeyMap struct {
	Grid        grid.KeyMap
	Sort        key.Binding
	Reveal      key.Binding
	Profile     key.Binding
	Filter      key.Binding
	ClearFilter key.Binding
	Focus       key.Binding
	Open        key.Binding
	SaveSegment key.Binding
	ChooseKey   key.Binding
	SetUpEvents key.Binding
	Timeline    key.Binding

	// In the key picker (it moves with the grid's up and down); the
	// timeline closes with PickerClose too.
	PickerUse   key.Binding
	PickerClose key.Binding

	// In one person's events: the next event table.
	TimelineNext key.Binding

	// While an import runs (Esc reaches the root first), and once it is over.
	StopImport key.Binding
	Dismiss    key.Binding

	// In the filter bar.
	Apply    key.Binding
	Complete key.Binding
	Close    key.Binding
}

// DefaultKeyMap returns the Data screen's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Grid:         grid.DefaultKeyMap(),
		Sort:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort asc/desc/off")),
		Reveal:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal PII column")),
		Profile:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "column profile")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter rows")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "clear filter")),
		Focus:        key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "tables/grid")),
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open table")),
		SaveSegment:  key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "save filter as segment")),
		ChooseKey:    key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "choose the key column")),
		SetUpEvents:  key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "set up as events")),
		Timeline:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "this person's events")),
		PickerUse:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "make it the key")),
		PickerClose:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		TimelineNext: key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "next event table")),
		StopImport:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel import")),
		Dismiss:      key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "close summary")),
		Apply:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
		Complete:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Close:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close filter")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Filter, k.Sort, k.Profile, k.Reveal, k.Focus}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	// The screen's own actions before the grid's movements, which a narrow help
	// box cuts first and people guess anyway.
	actions := []key.Binding{k.Filter, k.ClearFilter, k.SaveSegment, k.Sort, k.Profile, k.Reveal, k.ChooseKey, k.SetUpEvents, k.Timeline, k.Focus, k.Open}
	return append([][]key.Binding{actions}, k.Grid.FullHelp()...)
}

// filteredHelp is shown while a filter is applied, which can become a segment.
type filteredHelp KeyMap

func (k filteredHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Filter, k.SaveSegment, k.ClearFilter, k.Sort, k.Profile}
}

func (k filteredHelp) FullHelp() [][]key.Binding { return KeyMap(k).FullHelp() }

// tablesHelp is shown while the sidebar has the keyboard.
type tablesHelp KeyMap

func (k tablesHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Grid.Down, k.Open, k.Focus}
}

func (k tablesHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Grid.Up, k.Grid.Down, k.Open, k.Focus}}
}

// filterHelp is shown while the filter bar has the keyboard.
type filterHelp KeyMap

func (k filterHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Apply, k.Complete, k.Close}
}

func (k filterHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Apply, k.Complete, k.Close}}
}

// importRunningHelp is shown while a file is imported.
type importRunningHelp KeyMap

func (k importRunningHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.StopImport, k.Filter, k.Focus}
}

func (k importRunningHelp) FullHelp() [][]key.Binding {
	return append(KeyMap(k).FullHelp(), []key.Binding{k.StopImport})
}

// importDoneHelp is shown while the import summary is up.
type importDoneHelp KeyMap

func (k importDoneHelp) ShortHelp() []key.Binding { return []key.Binding{k.Dismiss} }

func (k importDoneHelp) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Dismiss}} }

// keyPickerHelp is shown while the key picker is open.
type keyPickerHelp KeyMap

func (k keyPickerHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Grid.Down, k.PickerUse, k.PickerClose}
}

func (k keyPickerHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Grid.Up, k.Grid.Down, k.PickerUse, k.PickerClose}}
}

// timelineHelp is shown while one person's events are open.
type timelineHelp KeyMap

func (k timelineHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Grid.Down, k.TimelineNext, k.PickerClose}
}

func (k timelineHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Grid.Up, k.Grid.Down, k.Grid.PageDown, k.Grid.Left, k.Grid.Right, k.Reveal, k.TimelineNext, k.PickerClose}}
}

// audienceHelp is shown on an audience with event tables, whose people's
// events enter shows.
type audienceHelp KeyMap

func (k audienceHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Filter, k.Timeline, k.Sort, k.Profile, k.Reveal}
}

func (k audienceHelp) FullHelp() [][]key.Binding { return KeyMap(k).FullHelp() }

// eventsHelp is shown on a table that looks like events not set up yet.
type eventsHelp KeyMap

func (k eventsHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Filter, k.SetUpEvents, k.Sort, k.Profile, k.Reveal}
}

func (k eventsHelp) FullHelp() [][]key.Binding { return KeyMap(k).FullHelp() }
