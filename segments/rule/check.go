package rule

import (
	"fmt"
	"strconv"
	"strings"
)

// Check type-checks a parsed rule against the table's schema: every column
// exists, every operator and function gets the types it needs, and the rule
// as a whole is a condition. Segment references are taken to be conditions;
// Compile checks the referenced rules themselves.
//
// A text or number literal compared with a boolean stands for true or false
// when it is one of yes, no, y, n, true, false, t, f, 1 or 0 (any case):
// Yes/No columns are imported as BOOLEAN, and people still write
// Churn = 'Yes'. Any other literal there is an error.
func Check(e Expr, s Schema) error {
	return check(e, s, map[Expr]bool{})
}

// check is Check recording, in bools, the truth value each literal compared
// with a boolean stands for, so that Compile writes TRUE or FALSE for it.
func check(e Expr, s Schema, bools map[Expr]bool) error {
	c := checker{schema: s, bools: bools, placed: map[*Aggregate]bool{}}
	t, err := c.typeOf(e)
	if err != nil {
		return err
	}
	if t != TypeBool {
		err := c.errAt(e, describe(e), "a rule must be a condition (true or false), but "+isA(e, t))
		err.Hint = "compare it with something, for example x > 0"
		return err
	}
	return nil
}

type checker struct {
	schema Schema
	bools  map[Expr]bool
	// event is the event table being aggregated over while checking an
	// aggregate's inside (schema is then that table's); nil outside.
	event *EventTable
	// placed are the aggregates found compared with a constant, the one
	// place a measured aggregate may be.
	placed map[*Aggregate]bool
}

func (c *checker) errAt(e Expr, token, msg string) *Error {
	s := e.Bounds()
	return &Error{Pos: s.Pos, End: s.End, Token: token, Msg: msg}
}

func (c *checker) typeOf(e Expr) (Type, error) {
	switch e := e.(type) {
	case *Ident:
		return c.column(e)
	case *Number:
		return TypeNumber, nil
	case *String:
		return TypeString, nil
	case *Bool:
		return TypeBool, nil
	case *SegmentRef:
		if c.event != nil {
			return 0, c.errAt(e, describe(e), "segment() cannot be used inside an event aggregate, whose conditions are about events")
		}
		return TypeBool, nil
	case *Aggregate:
		return c.aggregate(e)
	case *Exported:
		if c.event != nil {
			return 0, c.errAt(e, describe(e), "exported() cannot be used inside an event aggregate, whose conditions are about events")
		}
		return TypeBool, nil
	case *Temporal:
		return e.Type, nil
	case *Ago:
		return TypeTimestamp, nil
	case *Unary:
		if e.Op == "not" {
			return TypeBool, c.need(e.X, "not", TypeBool)
		}
		return TypeNumber, c.need(e.X, "minus", TypeNumber)
	case *Logical:
		for _, t := range e.Terms {
			if err := c.need(t, e.Op, TypeBool); err != nil {
				return 0, err
			}
		}
		return TypeBool, nil
	case *Binary:
		switch {
		case isArithmetic(e.Op):
			if err := c.need(e.L, strconv.Quote(e.Op), TypeNumber); err != nil {
				return 0, err
			}
			return TypeNumber, c.need(e.R, strconv.Quote(e.Op), TypeNumber)
		case e.Op == "like" || e.Op == "ilike":
			if err := c.need(e.L, e.Op, TypeString); err != nil {
				return 0, err
			}
			return TypeBool, c.need(e.R, e.Op, TypeString)
		}
		if err := c.place(e.L, e.R); err != nil {
			return 0, err
		}
		lt, err := c.typeOf(e.L)
		if err != nil {
			return 0, err
		}
		t, err := c.compare(e.OpSpan, e.Op, e.L, lt, e.R)
		if err == nil && t == TypeBool && ordering(e.Op) {
			return 0, c.unordered(e)
		}
		return TypeBool, err
	case *In:
		if err := c.place(append([]Expr{e.X}, e.List...)...); err != nil {
			return 0, err
		}
		return TypeBool, c.compareAll(e.OpSpan, notPrefix(e.Not)+"in", e.X, e.List)
	case *Between:
		if err := c.place(e.X, e.Lo, e.Hi); err != nil {
			return 0, err
		}
		return TypeBool, c.compareAll(e.OpSpan, notPrefix(e.Not)+"between", e.X, []Expr{e.Lo, e.Hi})
	case *IsNull:
		if err := c.place(e.X); err != nil {
			return 0, err
		}
		_, err := c.typeOf(e.X)
		return TypeBool, err
	case *Call:
		return c.call(e)
	}
	panic(fmt.Sprintf("rule: unknown node %T", e))
}

func notPrefix(not bool) string {
	if not {
		return "not "
	}
	return ""
}

