package rule

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF    tokKind = iota
	tIdent          // bare word: column, keyword or function name
	tQuoted         // "quoted column name"; text is the decoded name
	tString         // 'string'; text is the decoded value
	tNumber         // text as written; the parser re-formats it
	tOp             // operator or punctuation
	tError          // anything the language does not allow; err says why
)

type token struct {
	kind     tokKind
	pos, end int
	text     string
	err      *Error
}

// lexer never fails: bad input becomes tError tokens so that syntax
// highlighting can carry on past them. The parser stops at the first one.
type lexer struct {
	src string
	pos int
}

// lookalikes are characters that word processors and chat apps substitute for
// quotes; accepting them would make what the user sees differ from what runs.
var lookalikes = map[rune]string{
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '＇': "'", '`': `"`,
	'“': `"`, '”': `"`, '„': `"`, '‟': `"`, '″': `"`, '＂': `"`, '«': `"`, '»': `"`,
}

var twoCharOps = []string{"<=", ">=", "<>", "!="}

func (l *lexer) next() token {
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		l.pos += size
	}
	start := l.pos
	if start >= len(l.src) {
		return token{kind: tEOF, pos: start, end: start}
	}
	r, size := utf8.DecodeRuneInString(l.src[start:])
	rest := l.src[start:]
	switch {
	case r == utf8.RuneError && size == 1:
		l.pos++
		return l.fail(start, fmt.Sprintf("invalid UTF-8 byte 0x%02x", l.src[start]), "")
	case isIdentStart(r):
		return l.word(start)
	case isDigit(r) || r == '.' && len(rest) > 1 && isDigit(rune(rest[1])):
		return l.number(start)
	case r == '\'':
		return l.quoted(start, '\'', tString)
	case r == '"':
		return l.quoted(start, '"', tQuoted)
	case strings.HasPrefix(rest, "--"):
		l.pos += strings.IndexByte(rest+"\n", '\n')
		return l.fail(start, "comments are not allowed", "remove the --")
	case strings.HasPrefix(rest, "/*"):
		if i := strings.Index(rest[2:], "*/"); i >= 0 {
			l.pos += i + 4
		} else {
			l.pos = len(l.src)
		}
		return l.fail(start, "comments are not allowed", "remove the /* ... */")
	}
	for _, op := range twoCharOps {
		if strings.HasPrefix(rest, op) {
			l.pos += 2
			return token{kind: tOp, pos: start, end: l.pos, text: op}
		}
	}
	for _, bad := range []struct{ op, hint string }{
		{"==", "use = to compare"},
		{"&&", "use and"},
		{"||", "use or"},
	} {
		if strings.HasPrefix(rest, bad.op) {
			l.pos += 2
			return l.fail(start, fmt.Sprintf("unexpected %q", bad.op), bad.hint)
		}
	}
	l.pos += size
	if strings.ContainsRune("=<>+-*/(),.", r) { // . qualifies a column: orders.Quantity
		return token{kind: tOp, pos: start, end: l.pos, text: string(r)}
	}
	return l.unexpected(start, r)
}

func (l *lexer) unexpected(start int, r rune) token {
	msg := fmt.Sprintf("unexpected character %q", r)
	if r > unicode.MaxASCII || !unicode.IsPrint(r) {
		msg += fmt.Sprintf(" (%U)", r)
	}
	var hint string
	switch {
	case lookalikes[r] == "'":
		hint = "this is not a quote; write strings with a plain ' (apostrophe)"
	case lookalikes[r] == `"`:
		hint = `this is not a quote; write column names with a plain " (double quote)`
	case r == ';':
		hint = "a rule is a single condition; statements are not allowed"
	case r == '!':
		hint = "use not, or != to compare"
	}
	return l.fail(start, msg, hint)
}

func (l *lexer) fail(start int, msg, hint string) token {
	text := l.src[start:l.pos]
	return token{kind: tError, pos: start, end: l.pos, text: text,
		err: &Error{Pos: start, End: l.pos, Token: text, Msg: msg, Hint: hint}}
}

// failAt reports a problem inside the token that started at start: the whole
// token is marked bad, the error points at the exact byte.
func (l *lexer) failAt(start, pos, end int, msg string) token {
	t := l.fail(start, msg, "")
	t.err.Pos, t.err.End, t.err.Token = pos, end, l.src[pos:end]
	return t
}

func (l *lexer) word(start int) token {
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !isIdentStart(r) && !isDigit(r) {
			break
		}
		l.pos += size
	}
	return token{kind: tIdent, pos: start, end: l.pos, text: l.src[start:l.pos]}
}

// number accepts 12, 1.5, .5 and 1e-3. Anything glued onto it (30days,
// 1.2.3, 1e) is one malformed token rather than two that parse by accident.
func (l *lexer) number(start int) token {
	l.digits()
	if l.peekByte() == '.' {
		l.pos++
		l.digits()
	}
	if c := l.peekByte(); c == 'e' || c == 'E' {
		save := l.pos
		l.pos++
		if c := l.peekByte(); c == '+' || c == '-' {
			l.pos++
		}
		if isDigit(rune(l.peekByte())) {
			l.digits()
		} else {
			l.pos = save
		}
	}
	glued := false
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !isIdentStart(r) && !isDigit(r) && r != '.' {
			break
		}
		l.pos += size
		glued = true
	}
	if glued {
		return l.fail(start, fmt.Sprintf("malformed number %q", l.src[start:l.pos]), "")
	}
	return token{kind: tNumber, pos: start, end: l.pos, text: l.src[start:l.pos]}
}

func (l *lexer) digits() {
	for isDigit(rune(l.peekByte())) {
		l.pos++
	}
}

func (l *lexer) peekByte() byte {
	if l.pos < len(l.src) {
		return l.src[l.pos]
	}
	return 0
}

// quoted scans a string or quoted column name, where a doubled quote stands
// for one quote character.
func (l *lexer) quoted(start int, q byte, kind tokKind) token {
	what, hint := "string", "strings end with ' and a quote inside one is written ''"
	if kind == tQuoted {
		what, hint = "quoted column name", `quoted column names end with " and a quote inside one is written ""`
	}
	var b strings.Builder
	i := start + 1
	for {
		j := strings.IndexByte(l.src[i:], q)
		if j < 0 {
			l.pos = len(l.src)
			return l.fail(start, "unterminated "+what, hint)
		}
		b.WriteString(l.src[i : i+j])
		i += j + 1
		if i < len(l.src) && l.src[i] == q {
			b.WriteByte(q)
			i++
			continue
		}
		break
	}
	l.pos = i
	text := b.String()
	if k := strings.IndexByte(l.src[start:i], 0); k >= 0 {
		return l.failAt(start, start+k, start+k+1, "NUL bytes are not allowed in a "+what)
	}
	if !utf8.ValidString(text) {
		k := start
		for {
			r, size := utf8.DecodeRuneInString(l.src[k:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			k += size
		}
		return l.failAt(start, k, k+1, fmt.Sprintf("invalid UTF-8 byte 0x%02x in a %s", l.src[k], what))
	}
	if kind == tQuoted && text == "" {
		return l.fail(start, "empty column name", "")
	}
	return token{kind: kind, pos: start, end: i, text: text}
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isDigit(r rune) bool { return '0' <= r && r <= '9' }
