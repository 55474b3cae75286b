package rule

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/segscope/segscope/query/counts"
)

// Limits on what a rule may contain. Each keeps a rule cheap to check and
// well inside what DuckDB will plan (it refuses expressions nested more than
// 1000 deep, and inlined segments stack their depths).
const (
	MaxRuleChars    = 10_000 // length of one rule's text, in characters
	MaxDepth        = 64     // nesting of parentheses, operators and calls
	MaxInList       = 1_000  // items in one in (...) list
	MaxSegmentDepth = 5      // segment('a') whose rule uses segment('b') is 2 deep
	// MaxEventConditions bounds the event measures in one rule: each groups
	// its event table once, so a few hundred over millions of events would
	// run for minutes.
	MaxEventConditions = 32
)

// reserved words can never be column names unless quoted.
var reserved = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "between": true, "like": true,
	"ilike": true, "is": true, "null": true, "true": true, "false": true,
}

// infixWords follow an operand; used to suggest a fix for a misspelling.
var infixWords = []string{"and", "or", "not", "in", "between", "like", "ilike", "is", "contains", "starts_with"}

// postfixWords may follow not after an operand: x not in (...), x not like ...
var postfixWords = []string{"in", "between", "like", "ilike", "contains", "starts_with"}

var compareOps = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

const (
	operandExpected = `a column, a value or "("`
	afterOperand    = "an operator, and, or, or the end of the rule"
)

// CheckLength refuses a rule of n characters if it is over the limit. Text
// fields call it before taking a paste, so that a huge one is never held,
// lexed or drawn.
func CheckLength(n int) error {
	if n <= MaxRuleChars {
		return nil
	}
	return fmt.Errorf("a rule can be at most %s characters; this one is %s", counts.Format(MaxRuleChars), counts.Format(int64(n)))
}

// runeOffset is the byte offset of the n-th character of s (len(s) if s is shorter).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

type parser struct {
	src   string
	toks  []token // ends with tEOF or with the first tError
	i     int
	depth int
}

// Parse parses a rule into its syntax tree. It checks everything that does
// not need the table's schema: syntax, function names and arity, literals
// and the limits.
func Parse(src string) (Expr, error) {
	e, err := parse(src)
	if err != nil {
		return nil, withSource(err, src)
	}
	return e, nil
}

func parse(src string) (Expr, error) {
	// No rule within the limit is longer than this in bytes, so most text is
	// let through without counting its characters.
	if len(src) > MaxRuleChars {
		if err := CheckLength(utf8.RuneCountInString(src)); err != nil {
			return nil, &Error{Pos: runeOffset(src, MaxRuleChars), End: len(src), Msg: err.Error()}
		}
	}
	p := &parser{src: src}
	l := &lexer{src: src}
	for {
		t := l.next()
		p.toks = append(p.toks, t)
		if t.kind == tEOF || t.kind == tError {
			break
		}
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if p.isOp(")") {
			return nil, p.errAt(t, `unmatched ")"`, "")
		}
		err := p.unexpected(afterOperand)
		if t.kind == tIdent {
			err.(*Error).Suggestion = Closest(t.text, infixWords)
		}
		return nil, err
	}
	if err := checkDepth(e, 1, src); err != nil {
		return nil, err
	}
	if err := checkEventConditions(e, src); err != nil {
		return nil, err
	}
	return e, nil
}

// checkEventConditions refuses a rule with more than MaxEventConditions
// event measures, pointing at the first one over.
func checkEventConditions(e Expr, src string) error {
	n := 0
	var over Expr
	var walk func(Expr)
	walk = func(e Expr) {
		if _, ok := e.(*Aggregate); ok {
			if n++; n == MaxEventConditions+1 {
				over = e
			}
		}
		for _, c := range children(e) {
			walk(c)
		}
	}
	walk(e)
	if over == nil {
		return nil
	}
	s := over.Bounds()
	return &Error{Pos: s.Pos, End: s.End, Token: clip(src[s.Pos:s.End]),
		Msg:  fmt.Sprintf("a rule can test at most %d event measures; this one has %d", MaxEventConditions, n),
		Hint: "split it into segments and combine them with segment('...')"}
}