func (c *checker) column(id *Ident) (Type, error) {
	if err := c.qualifier(id); err != nil {
		return 0, err
	}
	col, ok, ambiguous := c.schema.Lookup(id.Name)
	if ambiguous != nil {
		err := c.errAt(id, id.Name, fmt.Sprintf("ambiguous column %s: the table has %s", quoteName(id.Name), quoteNames(ambiguous)))
		err.Hint = "quote the name exactly as the table spells it"
		return 0, err
	}
	if !ok {
		msg := "unknown column " + quoteName(id.Name)
		if c.event != nil {
			msg += " in the event table " + quoteName(c.event.Name)
		}
		err := c.errAt(id, id.Name, msg)
		err.Suggestion = Closest(id.Name, c.schema.names())
		return 0, err
	}
	if col.Type == TypeUnknown {
		return TypeOther, nil
	}
	return col.Type, nil
}

func quoteNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += " and "
		}
		s += quoteName(n)
	}
	return s
}

// need checks that e has one of the wanted types (the first names it in the
// message); what is the operator or function that needs it.
func (c *checker) need(e Expr, what string, want ...Type) error {
	t, err := c.typeOf(e)
	if err != nil {
		return err
	}
	for _, w := range want {
		if t == w {
			return nil
		}
	}
	wantText := "a " + want[0].String()
	if len(want) == 2 && want[0].temporal() && want[1].temporal() {
		wantText = "a date or timestamp"
	}
	return c.errAt(e, describe(e), fmt.Sprintf("%s needs %s, but %s", what, wantText, isA(e, t)))
}

// compare checks that r can be compared with l, whose type is already known
// (so that a long in list does not re-check l for every item), and returns
// their common type. Dates and timestamps compare with each other; nothing
// else mixes.
func (c *checker) compare(opSpan Span, op string, l Expr, lt Type, r Expr) (Type, error) {
	rt, err := c.typeOf(r)
	if err != nil {
		// plan = premium: a text value written without its quotes reads as a column.
		if e, ok := err.(*Error); ok && e.Suggestion == "" && e.Hint == "" {
			if id, isIdent := r.(*Ident); isIdent {
				e.Hint = unquotedHint(l, lt, id.Name)
			}
		}
		return 0, err
	}
	if lt == TypeOther {
		return 0, c.errAt(l, describe(l), isA(l, lt))
	}
	if rt == TypeOther {
		return 0, c.errAt(r, describe(r), isA(r, rt))
	}
	switch {
	case lt == rt:
		return lt, nil
	case lt.temporal() && rt.temporal():
		return TypeTimestamp, nil
	case lt == TypeBool && isLiteral(r):
		return TypeBool, c.asBool(l, r)
	case rt == TypeBool && isLiteral(l):
		return TypeBool, c.asBool(r, l)
	}
	mismatch := &Error{Pos: opSpan.Pos, End: opSpan.End, Token: op,
		Msg: fmt.Sprintf("cannot compare %s (%s) with %s (%s)", describe(l), lt, describe(r), rt)}
	s, t := r, lt
	if _, ok := s.(*String); !ok {
		s, t = l, rt
	}
	if s, ok := s.(*String); ok {
		switch {
		case t.temporal():
			mismatch.Hint = fmt.Sprintf("write %s %s for a %s", t, quoteString(s.Value), t)
		case t == TypeNumber:
			if _, err := strconv.ParseFloat(s.Value, 64); err == nil {
				mismatch.Hint = "write numbers without quotes"
			}
		}
	}
	return 0, mismatch
}

func (c *checker) call(e *Call) (Type, error) {
	arg := func(i int, want ...Type) error { return c.need(e.Args[i], e.Name, want...) }
	switch e.Name {
	case "lower", "upper", "trim":
		return TypeString, arg(0, TypeString)
	case "length":
		return TypeNumber, arg(0, TypeString)
	case "abs", "floor", "ceil", "round":
		return TypeNumber, arg(0, TypeNumber)
	case "year", "month", "day":
		return TypeNumber, arg(0, TypeDate, TypeTimestamp)
	case "date_diff":
		if err := arg(1, TypeDate, TypeTimestamp); err != nil {
			return 0, err
		}
		return TypeNumber, arg(2, TypeDate, TypeTimestamp)
	case "contains", "starts_with":
		if err := arg(0, TypeString); err != nil {
			return 0, err
		}
		return TypeBool, arg(1, TypeString)
	}
	// coalesce, least, greatest: one type throughout, as for a comparison. The
	// other arguments are compared with the first that is not a literal, so
	// that in coalesce('no', Churn) the 'no' is read as Churn's false.
	anchor := 0
	for i, a := range e.Args {
		if !isLiteral(a) {
			anchor = i
			break
		}
	}
	first, err := c.typeOf(e.Args[anchor])
	if err != nil {
		return 0, err
	}
	result := first
	for i, a := range e.Args {
		if i == anchor {
			continue
		}
		t, err := c.compare(a.Bounds(), e.Name, e.Args[anchor], first, a)
		if err != nil {
			return 0, err
		}
		if t == TypeTimestamp { // a date mixed with a timestamp
			result = t
		}
	}
	return result, nil
}

