package tui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// Screen identifies a screen; its value is the number key that shows it.
type Screen int

// The console's screens, in tab order.
const (
	ScreenData Screen = iota + 1
	ScreenSlice
	ScreenSegments
	ScreenCompare
	ScreenConsent
	ScreenExport
	ScreenSQL
	ScreenAudit
)

var screenTitles = map[Screen]string{
	ScreenData: "Data", ScreenSlice: "Slice", ScreenSegments: "Segments", ScreenCompare: "Compare",
	ScreenConsent: "Consent", ScreenExport: "Export", ScreenSQL: "SQL", ScreenAudit: "Audit",
}

func (s Screen) String() string { return screenTitles[s] }

// screen is what the root needs from every screen: soft-serve's component
// contract. Screens are plain structs updated in place; only the root builds
// the tea.View. What a screen may also do is in the optional interfaces
// below, asked for with the functions after them.
type screen interface {
	// SetSize gives the screen its area; it may need rows it does not have yet.
	SetSize(w, h int) tea.Cmd
	// Update handles keys and mouse events (in coordinates relative to the
	// screen) when the screen is shown, and every other message always.
	Update(tea.Msg) tea.Cmd
	View() string
	Help() help.KeyMap
}

// starter is a screen with work to do as the console opens.
type starter interface{ Init() tea.Cmd }

// themed is a screen holding styles derived from the theme (a grid's
// paints, a text field's styles); the others read Env.Styles as they draw.
type themed interface{ SetStyles(*styles.Styles) }

// worker is a screen that runs jobs the user may wait for and cancel.
type worker interface {
	// Running describes the job the user is waiting for.
	Running() (task.Info, bool)
	Cancel() bool
}

// typist is a screen that may take typed characters as input, so that q, ?
// and the number keys must reach it.
type typist interface{ CapturesText() bool }

// commander is a screen with actions for the command palette.
type commander interface{ Commands() []common.Command }

// shower is a screen with work to do when it becomes the visible one.
type shower interface{ Show() tea.Cmd }

func initScreen(s screen) tea.Cmd {
	if i, ok := s.(starter); ok {
		return i.Init()
	}
	return nil
}

func restyle(s screen, st *styles.Styles) {
	if t, ok := s.(themed); ok {
		t.SetStyles(st)
	}
}

func running(s screen) (task.Info, bool) {
	if w, ok := s.(worker); ok {
		return w.Running()
	}
	return task.Info{}, false
}

func cancel(s screen) bool {
	if w, ok := s.(worker); ok {
		return w.Cancel()
	}
	return false
}

func capturesText(s screen) bool {
	t, ok := s.(typist)
	return ok && t.CapturesText()
}

func commands(s screen) []common.Command {
	if c, ok := s.(commander); ok {
		return c.Commands()
	}
	return nil
}

func show(s screen) tea.Cmd {
	if sh, ok := s.(shower); ok {
		return sh.Show()
	}
	return nil
}
