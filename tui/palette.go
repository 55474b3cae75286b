package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/dialog"
)

// paletteCommands are the palette's actions: screens to go to, the visible
// screen's own, then help and quit. Each names its key by its binding.
func (m *Model) paletteCommands() []common.Command {
	var cmds []common.Command
	for _, s := range m.order {
		k := tabKey(s)
		cmds = append(cmds, common.Command{
			Title: "Go to " + s.String(), Key: key.NewBinding(key.WithKeys(k), key.WithHelp(k, "")),
			Run: func() tea.Cmd { return m.show(s) },
		})
	}
	cmds = append(cmds, commands(m.screens[m.active])...)
	cmds = append(cmds, common.Command{Title: "Set up an event table (events setup)…", Run: func() tea.Cmd { return m.evs.Open("") }},
		common.Command{Title: "Subject: find or erase a person (data-subject request)…", Run: m.subj.Open})
	return append(cmds,
		common.Command{Title: "Show keys", Key: m.keys.Help, Run: func() tea.Cmd { m.openHelp(); return nil }},
		common.Command{Title: "Quit", Key: m.keys.Quit, Run: m.quit},
	)
}

func tabKey(s Screen) string { return string(rune('0' + int(s))) }

func (m *Model) openPalette() {
	m.dialogs.Open(dialog.NewPalette(m.env.Styles, m.paletteCommands()))
}

// openHelp shows the global keys and the visible screen's.
func (m *Model) openHelp() {
	groups := append(m.keys.FullHelp(), m.screens[m.active].Help().FullHelp()...)
	m.dialogs.Open(dialog.NewHelp(m.env.Styles, m.help, groups, m.active.String(), m.keys.Help, m.keys.Cancel))
}
