package rule

import (
	"fmt"
	"strings"
	"time"
)

// Event conditions test what a person did, in an event table of the
// audience: count(orders) >= 5, none(views in last 30 days).
//
// Each compiles to a membership test of the audience's key in the keys whose
// events pass it, grouped once:
//
//	"CustomerID" IN (SELECT "CustomerID" FROM "orders" WHERE "CustomerID" IS NOT NULL
//	    GROUP BY "CustomerID" HAVING (count(*) >= 5))
//
// rather than a correlated subquery per person. It needs no name for the
// audience table (so it works however the caller aliases it), DuckDB runs it
// as one hash aggregate and a semi join, and the SQL runs unchanged on other
// engines. The price is that a measure can only be compared with a constant;
// people without any matching event are decided in Go, by what the condition
// says of an empty set (holdsWithoutEvents), and the test is negated when
// they are members: count(orders in last 90 days) = 0 selects everyone whose
// key is NOT IN the keys with a count other than 0.

// place checks the operands of a comparison: when one is a measured event
// aggregate, every other must be a constant, and the aggregate is recorded
// as rightly placed.
func (c *checker) place(operands ...Expr) error {
	agg := measured(operands...)
	if agg == nil {
		return nil
	}
	for _, o := range operands {
		if o != Expr(agg) && !isConstant(o) {
			err := c.errAt(o, describe(o), fmt.Sprintf("%s can only be compared with a value (a number, text, a date or ago()), not with %s",
				describe(agg), describe(o)))
			err.Hint = "event measures are worked out per person, then compared: count(orders) >= 5, last(orders) < ago(90 days)"
			return err
		}
	}
	c.placed[agg] = true
	return nil
}

// measuredIn returns the measured aggregate a comparison tests, if any.
func measuredIn(e Expr) *Aggregate {
	switch e := e.(type) {
	case *Binary:
		if !isArithmetic(e.Op) {
			return measured(e.L, e.R)
		}
	case *In:
		return measured(append([]Expr{e.X}, e.List...)...)
	case *Between:
		return measured(e.X, e.Lo, e.Hi)
	case *IsNull:
		return measured(e.X)
	}
	return nil
}

// measured returns the event aggregate among operands that is a value
// (count, sum...), not a condition (none, any).
func measured(operands ...Expr) *Aggregate {
	for _, o := range operands {
		if a, ok := o.(*Aggregate); ok && !a.conditional() {
			return a
		}
	}
	return nil
}

func (a *Aggregate) conditional() bool { return a.Func == "none" || a.Func == "any" }

// isConstant reports whether e is the same for every person.
func isConstant(e Expr) bool {
	switch e.(type) {
	case *Number, *String, *Bool, *Temporal, *Ago:
		return true
	}
	return false
}

func (c *checker) aggregate(a *Aggregate) (Type, error) {
	if c.event != nil {
		return 0, c.errAt(a, describe(a), "event aggregates cannot be nested")
	}
	if !a.conditional() && !c.placed[a] {
		err := c.errAt(a, describe(a), describe(a)+" is a value worked out per person: compare it with a constant")
		err.Hint = "for example " + describe(a) + " >= 1; none(...) and any(...) are conditions by themselves"
		return 0, err
	}
	ev, err := c.eventTable(a)
	if err != nil {
		return 0, err
	}
	timed := a.Window != nil || a.Func == "first" || a.Func == "last"
	var timeType Type
	if timed {
		if timeType, err = c.eventTime(a, ev); err != nil {
			return 0, err
		}
	}
	outer := c.schema
	c.schema, c.event = Schema{Table: ev.Name, Columns: ev.Columns}, &ev
	defer func() { c.schema, c.event = outer, nil }()
	if a.Where != nil {
		if err := c.need(a.Where, "where", TypeBool); err != nil {
			return 0, err
		}
	}
	switch a.Func {
	case "none", "any":
		return TypeBool, nil
	case "count":
		return TypeNumber, nil
	case "first", "last":
		return timeType, nil
	case "sum", "avg":
		return TypeNumber, c.need(a.Arg, a.Func, TypeNumber)
	}
	// min, max, count_distinct: any value that compares.
	t, err := c.typeOf(a.Arg)
	if err != nil {
		return 0, err
	}
	if t == TypeOther {
		return 0, c.errAt(a.Arg, describe(a.Arg), isA(a.Arg, t))
	}
	if a.Func == "count_distinct" {
		return TypeNumber, nil
	}
	return t, nil
}

