// Package dialog holds the console's dialogs: boxes drawn over the frame, on
// one stack kept by the root. The front dialog gets the keys and answers each
// with an Action that the root carries out, so a dialog never reaches into
// the model under it, and a screen never draws an overlay of its own: it
// opens a dialog with Open, whose choices run back on the screen from the
// root's Update. The shape follows crush's internal/ui/dialog.
package dialog

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// Dialog is a box on the stack.
type Dialog interface {
	// ID names the dialog; opening one whose ID is on the stack replaces it.
	ID() string
	// Update handles a key or a paste and says what the root should do.
	Update(tea.Msg) Action
	// View is the box, at most the size given by SetSize.
	View() string
	// SetSize gives the dialog the frame's size; it picks its own within it.
	SetSize(w, h int)
}

// Action is what a dialog asks of the root; nil asks for nothing.
type Action interface{ isAction() }

// Close closes the front dialog.
type Close struct{}

// Run closes the front dialog, then calls Fn from the root's Update: a
// palette entry, or a confirmed choice acting on the screen that asked.
type Run struct{ Fn func() tea.Cmd }

// Cmd keeps the dialog open and hands Cmd to the runtime.
type Cmd struct{ Cmd tea.Cmd }

func (Close) isAction() {}
func (Run) isAction()   {}
func (Cmd) isAction()   {}

// OpenMsg asks the root to put Dialog on the stack.
type OpenMsg struct{ Dialog Dialog }

// Open is the command a screen returns to open d.
func Open(d Dialog) tea.Cmd { return func() tea.Msg { return OpenMsg{Dialog: d} } }

// CloseMsg asks the root to close the dialog with ID, wherever it is on the
// stack: what it showed ended on its own (a job it waited for finished).
type CloseMsg struct{ ID string }

// CloseID is the command a screen returns to close its dialog id.
func CloseID(id string) tea.Cmd { return func() tea.Msg { return CloseMsg{ID: id} } }

// typist is a dialog that takes typed text, so q and ? are input there.
type typist interface{ CapturesText() bool }

// hinter is a dialog whose keys the key hints line shows.
type hinter interface{ ShortHelp() []key.Binding }

// ShortHelp is the front dialog's keys for the hints line; ok is false when
// it names none and the screen's keys stay there.
func (s *Stack) ShortHelp() ([]key.Binding, bool) {
	h, ok := s.Front().(hinter)
	if !ok {
		return nil, false
	}
	return h.ShortHelp(), true
}

// closer is a dialog that must know when it leaves the stack, however it
// leaves (its own answer, the screen's request, or the root clearing the
// stack), to put away state kept elsewhere.
type closer interface{ Closed() }

func closed(d Dialog) {
	if c, ok := d.(closer); ok {
		c.Closed()
	}
}

// modeless is a dialog that may let the keys past: while Modal is false
// they go on to the root's keys and the screen, as if it were not open (an
// import's progress and summary, beside which the analyst keeps working).
type modeless interface{ Modal() bool }

// Modal reports whether the front dialog takes the keys: any open dialog
// does unless it is modeless and says not.
func (s *Stack) Modal() bool {
	d := s.Front()
	if d == nil {
		return false
	}
	if ml, ok := d.(modeless); ok {
		return ml.Modal()
	}
	return true
}

// themed is a dialog holding styles derived from the theme.
type themed interface{ SetStyles(*styles.Styles) }

// Stack is the open dialogs, the front one last.
type Stack struct {
	dialogs []Dialog
	w, h    int
}

// Open puts d in front, replacing a dialog with its ID.
func (s *Stack) Open(d Dialog) {
	s.remove(d.ID())
	d.SetSize(s.w, s.h)
	s.dialogs = append(s.dialogs, d)
}

// Front is the dialog that gets the keys; nil when none is open.
func (s *Stack) Front() Dialog {
	if len(s.dialogs) == 0 {
		return nil
	}
	return s.dialogs[len(s.dialogs)-1]
}

// has reports whether a dialog with id is open.
func (s *Stack) has(id string) bool {
	for _, d := range s.dialogs {
		if d.ID() == id {
			return true
		}
	}
	return false
}

// Empty reports whether no dialog is open.
func (s *Stack) Empty() bool { return len(s.dialogs) == 0 }

// Close closes the front dialog.
func (s *Stack) Close() {
	if len(s.dialogs) > 0 {
		closed(s.dialogs[len(s.dialogs)-1])
		s.dialogs = s.dialogs[:len(s.dialogs)-1]
	}
}

// Remove closes the dialog with id, if it is open.
func (s *Stack) Remove(id string) { s.remove(id) }

// Clear closes every dialog: the analyst left for another screen or clicked
// outside.
func (s *Stack) Clear() {
	for _, d := range s.dialogs {
		closed(d)
	}
	s.dialogs = nil
}

func (s *Stack) remove(id string) {
	for i, d := range s.dialogs {
		if d.ID() == id {
			closed(d)
			s.dialogs = append(s.dialogs[:i], s.dialogs[i+1:]...)
			return
		}
	}
}

// CapturesText reports whether the front dialog takes typed text.
func (s *Stack) CapturesText() bool {
	t, ok := s.Front().(typist)
	return ok && t.CapturesText()
}

// SetSize gives every dialog the frame's size.
func (s *Stack) SetSize(w, h int) {
	s.w, s.h = w, h
	for _, d := range s.dialogs {
		d.SetSize(w, h)
	}
}

// SetStyles switches the dialogs' theme.
func (s *Stack) SetStyles(st *styles.Styles) {
	for _, d := range s.dialogs {
		if t, ok := d.(themed); ok {
			t.SetStyles(st)
		}
	}
}

// Update hands msg to the front dialog and carries out its answer. It is
// called from the root's Update, so a Run's Fn changes a screen there, as a
// key handler would.
func (s *Stack) Update(msg tea.Msg) tea.Cmd {
	d := s.Front()
	if d == nil {
		return nil
	}
	switch a := d.Update(msg).(type) {
	case Close:
		s.Close()
	case Run:
		s.Close()
		if a.Fn != nil {
			return a.Fn()
		}
	case Cmd:
		return a.Cmd
	}
	return nil
}

// View draws the dialogs over base, a frame width cells wide, each centred
// across and below the frame's first row (the tab bar stays in sight).
func (s *Stack) View(base string, width int) string {
	for _, d := range s.dialogs {
		base = draw.Overlay(base, d.View(), width, 1)
	}
	return base
}
