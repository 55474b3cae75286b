package tui

import (
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/styles"
)

// fixedNow makes elapsed times and durations in views deterministic.
func fixedNow() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }

var (
	plans     = []string{"gold", "silver", "silver", "bronze", "free", "free", "free"}
	countries = []string{"US", "DE", "FR", "GB", "US", "ES"}
	firsts    = []string{"Ada", "Bruno", "Chiara", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas"}
	lasts     = []string{"Lovelace", "Mars", "Conti", "Patel", "Kaya", "Nazari", "Berg", "Roux", "Silva", "Weber"}
)

// customersCSV is a small audience table with every kind of column the
// console treats differently: a key, personal data, text, numbers, dates, nulls.
func customersCSV(n int) string {
	var b strings.Builder
	b.WriteString("customer_id,email,first_name,last_name,phone,plan,country,age,spend,signup_date,churned\n")
	for i := 1; i <= n; i++ {
		first, last := firsts[i%len(firsts)], lasts[(i*7)%len(lasts)]
		phone := fmt.Sprintf("+1 555 01%02d", i%100)
		if i%11 == 0 {
			phone = ""
		}
		fmt.Fprintf(&b, "%d,%s.%s%d@example.com,%s,%s,%s,%s,%s,%d,%.2f,2024-%02d-%02d,%t\n",
			i, strings.ToLower(first), strings.ToLower(last), i, first, last, phone,
			plans[i%len(plans)], countries[(i*5)%len(countries)], 18+(i*7)%60, float64((i*37)%500)+0.25*float64(i%4),
			1+i%12, 1+i%28, i%5 == 0)
	}
	return b.String()
}

func ordersCSV() string {
	var b strings.Builder
	b.WriteString("order_id,customer_id,amount\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "%d,%d,%.2f\n", 1000+i, 1+(i*13)%120, float64(i)*9.5)
	}
	return b.String()
}

// newWorkspace is an in-memory workspace with the customers and orders tables.
func newWorkspace(tb testing.TB) *query.Workspace {
	tb.Helper()
	ctx := context.Background()
	ws := querytest.Empty(tb)
	dir := tb.TempDir()
	for name, body := range map[string]string{"customers.csv": customersCSV(120), "orders.csv": ordersCSV()} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
		if _, err := ws.Import(ctx, path, query.ImportOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
	return ws
}

// newModel starts a console on newWorkspace's customers.
func newModel(tb testing.TB, ws *query.Workspace, w, h int, theme styles.Theme) *Model {
	tb.Helper()
	return openModel(tb, ws, "customers", w, h, theme)
}

// openModel starts a console of size w×h in a theme, opened on table, and
// lets its first queries finish.
func openModel(tb testing.TB, ws *query.Workspace, table string, w, h int, theme styles.Theme) *Model {
	tb.Helper()
	m := New(context.Background(), ws, Options{Table: table, NoColor: theme == styles.NoColor, Now: fixedNow})
	settle(tb, m, m.Init())
	switch theme {
	case styles.Dark:
		send(tb, m, tea.BackgroundColorMsg{Color: color.Black})
	case styles.Light:
		send(tb, m, tea.BackgroundColorMsg{Color: color.White})
	}
	send(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// requireFits fails the test unless m's frame is exactly w×h cells; state
// names what is on screen.
func requireFits(tb testing.TB, m *Model, w, h int, state string) {
	tb.Helper()
	lines := strings.Split(m.View().Content, "\n")
	if len(lines) != h {
		tb.Fatalf("%dx%d %s: %d lines", w, h, state, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw != w {
			tb.Fatalf("%dx%d %s: line %d is %d wide: %q", w, h, state, i, lw, ansi.Strip(l))
		}
	}
}

// send delivers a message and settles the commands it returns.
func send(tb testing.TB, m *Model, msg tea.Msg) {
	tb.Helper()
	_, cmd := m.Update(msg)
	settle(tb, m, cmd)
}

// settle is a synchronous stand-in for the Bubble Tea runtime: it runs cmd
// and every command that follows from it, feeding each message to m, until
// nothing is left. Spinner ticks are dropped so that it ends.
func settle(tb testing.TB, m *Model, cmd tea.Cmd) {
	tb.Helper()
	settleWatching(tb, m, cmd, func() {})
}

// collect runs cmd without delivering anything, returning the messages it
// produced (spinner ticks left out).
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// keyPress builds a key press from its name as Bubble Tea spells it.
func keyPress(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "backspace": tea.KeyBackspace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "f5": tea.KeyF5,
	}
	if code, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	if rest, ok := strings.CutPrefix(name, "alt+"); ok {
		k := keyPress(rest)
		k.Mod, k.Text = k.Mod|tea.ModAlt, ""
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

// press sends named keys one after another, settling after each.
func press(tb testing.TB, m *Model, keys ...string) {
	tb.Helper()
	for _, k := range keys {
		send(tb, m, keyPress(k))
	}
}

// typeText types s as fast as a person never could: only the last key's
// commands run, as a debounce would have it.
func typeText(tb testing.TB, m *Model, s string) {
	tb.Helper()
	var cmd tea.Cmd
	for _, r := range s {
		_, cmd = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	settle(tb, m, cmd)
}

// screenText is the view without colour codes.
func screenText(m *Model) string {
	return ansi.Strip(m.View().Content)
}
