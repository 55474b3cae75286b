package segmentsscreen

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/aymanbagabas/go-udiff/lcs"

	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// change says which side of a diff a piece of text is on.
type change int

const (
	same change = iota
	added
	removed
)

// piece is a run of text that is on the same side of a diff.
type piece struct {
	change change
	text   string
}

// word is a token of a rule with the space before it.
type word struct{ lead, text string }

func splitWords(src string) []word {
	var out []word
	end := 0
	for _, t := range rule.Tokens(src) {
		out = append(out, word{lead: src[end:t.Pos], text: t.Text})
		end = t.End
	}
	return out
}

// diffWords compares two rules token by token (go-udiff's LCS over the
// tokens), so that changing a number or adding a condition shows as just that.
// Spacing and line breaks come from after, except inside removed text.
func diffWords(before, after string) []piece {
	a, b := splitWords(before), splitWords(after)
	var d differ
	i, j := 0, 0
	// keep emits the unchanged words up to a[end], which pair with b[j:].
	keep := func(end int) {
		for ; i < end; i, j = i+1, j+1 {
			w := b[j]
			if w.lead == "" {
				// At the start of after, but not of before: keep the space
				// between the removed text and this word.
				w.lead = a[i].lead
			}
			d.add(same, w)
		}
	}
	for _, c := range lcs.DiffLines(texts(a), texts(b)) {
		keep(c.Start)
		for ; i < c.End; i++ {
			d.add(removed, a[i])
		}
		for ; j < c.ReplEnd; j++ {
			d.add(added, b[j])
		}
	}
	keep(len(a))
	return d.pieces
}

func texts(words []word) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w.text
	}
	return out
}

// differ gathers words into pieces, joining neighbours on the same side.
type differ struct {
	pieces []piece
	last   change
}

func (d *differ) add(c change, w word) {
	if c == added && d.last == removed && !strings.Contains(w.lead, "\n") {
		// A replacement: the removed text already stands after the space.
		w.lead = ""
	}
	if c == same || c != d.last || len(d.pieces) == 0 {
		// The space before a change is not part of it.
		d.push(same, w.lead)
		d.push(c, w.text)
	} else {
		d.push(c, w.lead+w.text)
	}
	d.last = c
}

func (d *differ) push(c change, text string) {
	if text == "" {
		return
	}
	if n := len(d.pieces); n > 0 && d.pieces[n-1].change == c {
		d.pieces[n-1].text += text
		return
	}
	d.pieces = append(d.pieces, piece{c, text})
}

// diffRows draws a diff wrapped at width: removed text struck through, added
// text marked, and in the no-colour theme bracketed as [-removed-]{+added+}
// too, so the sides read apart without colour or strikethrough.
func diffRows(st *styles.Styles, pieces []piece, width int) []string {
	var runes []rune
	var class []change
	marks := st.Theme == styles.NoColor
	for _, p := range pieces {
		text := p.text
		switch {
		case marks && p.change == removed:
			text = "[-" + text + "-]"
		case marks && p.change == added:
			text = "{+" + text + "+}"
		}
		for _, r := range text {
			runes = append(runes, r)
			class = append(class, p.change)
		}
	}
	look := map[change]lipgloss.Style{same: st.Item, added: st.DiffAdd, removed: st.DiffDel}
	var out []string
	for _, sp := range draw.WrapRunes(runes, width) {
		var b strings.Builder
		for i := sp.From; i < sp.To; {
			j := i
			for j < sp.To && class[j] == class[i] {
				j++
			}
			b.WriteString(look[class[i]].Render(string(runes[i:j])))
			i = j
		}
		out = append(out, b.String())
	}
	return out
}