// eventTable finds the table an aggregate counts over and checks that its
// events can be matched to the audience's people.
func (c *checker) eventTable(a *Aggregate) (EventTable, error) {
	at := func(msg string) *Error {
		return &Error{Pos: a.TableSpan.Pos, End: a.TableSpan.End, Token: a.Table, Msg: msg}
	}
	ev, ok := c.schema.Event(a.Table)
	if !ok {
		if _, isColumn, _ := c.schema.Lookup(a.Table); isColumn && !a.conditional() && aggregateFuncs[a.Func] {
			return EventTable{}, at(fmt.Sprintf("%s is a column of %s; %s works on an event table's column, like %s(orders.amount)",
				quoteName(a.Table), quoteName(c.schema.Table), a.Func, a.Func))
		}
		err := at("unknown event table " + quoteName(a.Table))
		names := make([]string, len(c.schema.Events))
		for i, e := range c.schema.Events {
			names[i] = e.Name
		}
		if len(names) == 0 {
			err.Msg = fmt.Sprintf("%s has no event tables, so %s cannot be counted", quoteName(c.schema.Table), quoteName(a.Table))
			err.Hint = fmt.Sprintf("declare one: segscope events setup --table %s --key COLUMN --time COLUMN --audience %s", a.Table, c.schema.Table)
			return EventTable{}, err
		}
		err.Suggestion = Closest(a.Table, names)
		if err.Suggestion == "" {
			err.Hint = "the event tables of " + quoteName(c.schema.Table) + " are " + quoteNames(names)
		}
		return EventTable{}, err
	}
	if c.schema.Key == "" {
		return EventTable{}, at(fmt.Sprintf("%s has no key column, so its people cannot be matched to the events in %s", quoteName(c.schema.Table), quoteName(ev.Name)))
	}
	key, _, _ := c.schema.Lookup(c.schema.Key)
	evKey, _, _ := (Schema{Columns: ev.Columns}).Lookup(ev.Key)
	if key.Type != TypeUnknown && evKey.Type != TypeUnknown && key.Type != evKey.Type {
		return EventTable{}, at(fmt.Sprintf("cannot match %s.%s (%s) with %s.%s (%s): the keys must be the same type",
			quoteName(c.schema.Table), quoteName(key.Name), key.Type, quoteName(ev.Name), quoteName(ev.Key), evKey.Type))
	}
	return ev, nil
}

// eventTime checks that an aggregate that needs the events' time has one.
func (c *checker) eventTime(a *Aggregate, ev EventTable) (Type, error) {
	span := a.Span
	what := a.Func + "()"
	if a.Window != nil {
		span, what = a.Window.Span, "a window"
	}
	if ev.Time == "" {
		err := &Error{Pos: span.Pos, End: span.End, Token: describe(a),
			Msg: fmt.Sprintf("%s needs the time of each event, and %s has no time column", what, quoteName(ev.Name))}
		err.Hint = fmt.Sprintf("declare it: segscope events setup --table %s --time COLUMN", ev.Name)
		return 0, err
	}
	col, _, _ := (Schema{Columns: ev.Columns}).Lookup(ev.Time)
	if !col.Type.temporal() {
		return 0, &Error{Pos: span.Pos, End: span.End, Token: describe(a),
			Msg: fmt.Sprintf("the time column %s of %s is a %s, not a date or timestamp", quoteName(ev.Time), quoteName(ev.Name), col.Type)}
	}
	return col.Type, nil
}

