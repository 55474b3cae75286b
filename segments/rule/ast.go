package rule

import (
	"slices"
	"time"
)

// Span is the byte range [Pos, End) of a node in the rule text.
type Span struct{ Pos, End int }

// Bounds reports where a node is in the rule text.
func (s Span) Bounds() Span { return s }

// Expr is a node of a parsed rule. The set of node types is closed.
type Expr interface {
	Bounds() Span
	isExpr()
}

// Ident is a column reference, as written in the rule. Table is set when the
// name was qualified (orders.Quantity), as columns of an event table are
// written inside an event aggregate.
type Ident struct {
	Span
	Table string
	Name  string
}

// Number keeps integers exact; the SQL text is re-formatted from the value.
type Number struct {
	Span
	Value float64
	Int   int64
	IsInt bool
}

// String is a string literal, already unquoted.
type String struct {
	Span
	Value string
}

// Bool is true or false.
type Bool struct {
	Span
	Value bool
}

// Temporal is a date '...' or timestamp '...' literal (Type says which).
type Temporal struct {
	Span
	Type  Type
	Value time.Time
}

// Ago is ago(30 days): the current time minus an amount. Unit is singular.
type Ago struct {
	Span
	Amount int64
	Unit   string
}

// SegmentRef is segment('name'), replaced by that segment's rule on compile.
type SegmentRef struct {
	Span
	Name string
}

// Call is a whitelisted function; Name is lower case. Infix contains and
// starts_with are calls too, and Not is set for x not contains y: like
// x not like y, it is a comparison, false when x is missing.
type Call struct {
	Span
	Name string
	Not  bool
	Args []Expr
}

// Aggregate is an event measure of a person: count(orders), sum(orders.Quantity
// * orders.UnitPrice where Quantity > 0), last(views in last 30 days). Func
// is one of aggregateFuncs. none(...) and any(...) are conditions by
// themselves; the others are values and must be compared with a constant.
type Aggregate struct {
	Span
	Func      string
	Table     string // the event table, as written
	TableSpan Span
	Arg       Expr    // what sum, avg, min, max and count_distinct measure; nil for the others
	Where     Expr    // which events count; nil for all of them
	Window    *Window // nil for all time
}

// Window is "in last 90 days": only the events of that span before the
// schema's as-of time count.
type Window struct {
	Span
	Amount int64
	Unit   string // singular, as in Ago
}

// Exported is exported('name', in last 7 days): the person was a member of
// segment name when it was exported (within the window, or ever). A frequency
// cap is not exported(...).
type Exported struct {
	Span
	Segment string
	Window  *Window // nil for any export
}

// Unary is not x or -x.
type Unary struct {
	Span
	Op string // "not" or "-"
	X  Expr
}

// Binary is a comparison (= <> < <= > >=), arithmetic (+ - * /) or a
// pattern match (like, ilike; Not for not like).
type Binary struct {
	Span
	Op     string
	Not    bool
	OpSpan Span
	L, R   Expr
}

// Logical is a chain of and or of or. It is n-ary so that long chains do not
// count against the nesting limit.
type Logical struct {
	Span
	Op    string // "and" or "or"
	Terms []Expr
}

// In is x [not] in (a, b, ...).
type In struct {
	Span
	Not    bool
	OpSpan Span
	X      Expr
	List   []Expr
}

// Between is x [not] between lo and hi.
type Between struct {
	Span
	Not       bool
	OpSpan    Span
	X, Lo, Hi Expr
}

// IsNull is x is [not] null.
type IsNull struct {
	Span
	Not bool
	X   Expr
}

func (*Ident) isExpr()      {}
func (*Number) isExpr()     {}
func (*String) isExpr()     {}
func (*Bool) isExpr()       {}
func (*Temporal) isExpr()   {}
func (*Ago) isExpr()        {}
func (*SegmentRef) isExpr() {}
func (*Call) isExpr()       {}
func (*Aggregate) isExpr()  {}
func (*Exported) isExpr()   {}
func (*Unary) isExpr()      {}
func (*Binary) isExpr()     {}
func (*Logical) isExpr()    {}
func (*In) isExpr()         {}
func (*Between) isExpr()    {}
func (*IsNull) isExpr()     {}

// children lists a node's operands in source order.
func children(e Expr) []Expr {
	switch e := e.(type) {
	case *Call:
		return e.Args
	case *Unary:
		return []Expr{e.X}
	case *Binary:
		return []Expr{e.L, e.R}
	case *Logical:
		return e.Terms
	case *In:
		return append([]Expr{e.X}, e.List...)
	case *Between:
		return []Expr{e.X, e.Lo, e.Hi}
	case *IsNull:
		return []Expr{e.X}
	case *Aggregate:
		var kids []Expr
		for _, k := range []Expr{e.Arg, e.Where} {
			if k != nil {
				kids = append(kids, k)
			}
		}
		return kids
	}
	return nil
}

// Columns returns the names of the audience table's columns a rule
// references, as written and in order of first appearance. Columns used by
// referenced segments are not included, nor the event tables' columns used
// inside aggregates (EventTables names those tables).
func Columns(e Expr) []string {
	var names []string
	seen := map[string]bool{}
	var walk func(Expr)
	walk = func(e Expr) {
		switch e := e.(type) {
		case *Aggregate:
			return
		case *Ident:
			if !seen[e.Name] {
				seen[e.Name] = true
				names = append(names, e.Name)
			}
		}
		for _, c := range children(e) {
			walk(c)
		}
	}
	walk(e)
	return names
}

// EventTables returns the event tables a rule aggregates over, as written
// and in order of first appearance.
func EventTables(e Expr) []string {
	var names []string
	var walk func(Expr)
	walk = func(e Expr) {
		if a, ok := e.(*Aggregate); ok && !slices.Contains(names, a.Table) {
			names = append(names, a.Table)
		}
		for _, c := range children(e) {
			walk(c)
		}
	}
	walk(e)
	return names
}

// Segments returns the segments a rule uses, segment('name'), in order of
// first appearance; not those that they use in turn.
func Segments(e Expr) []string {
	var names []string
	var walk func(Expr)
	walk = func(e Expr) {
		if r, ok := e.(*SegmentRef); ok && !slices.Contains(names, r.Name) {
			names = append(names, r.Name)
		}
		for _, c := range children(e) {
			walk(c)
		}
	}
	walk(e)
	return names
}
