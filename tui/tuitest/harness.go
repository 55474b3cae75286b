package tuitest

import (
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/dialog"
)

// Harness stands in for the root around one screen: it keeps the dialogs the
// screen opens (keys go to the front one, as in the console), the last status
// notice, and the requests meant for other screens, and hands every other
// message to the screen.
type Harness struct {
	Screen  Updater
	Dialogs dialog.Stack
	// Notice is the status line's text (an error's message for an error).
	Notice string
	// Edits are the "save as segment" requests the screen sent.
	Edits []common.EditSegmentMsg
}

// NewHarness puts screen in a w×h console frame, for its dialogs.
func NewHarness(screen Updater, w, h int) *Harness {
	hs := &Harness{Screen: screen}
	hs.Dialogs.SetSize(w, h)
	return hs
}

// Front names the dialog in front, which gets the keys ("" when none is open).
func (h *Harness) Front() string {
	if d := h.Dialogs.Front(); d != nil {
		return d.ID()
	}
	return ""
}

// Update routes msg as the root would.
func (h *Harness) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case dialog.OpenMsg:
		h.Dialogs.Open(msg.Dialog)
		return nil
	case dialog.CloseMsg:
		h.Dialogs.Remove(msg.ID)
		return nil
	case common.NoticeMsg:
		h.Notice = msg.Text
		if msg.Err != nil {
			h.Notice = msg.Err.Error()
		}
		return nil
	case common.EditSegmentMsg:
		h.Edits = append(h.Edits, msg)
		return nil
	case tea.KeyPressMsg, tea.PasteMsg:
		if h.Dialogs.Modal() {
			return h.Dialogs.Update(msg)
		}
	}
	return h.Screen.Update(msg)
}
