package dialog

import (
	"sort"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// Command is an action offered in the command palette. Run is called from
// Update, like a key handler.
type Command struct {
	Title string
	// Key is the binding that does the same thing; its help label is shown
	// beside the title, so a key is named once, in the screen's KeyMap.
	Key key.Binding
	Run func() tea.Cmd
}

// KeyLabel is the label of the command's key, "" for none.
func (c Command) KeyLabel() string { return c.Key.Help().Key }

// PaletteID names the command palette on the stack.
const PaletteID = "palette"

// Palette is the command palette: every action by name, narrowed by a fuzzy
// match as you type.
type Palette struct {
	styles  *styles.Styles
	input   textinput.Model
	all     []Command
	matches []match
	cursor  int
	w, h    int
}

type match struct {
	cmd   Command
	score int
	hits  []int // rune positions of the title that matched
}

const paletteRows = 10

var paletteKeys = struct{ up, down, run, close key.Binding }{
	up:    key.NewBinding(key.WithKeys("up", "ctrl+k")),
	down:  key.NewBinding(key.WithKeys("down", "ctrl+j", "ctrl+n", "tab")),
	run:   key.NewBinding(key.WithKeys("enter")),
	close: key.NewBinding(key.WithKeys("esc", "ctrl+p")),
}

// NewPalette offers cmds, in their order until a query ranks them.
func NewPalette(st *styles.Styles, cmds []Command) *Palette {
	p := &Palette{all: cmds}
	p.input = textinput.New()
	p.input.Prompt = ": "
	p.input.Placeholder = "type to search actions"
	p.input.SetVirtualCursor(false)
	p.input.Focus()
	p.SetStyles(st)
	p.filter()
	return p
}

// ID names the palette.
func (p *Palette) ID() string { return PaletteID }

// CapturesText is true: what is typed is the query.
func (p *Palette) CapturesText() bool { return true }

// SetSize gives the palette the frame's size.
func (p *Palette) SetSize(w, h int) { p.w, p.h = w, h }

// SetStyles switches theme.
func (p *Palette) SetStyles(st *styles.Styles) {
	p.styles = st
	s := p.input.Styles()
	s.Focused.Prompt = st.InputPrompt
	s.Blurred.Prompt = st.InputPrompt
	s.Focused.Placeholder = st.Placeholder
	s.Blurred.Placeholder = st.Placeholder
	s.Focused.Text = st.Title
	p.input.SetStyles(s)
}

// Update moves through the matches, runs the chosen one, or edits the query.
func (p *Palette) Update(msg tea.Msg) Action {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, paletteKeys.close):
			return Close{}
		case key.Matches(k, paletteKeys.up):
			p.cursor = max(p.cursor-1, 0)
			return nil
		case key.Matches(k, paletteKeys.down):
			p.cursor = min(p.cursor+1, len(p.matches)-1)
			return nil
		case key.Matches(k, paletteKeys.run):
			if p.cursor < len(p.matches) {
				return Run{Fn: p.matches[p.cursor].cmd.Run}
			}
			return Close{}
		}
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.filter()
	}
	return Cmd{Cmd: cmd}
}

// filter ranks the actions against the query; an empty query keeps them all
// in their natural order.
func (p *Palette) filter() {
	q := p.input.Value()
	p.matches = p.matches[:0]
	for _, c := range p.all {
		if score, hits, ok := fuzzy(q, c.Title); ok {
			p.matches = append(p.matches, match{cmd: c, score: score, hits: hits})
		}
	}
	sort.SliceStable(p.matches, func(i, j int) bool { return p.matches[i].score > p.matches[j].score })
	p.cursor = 0
}

// fuzzy matches the query's characters in order within the title. Matches at
// the start of words and runs of consecutive characters score higher, and
// earlier matches beat later ones.
func fuzzy(query, title string) (int, []int, bool) {
	q := []rune(strings.ToLower(query))
	t := []rune(title)
	var hits []int
	score, qi, prev := 0, 0, -2
	for i := 0; i < len(t) && qi < len(q); i++ {
		if unicode.ToLower(t[i]) != q[qi] {
			continue
		}
		switch {
		case i == prev+1:
			score += 6
		case i == 0 || t[i-1] == ' ':
			score += 8
		default:
			score++
		}
		score -= i / 8
		hits = append(hits, i)
		prev = i
		qi++
	}
	if qi < len(q) {
		return 0, nil, false
	}
	return score, hits, true
}

// View is the query, the matches and how to use them.
func (p *Palette) View() string {
	st := p.styles
	w := min(64, p.w-6)
	var lines []string
	lines = append(lines, draw.Fit(p.input.View(), w), st.Rule.Render(strings.Repeat("─", w)))
	rows := min(paletteRows, max(p.h-10, 3))
	first := max(p.cursor-rows+1, 0)
	for i := first; i < len(p.matches) && i < first+rows; i++ {
		lines = append(lines, p.row(p.matches[i], i == p.cursor, w))
	}
	if len(p.matches) == 0 {
		lines = append(lines, st.Muted.Render("no matching action"))
	}
	lines = append(lines, "", st.Faint.Render("↑/↓ choose · enter run · esc close"))
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

func (p *Palette) row(mt match, selected bool, w int) string {
	st := p.styles
	base, hit := st.Muted, st.Match
	if selected {
		base, hit = st.Selected, st.SelectedMatch
	}
	var b strings.Builder
	hits := map[int]bool{}
	for _, h := range mt.hits {
		hits[h] = true
	}
	b.WriteString(base.Render(" "))
	for i, r := range []rune(mt.cmd.Title) {
		if hits[i] {
			b.WriteString(hit.Render(string(r)))
		} else {
			b.WriteString(base.Render(string(r)))
		}
	}
	keys := base.Render(mt.cmd.KeyLabel() + " ")
	gap := w - draw.Width(b.String()) - draw.Width(keys)
	return b.String() + base.Render(strings.Repeat(" ", max(gap, 1))) + keys
}
