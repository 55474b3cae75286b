package rule

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is every parse, type and limit error. Positions are byte offsets so
// a UI can underline src[Pos:End]; Line and Col are for people.
type Error struct {
	Pos        int    // byte offset of the offending token
	End        int    // byte offset just past it
	Line       int    // 1-based; 0 when the rule text was not at hand (Check on its own)
	Col        int    // 1-based, counted in characters; 0 when Line is
	Token      string // the offending token, or "end of rule"
	Msg        string
	Expected   string // what would have been accepted here, if that is useful
	Suggestion string // closest known name, shown as "did you mean ...?"
	Hint       string // how to fix it, when the message alone would not say

	// graph marks errors about segment references themselves (cycles, depth,
	// missing segments), which keep their wording when relocated outwards.
	graph bool
}

func (e *Error) Error() string {
	var b strings.Builder
	col := e.Col
	if col == 0 {
		col = e.Pos + 1
	}
	if e.Line > 1 {
		fmt.Fprintf(&b, "at line %d, column %d: ", e.Line, col)
	} else {
		fmt.Fprintf(&b, "at column %d: ", col)
	}
	b.WriteString(e.Msg)
	if e.Expected != "" {
		b.WriteString(", expected ")
		b.WriteString(e.Expected)
	}
	if e.Suggestion != "" {
		fmt.Fprintf(&b, " — did you mean %s?", quoteName(e.Suggestion))
	}
	if e.Hint != "" {
		b.WriteString(" — ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// withSource fills in what an error needs the rule text for.
func withSource(err error, src string) error {
	e, ok := err.(*Error)
	if !ok || e.Line != 0 {
		return err
	}
	e.Line, e.Col = locate(src, e.Pos)
	return e
}

// locate turns a byte offset into a 1-based line and character column.
func locate(src string, pos int) (line, col int) {
	pos = min(pos, len(src))
	before := src[:pos]
	line = strings.Count(before, "\n") + 1
	lineStart := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[lineStart:]) + 1
}

// quoteName renders a name the way the rule language quotes column names.
func quoteName(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// Name writes a column or table name as a person would type it in a rule:
// bare when it is a plain word, quoted otherwise.
func Name(s string) string { return ruleName(s) }

// ruleName writes a column name as a person would type it in a rule: bare
// when it is a plain word, quoted otherwise.
func ruleName(s string) string {
	if s == "" || reserved[strings.ToLower(s)] {
		return quoteName(s)
	}
	for i, r := range s {
		if !isIdentStart(r) && (i == 0 || !isDigit(r)) {
			return quoteName(s)
		}
	}
	return s
}
