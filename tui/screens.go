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

// The console's screens, in tab order. Only those with a constructor in
// newScreens are shown.
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

// screen is what the root needs from a screen. Screens are plain structs
// updated in place; only the root builds the tea.View.
type screen interface {
	Init() tea.Cmd
	// SetSize gives the screen its area; it may need rows it does not have yet.
	SetSize(w, h int) tea.Cmd
	SetStyles(*styles.Styles)
	// Update handles keys and mouse events (in coordinates relative to the
	// screen) when the screen is shown, and every other message always.
	Update(tea.Msg) tea.Cmd
	// Show is called when the screen becomes the visible one.
	Show() tea.Cmd
	View() string
	Help() help.KeyMap
	// Running describes the job the user is waiting for.
	Running() (task.Info, bool)
	Cancel() bool
	// CapturesText reports whether typed characters are input, so that
	// q, ? and the number keys must reach the screen.
	CapturesText() bool
	Commands() []common.Command
}