// checkDepth bounds the height of the tree, which the parser's recursion
// guard does not: a + b + c + ... nests without recursing.
func checkDepth(e Expr, depth int, src string) error {
	if depth > MaxDepth {
		s := e.Bounds()
		return &Error{Pos: s.Pos, End: s.End, Token: clip(src[s.Pos:s.End]), Msg: tooDeep}
	}
	for _, c := range children(e) {
		if err := checkDepth(c, depth+1, src); err != nil {
			return err
		}
	}
	return nil
}

var tooDeep = fmt.Sprintf("rule is nested too deeply (the limit is %d levels)", MaxDepth)

func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 40
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(k int) token { return p.toks[min(p.i+k, len(p.toks)-1)] }

func (p *parser) advance() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == op
}

func isWord(t token, words ...string) bool {
	if t.kind != tIdent {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}

func (p *parser) expectOp(op, expected string) (token, error) {
	if p.isOp(op) {
		return p.advance(), nil
	}
	return token{}, p.unexpected(expected)
}

func (p *parser) errAt(t token, msg, expected string) *Error {
	return &Error{Pos: t.pos, End: t.end, Token: p.src[t.pos:t.end], Msg: msg, Expected: expected}
}

// unexpected reports the current token. A lexer error is reported as itself,
// at the point where the parser reaches it, so errors come in text order.
func (p *parser) unexpected(expected string) error {
	t := p.peek()
	switch t.kind {
	case tError:
		return t.err
	case tEOF:
		return &Error{Pos: t.pos, End: t.pos, Token: "end of rule", Msg: "unexpected end of rule", Expected: expected}
	}
	what := map[tokKind]string{tString: "string ", tNumber: "number ", tQuoted: "column "}[t.kind]
	raw := p.src[t.pos:t.end]
	if t.kind == tIdent || t.kind == tOp {
		raw = quoteName(raw)
	}
	return p.errAt(t, "unexpected "+what+raw, expected)
}

// enter guards the parser's recursion, so that a flood of parentheses is
// refused before it costs stack.
func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(t, tooDeep, "")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) or() (Expr, error)  { return p.logical("or", p.and) }
func (p *parser) and() (Expr, error) { return p.logical("and", p.not) }