// qualifier checks the table a column is qualified with: inside an
// aggregate, its event table; outside, the audience itself.
func (c *checker) qualifier(id *Ident) error {
	switch {
	case id.Table == "":
		return nil
	case c.event != nil && strings.EqualFold(id.Table, c.event.Name):
		return nil
	case c.event != nil:
		return c.errAt(id, id.Table+"."+id.Name, fmt.Sprintf("%s(...) is about %s; %s is another table", "this aggregate",
			quoteName(c.event.Name), quoteName(id.Table)))
	case strings.EqualFold(id.Table, c.schema.Table):
		return nil
	}
	if _, ok := c.schema.Event(id.Table); ok {
		err := c.errAt(id, id.Table+"."+id.Name, fmt.Sprintf("%s is a column of the event table %s: people have many events",
			quoteName(id.Name), quoteName(id.Table)))
		err.Hint = fmt.Sprintf("use it in an aggregate, like max(%s.%s) or count(%s where %s = ...)",
			ruleName(id.Table), ruleName(id.Name), ruleName(id.Table), ruleName(id.Name))
		return err
	}
	return c.errAt(id, id.Table+"."+id.Name, "unknown table "+quoteName(id.Table))
}

// eventCondition writes cond, a condition on the aggregate a (or a itself
// when it is none or any), as a test of the audience's key.
func (c *compiler) eventCondition(b *strings.Builder, cond Expr, a *Aggregate) error {
	ev, _ := c.schema.Event(a.Table)
	key, _, _ := c.schema.Lookup(c.schema.Key)
	members := a.Func == "none"
	if cond != nil {
		members = holdsWithoutEvents(cond, a)
	}
	in := " IN ("
	if members {
		in = " NOT IN ("
	}
	evKey := c.ident(ev.Key)
	b.WriteString("(" + c.ident(key.Name) + in + "SELECT " + evKey)
	outer := c.schema
	defer func() { c.schema, c.having = outer, nil }()
	if err := c.eventsOf(b, a, ev); err != nil {
		return err
	}
	if cond == nil {
		b.WriteString("))")
		return nil
	}
	b.WriteString(" GROUP BY " + evKey + " HAVING ")
	if members {
		b.WriteString("NOT coalesce(")
	}
	c.having = a
	if err := c.emit(b, cond); err != nil {
		return err
	}
	if members {
		b.WriteString(", FALSE)")
	}
	b.WriteString("))")
	return nil
}

// eventsOf writes the FROM and WHERE clauses that pick the events a counts:
// those with a key, passing its where and inside its window. From here on
// the compiler's schema is the event table's.
func (c *compiler) eventsOf(b *strings.Builder, a *Aggregate, ev EventTable) error {
	evKey := c.ident(ev.Key)
	b.WriteString(" FROM " + c.tableRef(ev.Name) + " WHERE " + evKey + " IS NOT NULL")
	c.schema, c.event = Schema{Table: ev.Name, Columns: ev.Columns, AsOf: c.schema.AsOf}, ev
	if a.Where != nil {
		b.WriteString(" AND ")
		if err := c.emit(b, a.Where); err != nil {
			return err
		}
	}
	if ev.Time == "" {
		return nil
	}
	t := c.ident(ev.Time)
	if col, _, _ := c.schema.Lookup(ev.Time); col.Type == TypeDate && c.d.dateToTimestamp != "" {
		t = fmt.Sprintf(c.d.dateToTimestamp, t)
	}
	switch {
	case a.Window != nil:
		fmt.Fprintf(b, " AND %s > %s AND %s <= %s", t, c.timeAgo(a.Window.Amount, a.Window.Unit), t, c.now())
	case !c.schema.AsOf.IsZero():
		// As of a date, what happened after it has not happened yet: counts,
		// sums, first and last see the events up to it (and those without a
		// time, which count wherever no window asks when).
		fmt.Fprintf(b, " AND (%s IS NULL OR %s <= %s)", t, t, c.now())
	}
	return nil
}

