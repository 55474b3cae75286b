package common

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/styles"
)

// Span is a range of runes [From, To); the zero Span marks nothing.
type Span struct{ From, To int }

// RuleLine renders one line of rule text with syntax highlighting, the runes
// in bad marked as an error, and a block cursor at rune index cursor (-1 for
// none), scrolled horizontally so the cursor stays inside width cells. It
// returns the line and the rune index of its first visible character, so
// callers can point under it.
func RuleLine(st *styles.Styles, text string, cursor, width int, bad Span) (string, int) {
	runes := []rune(text)
	const plain, atCursor, wrong = -1, -2, -3
	class := make([]int, len(runes)+1)
	for i := range class {
		class[i] = plain
	}
	for _, t := range rule.Tokens(text) {
		from := utf8.RuneCountInString(text[:t.Pos])
		to := utf8.RuneCountInString(text[:t.End])
		for i := from; i < to; i++ {
			class[i] = int(t.Kind)
		}
	}
	for i := max(bad.From, 0); i < min(bad.To, len(runes)); i++ {
		class[i] = wrong
	}
	if cursor >= 0 && cursor <= len(runes) {
		class[cursor] = atCursor
	}
	offset := 0
	if cursor >= width {
		offset = cursor - width + 1
	}
	end := len(runes)
	if cursor == len(runes) {
		runes = append(runes, ' ')
		end++
	}
	var b strings.Builder
	cells := 0
	for i := offset; i < end && cells < width; {
		j := i
		for j < end && class[j] == class[i] {
			j++
		}
		run := ansi.Truncate(string(runes[i:j]), width-cells, "")
		cells += Width(run)
		switch class[i] {
		case plain:
			b.WriteString(run)
		case atCursor:
			b.WriteString(st.InputCursor.Render(run))
		case wrong:
			b.WriteString(st.TokError.Render(run))
		default:
			b.WriteString(tokenStyle(st, rule.TokenKind(class[i])).Render(run))
		}
		i = j
	}
	return b.String(), offset
}

func tokenStyle(st *styles.Styles, k rule.TokenKind) lipgloss.Style {
	switch k {
	case rule.TokenKeyword:
		return st.TokKeyword
	case rule.TokenIdentifier:
		return st.TokColumn
	case rule.TokenString:
		return st.TokString
	case rule.TokenNumber:
		return st.TokNumber
	case rule.TokenOperator, rule.TokenPunct:
		return st.TokOperator
	case rule.TokenFunction:
		return st.TokFunction
	}
	return st.TokError
}

// RuleErrorText is a rule error for reading under the rule: what is wrong, what
// was expected, and a suggestion, without the position (the caret shows it).
func RuleErrorText(e *rule.Error) string {
	var b strings.Builder
	b.WriteString(e.Msg)
	if e.Expected != "" {
		b.WriteString(", expected " + e.Expected)
	}
	if e.Suggestion != "" {
		b.WriteString(" — did you mean " + e.Suggestion + "?")
	}
	if e.Hint != "" {
		b.WriteString(" — " + e.Hint)
	}
	return b.String()
}
