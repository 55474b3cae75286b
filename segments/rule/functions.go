package rule

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// functions is the whitelist, with the number of arguments each takes
// (max < 0: no upper bound). Types are checked by Check.
var functions = map[string]struct{ min, max int }{
	"lower": {1, 1}, "upper": {1, 1}, "trim": {1, 1}, "length": {1, 1},
	"abs": {1, 1}, "floor": {1, 1}, "ceil": {1, 1}, "round": {1, 2},
	"year": {1, 1}, "month": {1, 1}, "day": {1, 1}, "date_diff": {3, 3},
	"contains": {2, 2}, "starts_with": {2, 2},
	"coalesce": {2, -1}, "least": {2, -1}, "greatest": {2, -1},
}

// aggregateFuncs are the event aggregates. The measured ones (true) take a
// value of the event table, sum(orders.Quantity); the others the table
// itself, count(orders).
var aggregateFuncs = map[string]bool{
	"count": false, "none": false, "any": false, "first": false, "last": false,
	"sum": true, "avg": true, "min": true, "max": true, "count_distinct": true,
}

// IsAggregate reports whether name is an event aggregate, count or sum, whose
// parentheses hold an event table and its columns.
func IsAggregate(name string) bool {
	_, ok := aggregateFuncs[strings.ToLower(name)]
	return ok
}

// functionNames is what unknown function names are matched against.
var functionNames = func() []string {
	names := []string{"ago", "segment", "exported"}
	for n := range functions {
		names = append(names, n)
	}
	for n := range aggregateFuncs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}()

var diffUnits = []string{"day", "week", "month", "year", "hour", "minute"}

// agoUnits maps each accepted spelling to its SQL unit and the largest amount
// allowed, which keeps now minus the interval inside DuckDB's timestamp range.
var agoUnits = map[string]struct {
	unit string
	max  int64
}{
	"minute": {"minute", 525_600_000}, "minutes": {"minute", 525_600_000},
	"hour": {"hour", 8_760_000}, "hours": {"hour", 8_760_000},
	"day": {"day", 365_000}, "days": {"day", 365_000},
	"week": {"week", 52_000}, "weeks": {"week", 52_000},
	"month": {"month", 12_000}, "months": {"month", 12_000},
	"year": {"year", 1_000}, "years": {"year", 1_000},
}

func (p *parser) call() (Expr, error) {
	name := p.peek()
	lw := strings.ToLower(name.text)
	switch lw {
	case "ago":
		return p.ago()
	case "segment":
		return p.segment()
	case "exported":
		return p.exported()
	}
	if _, ok := aggregateFuncs[lw]; ok {
		return p.aggregate()
	}
	arity, ok := functions[lw]
	if !ok {
		err := p.errAt(name, "unknown function "+quoteName(name.text), "")
		err.Suggestion = Closest(name.text, functionNames)
		return nil, err
	}
	p.advance()
	open := p.advance()
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer p.leave()
	var args []Expr
	for !p.isOp(")") || len(args) > 0 {
		a, err := p.or()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if !p.isOp(",") {
			break
		}
		p.advance()
	}
	end, err := p.expectOp(")", `"," or ")"`)
	if err != nil {
		return nil, err
	}
	call := &Call{Span: Span{name.pos, end.end}, Name: lw, Args: args}
	if n := len(args); n < arity.min || arity.max >= 0 && n > arity.max {
		err := p.errAt(name, fmt.Sprintf("%s takes %s, got %d", lw, describeArity(arity.min, arity.max), n), "")
		err.End = end.end
		return nil, err
	}
	return call, p.literalArgs(call)
}

func describeArity(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("at least %d arguments", lo)
	case lo == hi && lo == 1:
		return "1 argument"
	case lo == hi:
		return fmt.Sprintf("%d arguments", lo)
	}
	return fmt.Sprintf("%d or %d arguments", lo, hi)
}

// literalArgs checks the arguments that must be literals because DuckDB needs
// them constant: the unit of date_diff and the digits of round.
func (p *parser) literalArgs(c *Call) error {
	switch {
	case c.Name == "date_diff":
		s, ok := c.Args[0].(*String)
		unit := ""
		if ok {
			unit = strings.TrimSuffix(strings.ToLower(s.Value), "s")
		}
		if !slices.Contains(diffUnits, unit) {
			sp := c.Args[0].Bounds()
			err := &Error{Pos: sp.Pos, End: sp.End, Token: p.src[sp.Pos:sp.End], Msg: "date_diff needs a unit",
				Expected: "one of 'day', 'week', 'month', 'year', 'hour', 'minute'"}
			if ok {
				err.Suggestion = Closest(s.Value, diffUnits)
			}
			return err
		}
		c.Args[0] = &String{Span: s.Span, Value: unit}
	case c.Name == "round" && len(c.Args) == 2:
		if n, ok := c.Args[1].(*Number); !ok || !n.IsInt || n.Int < -38 || n.Int > 38 {
			sp := c.Args[1].Bounds()
			return &Error{Pos: sp.Pos, End: sp.End, Token: p.src[sp.Pos:sp.End], Msg: "round needs a number of digits",
				Expected: "a whole number from -38 to 38"}
		}
	}
	return nil
}

// ago parses ago(30 days). The amount must be a literal so the interval is
// fixed text in the SQL.
func (p *parser) ago() (Expr, error) {
	name := p.advance()
	p.advance()
	amount, unit, err := p.interval("ago", "a whole number and a unit, like ago(30 days)")
	if err != nil {
		return nil, err
	}
	end, err := p.expectOp(")", `")"`)
	if err != nil {
		return nil, err
	}
	return &Ago{Span: Span{name.pos, end.end}, Amount: amount, Unit: unit}, nil
}