// PerPerson compiles a measure, an event aggregate such as count(orders in
// last 30 days) or sum(orders.amount), to a query of each person's value
// (columns k, the key, and v) for the people who have matching events.
// Templates measure cut-offs with it, and Slice groups people by it.
func PerPerson(measure string, s Schema) (string, error) {
	e, err := Parse(measure)
	if err != nil {
		return "", err
	}
	a, ok := e.(*Aggregate)
	if !ok || a.conditional() {
		sp := e.Bounds()
		return "", withSource(&Error{Pos: sp.Pos, End: sp.End, Token: describe(e),
			Msg: "a measure is one event aggregate, like count(orders) or sum(orders.amount)"}, measure)
	}
	c := checker{schema: s, bools: map[Expr]bool{}, placed: map[*Aggregate]bool{a: true}}
	if _, err := c.typeOf(a); err != nil {
		return "", withSource(err, measure)
	}
	ev, _ := s.Event(a.Table)
	comp := &compiler{d: DuckDB, schema: s, bools: c.bools}
	var b strings.Builder
	evKey := quoteName(ev.Key)
	b.WriteString("SELECT " + evKey + " AS k, ")
	var agg strings.Builder
	comp.schema, comp.event = Schema{Table: ev.Name, Columns: ev.Columns, AsOf: s.AsOf}, ev
	if err := comp.aggregateSQL(&agg, a); err != nil {
		return "", withSource(err, measure)
	}
	b.WriteString(agg.String() + " AS v")
	comp.schema = s
	if err := comp.eventsOf(&b, a, ev); err != nil {
		return "", withSource(err, measure)
	}
	b.WriteString(" GROUP BY " + evKey)
	return b.String(), nil
}

// aggregateSQL writes a measured aggregate over one person's events.
func (c *compiler) aggregateSQL(b *strings.Builder, a *Aggregate) error {
	switch a.Func {
	case "count":
		b.WriteString("count(*)")
		return nil
	case "first", "last":
		fn := map[string]string{"first": "min", "last": "max"}[a.Func]
		b.WriteString(fn + "(" + c.ident(c.event.Time) + ")")
		return nil
	case "count_distinct":
		b.WriteString("count(DISTINCT ")
	case "sum":
		// No events add up to nothing, not to unknown.
		b.WriteString("coalesce(sum(")
	default:
		b.WriteString(a.Func + "(")
	}
	if err := c.emit(b, a.Arg); err != nil {
		return err
	}
	if (a.Func == "min" || a.Func == "max") && c.d.collate != "" && c.kind(a.Arg) == TypeString {
		b.WriteString(c.d.collate)
	}
	if a.Func == "sum" {
		b.WriteString("), 0)")
	} else {
		b.WriteString(")")
	}
	return nil
}

// holdsWithoutEvents evaluates cond, a condition on the aggregate a, for a
// person with no matching events: counts and sums are 0, every other
// measure is unknown, and a comparison with unknown is false.
func holdsWithoutEvents(cond Expr, a *Aggregate) bool {
	zero := a.Func == "count" || a.Func == "count_distinct" || a.Func == "sum"
	switch e := cond.(type) {
	case *IsNull:
		return !zero != e.Not
	case *Binary:
		if !zero {
			return false
		}
		if e.L == Expr(a) {
			return compareNumbers(0, e.Op, numberValue(e.R))
		}
		return compareNumbers(numberValue(e.L), e.Op, 0)
	case *Between:
		if !zero {
			return false
		}
		in := numberValue(e.Lo) <= 0 && 0 <= numberValue(e.Hi)
		return in != e.Not
	case *In:
		if !zero {
			return false
		}
		in := false
		for _, item := range e.List {
			in = in || numberValue(item) == 0
		}
		return in != e.Not
	}
	return false
}

// numberValue is a numeric constant's value; the checker has made sure that
// a count or sum is compared with numbers only.
func numberValue(e Expr) float64 {
	if n, ok := e.(*Number); ok {
		return n.Value
	}
	return 0
}

