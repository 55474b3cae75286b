package ruleview

import (
	"slices"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// RuleLine renders one line of rule text with syntax highlighting, the runes
// in bad marked as an error, and a block cursor at rune index cursor (-1 for
// none), scrolled horizontally so the cursor stays inside width cells. It
// returns the line and the rune index of its first visible character, so
// callers can point under it.
func RuleLine(st *styles.Styles, text string, cursor, width int, bad draw.Span) (string, int) {
	runes := []rune(text)
	class := ruleClasses(text, len(runes), cursor, bad)
	offset := 0
	if cursor >= width {
		offset = cursor - width + 1
	}
	end := len(runes)
	if cursor == len(runes) {
		runes = append(runes, ' ')
		end++
	}
	return paintRule(st, runes, class, offset, end, width), offset
}

// RuleRow is one screen line of a rule drawn by RuleRows: the line, and the
// runes [From, To) of the rule it shows.
type RuleRow struct {
	Line     string
	From, To int
}

// RuleRows draws rule text that may hold line breaks, highlighted as RuleLine
// does, wrapped at width cells (after a space when the line has one).
func RuleRows(st *styles.Styles, text string, cursor, width int, bad draw.Span) []RuleRow {
	runes := []rune(text)
	class := ruleClasses(text, len(runes), cursor, bad)
	// A cursor at the end of a line sits on a cell of its own.
	cells := append(slices.Clone(runes), ' ')
	var rows []RuleRow
	for _, sp := range draw.WrapRunes(runes, width) {
		end := sp.To
		atEnd := cursor == sp.To && (sp.To == len(runes) || runes[sp.To] == '\n')
		if atEnd {
			end++
		}
		rows = append(rows, RuleRow{Line: paintRule(st, cells, class, sp.From, end, width), From: sp.From, To: sp.To})
		if atEnd && draw.Width(string(runes[sp.From:sp.To])) >= width {
			rows = append(rows, RuleRow{Line: paintRule(st, cells, class, sp.To, sp.To+1, width), From: sp.To, To: sp.To})
		}
	}
	return rows
}

const classPlain, classCursor, classWrong = -1, -2, -3

// ruleClasses gives each of the n runes of text (and one past the end, for a
// cursor there) a token kind, or marks it plain, wrong or under the cursor.
func ruleClasses(text string, n, cursor int, bad draw.Span) []int {
	class := make([]int, n+1)
	for i := range class {
		class[i] = classPlain
	}
	// Tokens come in order, so their rune positions are counted on from the
	// previous one's: counting each from the start made long rules quadratic.
	at, atRune := 0, 0
	for _, t := range rule.Tokens(text) {
		from := atRune + utf8.RuneCountInString(text[at:t.Pos])
		to := from + utf8.RuneCountInString(text[t.Pos:t.End])
		at, atRune = t.End, to
		for i := from; i < to; i++ {
			class[i] = int(t.Kind)
		}
	}
	for i := max(bad.From, 0); i < min(bad.To, n); i++ {
		class[i] = classWrong
	}
	if cursor >= 0 && cursor <= n {
		class[cursor] = classCursor
	}
	return class
}

// paintRule styles runes[from:end] by class, in at most width cells.
func paintRule(st *styles.Styles, runes []rune, class []int, from, end, width int) string {
	var b strings.Builder
	cells := 0
	for i := from; i < end && cells < width; {
		j := i
		for j < end && class[j] == class[i] {
			j++
		}
		run := ansi.Truncate(strings.ReplaceAll(string(runes[i:j]), "\n", " "), width-cells, "")
		cells += draw.Width(run)
		switch class[i] {
		case classPlain:
			b.WriteString(run)
		case classCursor:
			b.WriteString(st.InputCursor.Render(run))
		case classWrong:
			b.WriteString(st.TokError.Render(run))
		default:
			b.WriteString(tokenStyle(st, rule.TokenKind(class[i])).Render(run))
		}
		i = j
	}
	return b.String()
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

// ErrorSpan is the runes of text that a rule error points at (at least one,
// so an error at the end of the rule still has a place).
func ErrorSpan(text string, re *rule.Error) draw.Span {
	if re == nil {
		return draw.Span{}
	}
	from := min(re.Pos, len(text))
	to := min(max(re.End, from), len(text))
	start := utf8.RuneCountInString(text[:from])
	return draw.Span{From: start, To: start + max(utf8.RuneCountInString(text[from:to]), 1)}
}

// PointAt is the line under a rule that points at an error: a caret under the
// w cells from cell col, with msg beside it, or before it when there is no room
// after; with room for neither, msg alone from cell indent.
func PointAt(st *styles.Styles, col, w int, msg string, indent, width int) string {
	caret := st.ErrorCaret.Render("^" + strings.Repeat("~", max(w-1, 0)))
	msg = st.Error.Render(msg)
	msgW := draw.Width(msg)
	switch {
	case col+w+1+msgW <= width:
		return strings.Repeat(" ", col) + caret + " " + msg
	case msgW+1 <= col:
		return strings.Repeat(" ", col-msgW-1) + msg + " " + caret
	}
	return strings.Repeat(" ", indent) + msg
}