// isLiteral reports whether e is a text or number literal, the kinds that
// may stand for a boolean.
func isLiteral(e Expr) bool {
	switch e.(type) {
	case *String, *Number:
		return true
	}
	return false
}

// boolWords are the spellings of true and false accepted where a boolean is
// compared with text (after trimming and lower-casing).
var boolWords = map[string]bool{
	"true": true, "t": true, "yes": true, "y": true, "1": true,
	"false": false, "f": false, "no": false, "n": false, "0": false,
}

// asBool reads lit, a text or number literal compared with the boolean b, as
// the truth value it stands for and records it for Compile.
func (c *checker) asBool(b, lit Expr) error {
	var v, ok bool
	switch lit := lit.(type) {
	case *String:
		v, ok = boolWords[strings.ToLower(strings.TrimSpace(lit.Value))]
	case *Number:
		v, ok = lit.Value == 1, lit.Value == 1 || lit.Value == 0
	}
	if ok {
		c.bools[lit] = v
		return nil
	}
	name, hint := describe(b), "compare it with true or false"
	if id, isIdent := b.(*Ident); isIdent {
		name = ruleName(id.Name)
		hint = fmt.Sprintf("write %s = true or %s = false", name, name)
	}
	err := c.errAt(lit, describe(lit), fmt.Sprintf("%s is true/false, not %s", name, describe(lit)))
	err.Hint = hint
	return err
}

func ordering(op string) bool { return op == "<" || op == ">" || op == "<=" || op == ">=" }

// unordered refuses a true/false compared by order: true > 1 is never true,
// so such a rule would silently select no one.
func (c *checker) unordered(e *Binary) error {
	b := e.L
	if t, _ := c.typeOf(b); t != TypeBool {
		b = e.R
	}
	name, hint := describe(b), "compare it with = or !="
	if id, isIdent := b.(*Ident); isIdent {
		n := ruleName(id.Name)
		hint = fmt.Sprintf("write %s = true or %s = false", n, n)
	}
	return &Error{Pos: e.OpSpan.Pos, End: e.OpSpan.End, Token: e.Op,
		Msg: fmt.Sprintf("%s is true/false, which has no order", name), Hint: hint}
}

// unquotedHint explains a bare word, compared with l of type lt, that turned
// out not to be a column: it was most likely meant as a value.
func unquotedHint(l Expr, lt Type, word string) string {
	switch lt {
	case TypeString:
		return "for the text " + quoteString(word) + ", put it in single quotes"
	case TypeBool:
		v, ok := boolWords[strings.ToLower(word)]
		if !ok {
			return ""
		}
		if id, isIdent := l.(*Ident); isIdent {
			name := ruleName(id.Name)
			return fmt.Sprintf("%s is true/false: write %s = %t", name, name, v)
		}
		return fmt.Sprintf("write %t", v)
	}
	return ""
}

// compareAll checks that each of rs can be compared with l.
func (c *checker) compareAll(opSpan Span, op string, l Expr, rs []Expr) error {
	lt, err := c.typeOf(l)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if _, err := c.compare(opSpan, op, l, lt, r); err != nil {
			return err
		}
	}
	return nil
}

// isA describes what an operand turned out to be, for error messages.
func isA(e Expr, t Type) string {
	d := describe(e)
	if t == TypeOther {
		return d + " has a type rules cannot use (only is null works on it)"
	}
	return d + " is a " + t.String()
}

// describe names an operand in an error message.
func describe(e Expr) string {
	switch e := e.(type) {
	case *Ident:
		return quoteName(e.Name)
	case *Number:
		return formatNumber(e)
	case *String:
		return clip(quoteString(e.Value))
	case *Bool:
		return strconv.FormatBool(e.Value)
	case *Temporal:
		return fmt.Sprintf("%s %s", e.Type, quoteString(formatTemporal(e)))
	case *Ago:
		return fmt.Sprintf("ago(%d %ss)", e.Amount, e.Unit)
	case *SegmentRef:
		return "segment(" + quoteString(e.Name) + ")"
	case *Exported:
		return "exported(" + quoteString(e.Segment) + ")"
	case *Call:
		return e.Name + "(...)"
	case *Aggregate:
		if e.Arg != nil {
			return e.Func + "(" + ruleName(e.Table) + "…)"
		}
		return e.Func + "(" + ruleName(e.Table) + ")"
	}
	return "the expression"
}