func compareNumbers(l float64, op string, r float64) bool {
	switch op {
	case "=":
		return l == r
	case "<>":
		return l != r
	case "<":
		return l < r
	case "<=":
		return l <= r
	case ">":
		return l > r
	case ">=":
		return l >= r
	}
	return false
}

// AsOfDate formats an as-of time for people: the date alone at midnight.
func AsOfDate(t time.Time) string {
	if t.IsZero() {
		return "now"
	}
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}

// Measure checks text, arithmetic over an event table's number columns
// (Quantity * UnitPrice), as an amount is declared, and returns it written
// for use inside an aggregate, each column with its table (orders.Quantity *
// orders.UnitPrice), and as SQL over the event table, in DOUBLE like all
// the language's arithmetic.
func Measure(text string, ev EventTable) (ruleText, sql string, err error) {
	e, err := Parse(text)
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	if err := writeMeasure(&b, e, ev.Name); err != nil {
		return "", "", withSource(err, text)
	}
	s := Schema{Table: ev.Name, Columns: ev.Columns}
	c := checker{schema: s, bools: map[Expr]bool{}, placed: map[*Aggregate]bool{}, event: &ev}
	if err := c.need(e, "an amount", TypeNumber); err != nil {
		return "", "", withSource(err, text)
	}
	var q strings.Builder
	if err := (&compiler{d: DuckDB, schema: s, bools: c.bools}).double(&q, e); err != nil {
		return "", "", withSource(err, text)
	}
	ruleText = b.String()
	if _, ok := e.(*Binary); ok { // the outermost parentheses say nothing
		ruleText = ruleText[1 : len(ruleText)-1]
	}
	return ruleText, q.String(), nil
}

// writeMeasure writes arithmetic back as rule text with qualified columns.
// Only columns, numbers, + - * / and minus are a measure.
func writeMeasure(b *strings.Builder, e Expr, table string) error {
	switch e := e.(type) {
	case *Ident:
		b.WriteString(ruleName(table) + "." + ruleName(e.Name))
		return nil
	case *Number:
		b.WriteString(formatNumber(e))
		return nil
	case *Unary:
		if e.Op == "-" {
			b.WriteString("-(")
			if err := writeMeasure(b, e.X, table); err != nil {
				return err
			}
			b.WriteString(")")
			return nil
		}
	case *Binary:
		if isArithmetic(e.Op) {
			b.WriteString("(")
			if err := writeMeasure(b, e.L, table); err != nil {
				return err
			}
			b.WriteString(" " + e.Op + " ")
			if err := writeMeasure(b, e.R, table); err != nil {
				return err
			}
			b.WriteString(")")
			return nil
		}
	}
	s := e.Bounds()
	return &Error{Pos: s.Pos, End: s.End, Token: describe(e),
		Msg: describe(e) + " cannot be part of an amount: use the event table's number columns, numbers, + - * / and parentheses"}
}

// exported writes exported('name', in last N days) as a test of the key,
// as text, against the keys the workspace's export records give.
func (c *compiler) exported(b *strings.Builder, e *Exported) error {
	if !c.d.direct {
		return c.cannot(e, "exported()", "it reads segscope's own records of exports")
	}
	if c.schema.Exported == nil {
		return &Error{Pos: e.Pos, End: e.End, Token: describe(e), Msg: "exported() is not available here"}
	}
	if c.schema.Key == "" {
		return &Error{Pos: e.Pos, End: e.End, Token: describe(e),
			Msg: fmt.Sprintf("%s has no key column, so its people cannot be matched to exports", quoteName(c.schema.Table))}
	}
	keys, err := c.schema.Exported(e.Segment, e.Window)
	if err != nil {
		return &Error{Pos: e.Pos, End: e.End, Token: describe(e), Msg: err.Error()}
	}
	key, _, _ := c.schema.Lookup(c.schema.Key)
	b.WriteString("(CAST(" + c.ident(key.Name) + " AS VARCHAR) IN (" + keys + "))")
	return nil
}
