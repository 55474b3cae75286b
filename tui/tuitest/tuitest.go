// Package tuitest holds what the console's tests share: a synchronous stand-in
// for the Bubble Tea runtime (Settle, Press), key presses by name, an
// environment for a screen on its own, and workspaces built once per test
// binary and copied for each test.
package tuitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/styles"
)

// Now is the clock of every test console: elapsed times and durations in
// views do not change from run to run.
func Now() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }

// Env is the environment a screen gets in the console, over ws, without
// colour and on the fixed clock; quitting is the test's end.
func Env(tb testing.TB, ws *query.Workspace) *common.Env {
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	return common.NewEnv(ctx, ws, styles.New(styles.NoColor), Now, "test")
}

// Updater is what the helpers drive: a screen, or the root through an adapter.
type Updater interface{ Update(tea.Msg) tea.Cmd }

// UpdateFunc adapts a function to Updater.
type UpdateFunc func(tea.Msg) tea.Cmd

// Update calls f.
func (f UpdateFunc) Update(msg tea.Msg) tea.Cmd { return f(msg) }

// Settle runs cmd and every command that follows from it, feeding each
// message to u and calling look after each, until nothing is left. Spinner
// ticks and quitting are dropped so that it ends; commands that do not
// settle in 30 seconds fail the test.
func Settle(tb testing.TB, u Updater, cmd tea.Cmd, look func()) {
	tb.Helper()
	queue := []tea.Cmd{cmd}
	deadline := time.Now().Add(30 * time.Second)
	for len(queue) > 0 {
		if time.Now().After(deadline) {
			tb.Fatal("commands did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, spinner.TickMsg, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			next := u.Update(msg)
			if look != nil {
				look()
			}
			queue = append(queue, next)
		}
	}
}

// Send delivers msg to u and settles what it returns.
func Send(tb testing.TB, u Updater, msg tea.Msg) {
	tb.Helper()
	Settle(tb, u, u.Update(msg), nil)
}

// Press sends named keys one after another, settling after each.
func Press(tb testing.TB, u Updater, keys ...string) {
	tb.Helper()
	for _, k := range keys {
		Send(tb, u, Key(k))
	}
}

// Type types s as fast as a person never could: only the last key's
// commands run, as a debounce would have it.
func Type(tb testing.TB, u Updater, s string) {
	tb.Helper()
	var cmd tea.Cmd
	for _, r := range s {
		cmd = u.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	Settle(tb, u, cmd, nil)
}

// Collect runs cmd without delivering anything, returning the messages it
// produced (spinner ticks left out).
func Collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, Collect(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// Key builds a key press from its name as Bubble Tea spells it.
func Key(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "backspace": tea.KeyBackspace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "f5": tea.KeyF5,
		"space": tea.KeySpace,
	}
	if code, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	if rest, ok := strings.CutPrefix(name, "alt+"); ok {
		k := Key(rest)
		k.Mod, k.Text = k.Mod|tea.ModAlt, ""
		return k
	}
	if rest, ok := strings.CutPrefix(name, "shift+"); ok {
		k := Key(rest)
		k.Mod = k.Mod | tea.ModShift
		return k
	}
	if rest, ok := strings.CutPrefix(name, "ctrl+"); ok {
		if code, ok := special[rest]; ok {
			return tea.KeyPressMsg{Code: code, Mod: tea.ModCtrl}
		}
		return tea.KeyPressMsg{Code: []rune(rest)[0], Mod: tea.ModCtrl}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// Text is a view without its colour codes.
func Text(view string) string { return ansi.Strip(view) }

// RequireFits fails the test unless view is exactly w×h cells; state names
// what is on screen.
func RequireFits(tb testing.TB, view string, w, h int, state string) {
	tb.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		tb.Fatalf("%dx%d %s: %d lines", w, h, state, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			tb.Fatalf("%dx%d %s: line %d is %d wide: %q", w, h, state, i, lw, ansi.Strip(l))
		}
	}
}

// Pump runs commands as the Bubble Tea runtime does, each in a goroutine of
// its own, and hands their messages to the model one at a time. Unlike
// Settle, it lets a test act while a command is still running.
type Pump struct {
	msgs    chan tea.Msg
	pending int
}

// NewPump is a pump with nothing running.
func NewPump() *Pump { return &Pump{msgs: make(chan tea.Msg)} }

// Run starts cmd.
func (p *Pump) Run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	p.pending++
	go func() { p.msgs <- cmd() }()
}

// Until delivers messages to u until done reports true, or, with done nil,
// until no command is left.
func (p *Pump) Until(tb testing.TB, u Updater, done func() bool) {
	tb.Helper()
	deadline := time.After(20 * time.Second)
	for done == nil || !done() {
		if p.pending == 0 {
			if done != nil {
				tb.Fatal("every command ended and the condition still does not hold")
			}
			return
		}
		select {
		case msg := <-p.msgs:
			p.pending--
			switch msg := msg.(type) {
			case nil, spinner.TickMsg:
			case tea.BatchMsg:
				for _, c := range msg {
					p.Run(c)
				}
			default:
				p.Run(u.Update(msg))
			}
		case <-deadline:
			tb.Fatal("commands did not end")
		}
	}
}

// Screen is what a screen test drives: a screen of the console.
type Screen interface {
	Updater
	SetSize(w, h int) tea.Cmd
	View() string
}

// Open gives s a w×h area and shows it, as the root does when its tab is
// chosen, and lets what that starts finish.
func Open[S Screen](tb testing.TB, s S, w, h int) S {
	tb.Helper()
	Settle(tb, s, s.SetSize(w, h), nil)
	if sh, ok := any(s).(interface{ Show() tea.Cmd }); ok {
		Settle(tb, s, sh.Show(), nil)
	}
	return s
}

// MustShow fails the test unless view, its colours stripped, holds every
// one of texts.
func MustShow(tb testing.TB, view string, texts ...string) {
	tb.Helper()
	view = ansi.Strip(view)
	for _, s := range texts {
		if !strings.Contains(view, s) {
			tb.Fatalf("the screen lacks %q:\n%s", s, view)
		}
	}
}