// interval parses an amount and a unit, 30 days, as ago and windows take
// them; what names the construct in errors.
func (p *parser) interval(what, expected string) (int64, string, error) {
	n := p.peek()
	if n.kind != tNumber {
		return 0, "", p.unexpected(expected)
	}
	amount, err := strconv.ParseInt(n.text, 10, 64)
	if err != nil {
		return 0, "", p.errAt(n, what+" needs a whole number", expected)
	}
	p.advance()
	u := p.peek()
	if u.kind != tIdent {
		return 0, "", p.unexpected("a unit: minutes, hours, days, weeks, months or years")
	}
	unit, ok := agoUnits[strings.ToLower(u.text)]
	if !ok {
		err := p.errAt(u, "unknown unit "+quoteName(u.text), "minutes, hours, days, weeks, months or years")
		err.Suggestion = Closest(u.text, []string{"minutes", "hours", "days", "weeks", "months", "years"})
		return 0, "", err
	}
	p.advance()
	if amount > unit.max {
		err := p.errAt(n, fmt.Sprintf("%s reaches too far back: the limit is %d %ss", what, unit.max, unit.unit), "")
		err.End = u.end
		return 0, "", err
	}
	return amount, unit.unit, nil
}

// aggregate parses an event aggregate: count(orders where Quantity < 0 in
// last 90 days), sum(orders.Quantity * orders.UnitPrice). Which table a
// measured value comes from is read off its first qualified column.
func (p *parser) aggregate() (Expr, error) {
	name := p.advance()
	lw := strings.ToLower(name.text)
	open := p.advance()
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer p.leave()
	a := &Aggregate{Func: lw}
	if aggregateFuncs[lw] {
		arg, err := p.additive()
		if err != nil {
			return nil, err
		}
		id := firstQualified(arg)
		if id == nil {
			sp := arg.Bounds()
			return nil, &Error{Pos: sp.Pos, End: sp.End, Token: p.src[sp.Pos:sp.End],
				Msg:      lw + " needs to know which event table its value comes from",
				Expected: fmt.Sprintf("a column written with its table, like %s(orders.amount)", lw)}
		}
		a.Arg, a.Table, a.TableSpan = arg, id.Table, id.Span
	} else {
		t := p.peek()
		if t.kind != tIdent && t.kind != tQuoted || t.kind == tIdent && reserved[strings.ToLower(t.text)] {
			return nil, p.unexpected(fmt.Sprintf("an event table, like %s(orders)", lw))
		}
		id := p.name()
		if id.Table != "" {
			err := &Error{Pos: id.Pos, End: id.End, Token: p.src[id.Pos:id.End],
				Msg: fmt.Sprintf("%s takes an event table, not a column", lw)}
			err.Hint = fmt.Sprintf("write %s(%s); to count distinct values, count_distinct(%s)", lw, ruleName(id.Table), p.src[id.Pos:id.End])
			return nil, err
		}
		a.Table, a.TableSpan = id.Name, id.Span
	}
	if isWord(p.peek(), "where") {
		p.advance()
		w, err := p.or()
		if err != nil {
			return nil, err
		}
		a.Where = w
	}
	if p.atWindow() {
		in := p.advance()
		w, err := p.window(in, "in last 30 days")
		if err != nil {
			return nil, err
		}
		a.Window = w
	}
	end, err := p.expectOp(")", `where, in last (a window, like in last 30 days) or ")"`)
	if err != nil {
		return nil, err
	}
	a.Span = Span{name.pos, end.end}
	return a, nil
}

// exported parses exported('name') or exported('name', in last 7 days).
func (p *parser) exported() (Expr, error) {
	name := p.advance()
	p.advance()
	s := p.peek()
	if s.kind != tString || s.text == "" {
		return nil, p.unexpected("the segment's name as a string, like exported('weekly_promo', in last 7 days)")
	}
	p.advance()
	e := &Exported{Segment: s.text}
	if p.isOp(",") {
		p.advance()
		if !p.atWindow() {
			return nil, p.unexpected(`a window, like in last 7 days`)
		}
		in := p.advance()
		w, err := p.window(in, "in last 7 days")
		if err != nil {
			return nil, err
		}
		e.Window = w
	}
	end, err := p.expectOp(")", `", in last 7 days" or ")"`)
	if err != nil {
		return nil, err
	}
	e.Span = Span{name.pos, end.end}
	return e, nil
}

// window parses the rest of "in last 30 days" after in. A window of no
// time holds no event, so it is refused rather than always empty.
func (p *parser) window(in token, example string) (*Window, error) {
	p.advance()
	n := p.peek()
	amount, unit, err := p.interval("a window", "a whole number and a unit, like "+example)
	if err != nil {
		return nil, err
	}
	if amount < 1 {
		return nil, p.errAt(n, "a window needs at least 1 "+unit, "a whole number from 1, like "+example)
	}
	return &Window{Span: Span{in.pos, p.toks[p.i-1].end}, Amount: amount, Unit: unit}, nil
}

// firstQualified finds the first column written with its table in e.
func firstQualified(e Expr) *Ident {
	if id, ok := e.(*Ident); ok && id.Table != "" {
		return id
	}
	for _, c := range children(e) {
		if id := firstQualified(c); id != nil {
			return id
		}
	}
	return nil
}

func (p *parser) segment() (Expr, error) {
	name := p.advance()
	p.advance()
	s := p.peek()
	if s.kind != tString {
		return nil, p.unexpected("the segment's name as a string, like segment('trialists')")
	}
	p.advance()
	end, err := p.expectOp(")", `")"`)
	if err != nil {
		return nil, err
	}
	if s.text == "" {
		return nil, p.errAt(s, "empty segment name", "")
	}
	return &SegmentRef{Span: Span{name.pos, end.end}, Name: s.text}, nil
}
