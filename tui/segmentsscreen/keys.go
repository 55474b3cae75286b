package segmentsscreen

import "charm.land/bubbles/v2/key"

// KeyMap is the Segments screen's keys, for each of its views.
type KeyMap struct {
	// The list.
	Up, Down, First, Last key.Binding
	Open, New, Template   key.Binding
	Delete, History       key.Binding
	Refresh, RFM          key.Binding
	Snapshot, Campaign    key.Binding

	// The campaign view.
	Baseline key.Binding

	// The delete confirmation, and the RFM cells'.
	Confirm, Keep, Create key.Binding

	// The editor.
	Save, NextField, PrevField key.Binding
	Templates, Back            key.Binding
	TableNext, TablePrev       key.Binding

	// The history.
	EditFrom key.Binding

	// The template picker.
	Use, Close key.Binding
}

// DefaultKeyMap returns the Segments screen's default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		First:    key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "first")),
		Last:     key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit")),
		New:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
		Template: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "from template")),
		Delete:   key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete")),
		History:  key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history")),
		Refresh:  key.NewBinding(key.WithKeys("r", "f5"), key.WithHelp("r", "recount sizes")),
		RFM:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "RFM cells")),
		Snapshot: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "snapshot")),
		Campaign: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "campaign")),
		Baseline: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "type a baseline")),

		Confirm: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "delete")),
		Keep:    key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "keep")),
		Create:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "create them")),

		Save:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		NextField: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Templates: key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "templates")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		TableNext: key.NewBinding(key.WithKeys("right", "l", "space"), key.WithHelp("→", "next table")),
		TablePrev: key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←", "previous table")),

		EditFrom: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit from this version")),

		Use:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "use template")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
	}
}

// ShortHelp implements help.KeyMap for the list.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.New, k.Template, k.History, k.Campaign, k.Delete}
}

// FullHelp implements help.KeyMap for the list.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.First, k.Last}, {k.Open, k.New, k.Template, k.RFM, k.History, k.Delete, k.Refresh, k.Snapshot, k.Campaign}}
}

// editorHelp is shown while the editor has the keyboard.
type editorHelp KeyMap

func (k editorHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Save, k.NextField, k.Templates, k.Back}
}

func (k editorHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Save, k.NextField, k.PrevField, k.Templates, k.Back}, {k.TablePrev, k.TableNext}}
}

// historyHelp is shown on a segment's history.
type historyHelp KeyMap

func (k historyHelp) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.EditFrom, k.Back}
}

func (k historyHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.First, k.Last, k.EditFrom, k.Back}}
}

// pickerHelp is shown while the template picker is open.
type pickerHelp KeyMap

func (k pickerHelp) ShortHelp() []key.Binding { return []key.Binding{k.Down, k.Use, k.Close} }

func (k pickerHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Use, k.Close}}
}

// campaignHelp is shown on a segment's campaign view.
type campaignHelp KeyMap

func (k campaignHelp) ShortHelp() []key.Binding { return []key.Binding{k.Baseline, k.Snapshot, k.Back} }

func (k campaignHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Baseline, k.Snapshot, k.Refresh, k.Back}}
}
