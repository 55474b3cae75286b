package dialog

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// FormModel is a form whose state stays outside the stack, in a model the
// root owns, where its jobs' results arrive: the Form dialog hands it keys and
// pastes, draws it, and tells it when it leaves the stack.
type FormModel interface {
	// Key and Paste handle input; once the form has closed itself (IsOpen is
	// false), the dialog leaves the stack and their command runs.
	Key(tea.KeyPressMsg) tea.Cmd
	Paste(tea.PasteMsg) tea.Cmd
	IsOpen() bool
	// Box is the form drawn for a frame width cells wide; SetWidth gives it
	// that width when the frame is sized, so drawing changes nothing.
	Box() string
	SetWidth(width int)
	// Leave puts the form away however it left the stack (its own answer, a
	// request, the root clearing the stack).
	Leave()
	// Keys are the form's keys for the hints line.
	Keys() []key.Binding
}

// Form is a FormModel on the stack. It takes typed text.
type Form struct {
	id string
	m  FormModel
}

// NewForm puts m on the stack as the dialog id.
func NewForm(id string, m FormModel) Form { return Form{id: id, m: m} }

func (d Form) ID() string               { return d.id }
func (d Form) SetSize(w, _ int)         { d.m.SetWidth(w) }
func (d Form) View() string             { return d.m.Box() }
func (d Form) CapturesText() bool       { return true }
func (d Form) Closed()                  { d.m.Leave() }
func (d Form) ShortHelp() []key.Binding { return d.m.Keys() }

// Update hands a key or a paste to the form; once it has closed, so does the
// dialog.
func (d Form) Update(msg tea.Msg) Action {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		cmd = d.m.Key(msg)
	case tea.PasteMsg:
		cmd = d.m.Paste(msg)
	}
	if !d.m.IsOpen() {
		return Run{Fn: func() tea.Cmd { return cmd }}
	}
	return Cmd{Cmd: cmd}
}
