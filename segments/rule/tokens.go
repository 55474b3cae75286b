package rule

import (
	"strings"
)

// TokenKind classifies a token for syntax highlighting.
type TokenKind int

const (
	TokenKeyword TokenKind = iota
	TokenIdentifier
	TokenString
	TokenNumber
	TokenOperator
	TokenPunct
	TokenFunction
	TokenError
)

func (k TokenKind) String() string {
	switch k {
	case TokenKeyword:
		return "keyword"
	case TokenIdentifier:
		return "identifier"
	case TokenString:
		return "string"
	case TokenNumber:
		return "number"
	case TokenOperator:
		return "operator"
	case TokenPunct:
		return "punct"
	case TokenFunction:
		return "function"
	}
	return "error"
}

// Token is a piece of rule text; src[Pos:End] == Text.
type Token struct {
	Kind     TokenKind
	Pos, End int
	Text     string
}

// Tokens splits src for syntax highlighting. It never fails: characters the
// language does not allow become TokenError and scanning carries on, so a
// half-typed rule still highlights. Whitespace is not returned.
func Tokens(src string) []Token {
	var toks []token
	l := &lexer{src: src}
	for t := l.next(); t.kind != tEOF; t = l.next() {
		toks = append(toks, t)
	}
	out := make([]Token, len(toks))
	for i, t := range toks {
		var next, prev token
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		if i > 0 {
			prev = toks[i-1]
		}
		out[i] = Token{Kind: classify(t, prev, next), Pos: t.pos, End: t.end, Text: src[t.pos:t.end]}
	}
	return out
}

// classify mirrors the parser's contextual keywords: date is a keyword
// before a string and a column otherwise, a word before ( is a function.
func classify(t, prev, next token) TokenKind {
	switch t.kind {
	case tQuoted:
		return TokenIdentifier
	case tString:
		return TokenString
	case tNumber:
		return TokenNumber
	case tError:
		return TokenError
	case tOp:
		if strings.Contains("(),.", t.text) {
			return TokenPunct
		}
		return TokenOperator
	}
	lw := strings.ToLower(t.text)
	_, unit := agoUnits[lw]
	switch {
	case reserved[lw],
		(lw == "date" || lw == "timestamp") && next.kind == tString,
		unit && prev.kind == tNumber:
		return TokenKeyword
	case next.kind == tOp && next.text == "(":
		return TokenFunction
	case (lw == "contains" || lw == "starts_with" || lw == "where") && endsOperand(prev),
		lw == "last" && isWord(prev, "in"):
		return TokenKeyword
	}
	return TokenIdentifier
}

func endsOperand(t token) bool {
	switch t.kind {
	case tQuoted, tString, tNumber:
		return true
	case tOp:
		return t.text == ")"
	case tIdent:
		lw := strings.ToLower(t.text)
		return !reserved[lw] || lw == "true" || lw == "false" || lw == "null"
	}
	return false
}