func (p *parser) logical(op string, next func() (Expr, error)) (Expr, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	terms := []Expr{first}
	for isWord(p.peek(), op) {
		p.advance()
		t, err := next()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	if len(terms) == 1 {
		return first, nil
	}
	return &Logical{Span: Span{first.Bounds().Pos, terms[len(terms)-1].Bounds().End}, Op: op, Terms: terms}, nil
}

func (p *parser) not() (Expr, error) {
	if !isWord(p.peek(), "not") {
		return p.comparison()
	}
	t := p.advance()
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	return &Unary{Span: Span{t.pos, x.Bounds().End}, Op: "not", X: x}, nil
}

func (p *parser) comparison() (Expr, error) {
	x, err := p.additive()
	if err != nil {
		return nil, err
	}
	e, err := p.predicate(x)
	if err != nil {
		return nil, err
	}
	if isWord(p.peek(), "in") && p.peekAt(1).kind == tNumber {
		err := p.errAt(p.peekAt(1), "unexpected number "+p.peekAt(1).text, `"(" and a list of values`)
		err.Hint = "a window of events is written in last 30 days"
		return nil, err
	}
	if e != x && p.startsPredicate() {
		err := p.errAt(p.peek(), "comparisons cannot be chained", "")
		err.Hint = "combine them with and"
		return nil, err
	}
	return e, nil
}

func (p *parser) startsPredicate() bool {
	t := p.peek()
	if p.atWindow() {
		return false
	}
	return t.kind == tOp && compareOps[t.text] || isWord(t, "is") || isWord(t, postfixWords...) ||
		isWord(t, "not") && isWord(p.peekAt(1), postfixWords...)
}

// atWindow reports whether the next words are "in last", which ends the
// events an aggregate counts (count(orders where x > 0 in last 30 days)):
// in is otherwise always followed by a list.
func (p *parser) atWindow() bool {
	return isWord(p.peek(), "in") && isWord(p.peekAt(1), "last")
}

// predicate parses what may follow an operand: a comparison, is null,
// in, between, like, contains. Without one it returns x itself.
func (p *parser) predicate(x Expr) (Expr, error) {
	t := p.peek()
	start := x.Bounds().Pos
	if p.atWindow() {
		return x, nil
	}
	if t.kind == tOp && compareOps[t.text] {
		p.advance()
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		op := t.text
		if op == "!=" {
			op = "<>"
		}
		return &Binary{Span: Span{start, r.Bounds().End}, Op: op, OpSpan: Span{t.pos, t.end}, L: x, R: r}, nil
	}
	if isWord(t, "is") {
		p.advance()
		not := isWord(p.peek(), "not")
		if not {
			p.advance()
		}
		if !isWord(p.peek(), "null") {
			return nil, p.unexpected("null or not null")
		}
		n := p.advance()
		return &IsNull{Span: Span{start, n.end}, Not: not, X: x}, nil
	}
	not := isWord(t, "not") && isWord(p.peekAt(1), postfixWords...)
	if not {
		p.advance()
	}
	w := p.peek()
	opSpan := Span{t.pos, w.end}
	switch {
	case isWord(w, "in"):
		p.advance()
		return p.inList(x, not, opSpan)
	case isWord(w, "between"):
		p.advance()
		lo, err := p.additive()
		if err != nil {
			return nil, err
		}
		if !isWord(p.peek(), "and") {
			return nil, p.unexpected(`and, as in "between 1 and 10"`)
		}
		p.advance()
		hi, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &Between{Span: Span{start, hi.Bounds().End}, Not: not, OpSpan: opSpan, X: x, Lo: lo, Hi: hi}, nil
	case isWord(w, "like", "ilike"):
		p.advance()
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &Binary{Span: Span{start, r.Bounds().End}, Op: strings.ToLower(w.text), Not: not, OpSpan: opSpan, L: x, R: r}, nil
	case isWord(w, "contains", "starts_with"):
		p.advance()
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &Call{Span: Span{start, r.Bounds().End}, Name: strings.ToLower(w.text), Not: not, Args: []Expr{x, r}}, nil
	}
	return x, nil
}

func (p *parser) inList(x Expr, not bool, opSpan Span) (Expr, error) {
	if _, err := p.expectOp("(", `"(" and a list of values`); err != nil {
		return nil, err
	}
	if p.isOp(")") {
		return nil, p.errAt(p.peek(), "empty in list", operandExpected)
	}
	var list []Expr
	for {
		if len(list) == MaxInList {
			return nil, p.errAt(p.peek(), fmt.Sprintf("in list has too many items (the limit is %d)", MaxInList), "")
		}
		item, err := p.additive()
		if err != nil {
			return nil, err
		}
		list = append(list, item)
		if !p.isOp(",") {
			break
		}
		p.advance()
	}
	end, err := p.expectOp(")", `"," or ")"`)
	if err != nil {
		return nil, err
	}
	return &In{Span: Span{x.Bounds().Pos, end.end}, Not: not, OpSpan: opSpan, X: x, List: list}, nil
}

func (p *parser) additive() (Expr, error)       { return p.chain(p.multiplicative, "+", "-") }
func (p *parser) multiplicative() (Expr, error) { return p.chain(p.unary, "*", "/") }

func (p *parser) chain(next func() (Expr, error), ops ...string) (Expr, error) {
	l, err := next()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tOp || !slices.Contains(ops, t.text) {
			return l, nil
		}
		p.advance()
		r, err := next()
		if err != nil {
			return nil, err
		}
		l = &Binary{Span: Span{l.Bounds().Pos, r.Bounds().End}, Op: t.text, OpSpan: Span{t.pos, t.end}, L: l, R: r}
	}
}

func (p *parser) unary() (Expr, error) {
	if !p.isOp("-") {
		return p.primary()
	}
	t := p.advance()
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	// A negative literal stays a literal, so -5 compiles to -5.
	if n, ok := x.(*Number); ok {
		return &Number{Span: Span{t.pos, n.End}, Value: -n.Value, Int: -n.Int, IsInt: n.IsInt}, nil
	}
	return &Unary{Span: Span{t.pos, x.Bounds().End}, Op: "-", X: x}, nil
}

