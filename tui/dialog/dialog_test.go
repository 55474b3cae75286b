package dialog

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/tui/styles"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// The palette ranks by the query, runs the chosen entry from the stack's
// Update, closes itself, and labels each entry with its binding's help key.
func TestPaletteRunsTheChosenCommandAndCloses(t *testing.T) {
	var ran []string
	cmd := func(title, k string) Command {
		return Command{Title: title, Key: key.NewBinding(key.WithKeys(k), key.WithHelp(k+"/f5", "")),
			Run: func() tea.Cmd { ran = append(ran, title); return nil }}
	}
	var s Stack
	s.SetSize(100, 30)
	s.Open(NewPalette(styles.New(styles.NoColor), []Command{cmd("Filter rows", "/"), cmd("Sort by current column", "s")}))
	if !s.CapturesText() || !s.has(PaletteID) {
		t.Fatal("the palette is not open, or does not take typing")
	}
	for _, k := range []string{"s", "o", "r"} {
		s.Update(press(k))
	}
	view := ansi.Strip(s.View(strings.Repeat(strings.Repeat(" ", 100)+"\n", 29)+strings.Repeat(" ", 100), 100))
	if !strings.Contains(view, "Sort by current column") || strings.Contains(view, "Filter rows") || !strings.Contains(view, "s/f5") {
		t.Fatalf("after 'sor' the palette shows:\n%s", view)
	}
	s.Update(press("enter"))
	if len(ran) != 1 || ran[0] != "Sort by current column" || !s.Empty() {
		t.Fatalf("ran %v, stack empty %v", ran, s.Empty())
	}
}

// The front dialog gets the keys; closing it uncovers the one below, and
// opening a dialog whose ID is open replaces it rather than stacking a copy.
func TestStackFrontGetsKeysAndClosesInOrder(t *testing.T) {
	st := styles.New(styles.NoColor)
	var s Stack
	s.Open(NewHelp(st, helpModel(), nil, "Data", key.NewBinding(key.WithKeys("esc"))))
	s.Open(NewPalette(st, nil))
	s.Open(NewPalette(st, nil))
	if s.Front().ID() != PaletteID || len(s.dialogs) != 2 {
		t.Fatalf("front %s, %d dialogs", s.Front().ID(), len(s.dialogs))
	}
	s.Update(press("q")) // the palette's query, not a close
	if s.Front().ID() != PaletteID {
		t.Fatal("a typed q closed the palette")
	}
	s.Update(press("esc"))
	if s.Front().ID() != HelpID || s.CapturesText() {
		t.Fatalf("after esc the front is %v", s.Front())
	}
	s.Update(press("x"))
	if s.Empty() {
		t.Fatal("a key that is not the help's close key closed it")
	}
	s.Update(press("esc"))
	if !s.Empty() {
		t.Fatal("esc did not close the help")
	}
}

func helpModel() help.Model { return help.New() }

type probe struct {
	id     string
	closed *int
}

func (p probe) ID() string            { return p.id }
func (p probe) Update(tea.Msg) Action { return Close{} }
func (p probe) View() string          { return p.id }
func (p probe) SetSize(int, int)      {}
func (p probe) Closed()               { *p.closed++ }

// A dialog whose state lives elsewhere hears of every way it leaves the
// stack: its own answer, a screen's CloseID, and the root clearing it.
func TestStackTellsADialogItClosed(t *testing.T) {
	var n int
	var s Stack
	s.Open(probe{"a", &n})
	s.Update(press("x"))
	s.Open(probe{"b", &n})
	s.Remove("b")
	s.Open(probe{"c", &n})
	s.Open(probe{"d", &n})
	s.Clear()
	if n != 4 || !s.Empty() {
		t.Fatalf("%d of 4 closings heard", n)
	}
}