func (p *parser) primary() (Expr, error) {
	t := p.peek()
	switch t.kind {
	case tNumber:
		p.advance()
		return p.number(t)
	case tString:
		p.advance()
		return &String{Span: Span{t.pos, t.end}, Value: t.text}, nil
	case tQuoted:
		return p.name(), nil
	case tIdent:
		return p.word()
	case tOp:
		if t.text != "(" {
			break
		}
		p.advance()
		if err := p.enter(t); err != nil {
			return nil, err
		}
		defer p.leave()
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if _, err := p.expectOp(")", `an operator or ")"`); err != nil {
			return nil, err
		}
		return e, nil
	}
	return nil, p.unexpected(operandExpected)
}

func (p *parser) number(t token) (Expr, error) {
	span := Span{t.pos, t.end}
	if !strings.ContainsAny(t.text, ".eE") {
		if n, err := strconv.ParseInt(t.text, 10, 64); err == nil {
			return &Number{Span: span, Value: float64(n), Int: n, IsInt: true}, nil
		}
	}
	f, err := strconv.ParseFloat(t.text, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, p.errAt(t, "number out of range", "")
	}
	return &Number{Span: span, Value: f}, nil
}

// word parses a bare word in operand position. Only the reserved words are
// keywords everywhere; date, timestamp and the function names are keywords
// only where the syntax needs them, so columns may still be called date.
func (p *parser) word() (Expr, error) {
	t := p.peek()
	next := p.peekAt(1)
	lw := strings.ToLower(t.text)
	switch {
	case lw == "true" || lw == "false":
		p.advance()
		return &Bool{Span: Span{t.pos, t.end}, Value: lw == "true"}, nil
	case lw == "null":
		err := p.errAt(t, "null can only be tested with is null or is not null", "")
		err.Hint = "write x is null instead of x = null"
		return nil, err
	case (lw == "date" || lw == "timestamp") && next.kind == tString:
		return p.temporal()
	case reserved[lw]:
		return nil, p.unexpected(operandExpected)
	case next.kind == tOp && next.text == "(":
		return p.call()
	}
	return p.name(), nil
}

// name parses a column name, bare or quoted, qualified by its table when
// followed by a dot: orders.Quantity, "web orders"."Unit Price".
func (p *parser) name() *Ident {
	t := p.advance()
	dot, col := p.peek(), p.peekAt(1)
	if dot.kind != tOp || dot.text != "." || col.kind != tIdent && col.kind != tQuoted || col.kind == tIdent && reserved[strings.ToLower(col.text)] {
		return &Ident{Span: Span{t.pos, t.end}, Name: t.text}
	}
	p.advance()
	p.advance()
	return &Ident{Span: Span{t.pos, col.end}, Table: t.text, Name: col.text}
}

var timestampLayouts = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"}

func (p *parser) temporal() (Expr, error) {
	kw := p.advance()
	s := p.advance()
	typ, layouts, expected := TypeDate, []string{"2006-01-02"}, "a real date written YYYY-MM-DD"
	if isWord(kw, "timestamp") {
		typ, layouts, expected = TypeTimestamp, timestampLayouts, "a real timestamp written YYYY-MM-DD HH:MM:SS"
	}
	for _, layout := range layouts {
		v, err := time.Parse(layout, s.text)
		if err != nil {
			continue
		}
		if v.Year() < 1 {
			return nil, p.errAt(s, "year out of range", "a year from 1 to 9999")
		}
		if v.Nanosecond()%1000 != 0 {
			return nil, p.errAt(s, "timestamps are precise to the microsecond", "at most 6 digits after the seconds")
		}
		return &Temporal{Span: Span{kw.pos, s.end}, Type: typ, Value: v}, nil
	}
	return nil, p.errAt(s, fmt.Sprintf("invalid %s %s", strings.ToLower(kw.text), p.src[s.pos:s.end]), expected)
}
