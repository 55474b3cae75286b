package rule

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxSQLBytes bounds the compiled SQL. Segments that use the same segment
// several times multiply its text, level by level.
const MaxSQLBytes = 1 << 20

// SegmentResolver returns the rule text of another segment defined on the
// same table, or an error if it does not exist (or is on another table).
type SegmentResolver func(name string) (rule string, err error)

// Compile parses, checks and compiles a rule to a DuckDB boolean expression
// for use after WHERE on s.Table. segment('x') references are inlined,
// recursively, through resolve; with a nil resolve they are an error.
//
// Every column is emitted double-quoted and every value as a literal
// rebuilt from its parsed form, so nothing from the rule text reaches the
// SQL unexamined. Arithmetic is done in DOUBLE: an integer overflow in one
// row would otherwise abort the whole query. The result is a single column,
// a function call or parenthesized, so it can be combined with AND or OR as
// it is.
//
// Membership is two-valued: a comparison with a missing value is false, and
// not flips membership, so a rule and not (rule) split the table between
// them. SQL's NULLs would leave the rows where the rule is unknown out of
// both; the compiled SQL avoids that by writing a condition under NOT, or
// used as a value (segment('x') = false), as coalesce(condition, FALSE). The
// rule as a whole is not wrapped: it is TRUE for members and FALSE or NULL
// for the others, the same in WHERE and FILTER, and a bare predicate keeps
// DuckDB's filter pushdown (a wrapped one counted 1.6 times slower on 10M
// rows). To use the result as a value, or to negate it in SQL, write
// coalesce(result, FALSE).
func Compile(src string, s Schema, resolve SegmentResolver) (string, error) {
	return CompileNamed("", src, s, resolve)
}

// CompileNamed is Compile for the rule of the segment called name, so that a
// reference back to name is reported as a cycle rather than resolved to the
// stored, possibly older, rule.
func CompileNamed(name, src string, s Schema, resolve SegmentResolver) (string, error) {
	return CompileFor(DuckDB, name, src, s, resolve)
}

// CompileFor is CompileNamed writing the SQL of another engine, d: the same
// rule with the same members, or an error naming what d cannot express.
func CompileFor(d *Dialect, name, src string, s Schema, resolve SegmentResolver) (string, error) {
	c := &compiler{d: d, schema: s, resolve: resolve, top: name, done: map[string]string{}, bools: map[Expr]bool{}}
	sql, err := c.rule(src)
	// Other engines' forms can be longer than DuckDB's (a guarded division
	// writes its operands twice), so their whole text is bounded too.
	if err == nil && !d.direct && len(sql) > MaxSQLBytes {
		err = fmt.Errorf("rule is too large once written for %s (over %d bytes of SQL)", d.Name, MaxSQLBytes)
	}
	return sql, err
}

type compiler struct {
	d       *Dialect
	err     error // what the dialect could not write, found while writing
	schema  Schema
	resolve SegmentResolver
	top     string            // name of the segment being compiled, if known
	chain   []string          // segment references being expanded, outermost first
	done    map[string]string // SQL of segments already expanded
	bools   map[Expr]bool     // literals that stand for a boolean, from check
	// While an event condition is written: its event table, and the
	// aggregate whose HAVING clause is being written.
	event  EventTable
	having *Aggregate
}

func (c *compiler) rule(src string) (string, error) {
	e, err := Parse(src)
	if err != nil {
		return "", err
	}
	if err := check(e, c.schema, c.bools); err != nil {
		return "", withSource(err, src)
	}
	var b strings.Builder
	if err := c.emit(&b, e); err != nil {
		return "", withSource(err, src)
	}
	if c.err != nil {
		return "", c.err
	}
	return b.String(), nil
}

// emit writes e as SQL. Every operator is parenthesized, so precedence in
// the SQL never depends on DuckDB's rules agreeing with ours.
func (c *compiler) emit(b *strings.Builder, e Expr) error {
	if a := measuredIn(e); a != nil && c.having == nil {
		return c.eventCondition(b, e, a)
	}
	switch e := e.(type) {
	case *Aggregate:
		if e == c.having {
			return c.aggregateSQL(b, e)
		}
		return c.eventCondition(b, nil, e)
	case *Ident:
		col, _, _ := c.schema.Lookup(e.Name)
		b.WriteString(c.ident(col.Name))
	case *Number:
		c.literal(b, e, formatNumber(e))
	case *String:
		c.literal(b, e, c.d.str(e.Value))
	case *Bool:
		b.WriteString(boolSQL(e.Value))
	case *Temporal:
		if e.Type == TypeDate {
			b.WriteString(c.d.date(formatTemporal(e)))
		} else {
			b.WriteString(c.d.timestamp(formatTemporal(e)))
		}
	case *Ago:
		b.WriteString(c.timeAgo(e.Amount, e.Unit))
	case *Exported:
		return c.exported(b, e)
	case *SegmentRef:
		sql, err := c.expand(e)
		if err != nil {
			return err
		}
		if b.Len()+len(sql) > MaxSQLBytes {
			return &Error{Pos: e.Pos, End: e.End, Token: describe(e), graph: true,
				Msg: fmt.Sprintf("rule is too large once its segments are filled in (over %d bytes of SQL)", MaxSQLBytes)}
		}
		b.WriteString(sql)
	case *Unary:
		if e.Op == "not" {
			b.WriteString("(NOT ")
			return c.close(b, c.member(b, e.X))
		}
		b.WriteString("(- ") // the space keeps - -1 from reading as a comment
		return c.close(b, c.double(b, e.X))
	case *Logical:
		// An unknown term needs no coalesce here: and/or over unknown and
		// false give unknown or false, never true.
		return c.list(b, "(", " "+strings.ToUpper(e.Op)+" ", ")", e.Terms, c.emit)
	case *Binary:
		if !c.d.direct {
			return c.binary(b, e)
		}
		b.WriteByte('(')
		var err error
		if isArithmetic(e.Op) && !isDouble(e.R) {
			err = c.double(b, e.L)
		} else {
			err = c.value(b, e.L)
		}
		if err != nil {
			return err
		}
		b.WriteString(" " + strings.ToUpper(notPrefix(e.Not)) + strings.ToUpper(e.Op) + " ")
		return c.close(b, c.value(b, e.R))
	case *In:
		if !c.d.direct {
			return c.inList(b, e)
		}
		b.WriteByte('(')
		if err := c.value(b, e.X); err != nil {
			return err
		}
		if err := c.list(b, " "+strings.ToUpper(notPrefix(e.Not))+"IN (", ", ", ")", e.List, c.value); err != nil {
			return err
		}
		b.WriteByte(')')
	case *Between:
		if !c.d.direct {
			return c.between(b, e)
		}
		b.WriteByte('(')
		if err := c.value(b, e.X); err != nil {
			return err
		}
		b.WriteString(" " + strings.ToUpper(notPrefix(e.Not)) + "BETWEEN ")
		if err := c.value(b, e.Lo); err != nil {
			return err
		}
		b.WriteString(" AND ")
		return c.close(b, c.value(b, e.Hi))
	case *IsNull:
		b.WriteByte('(')
		if err := c.emit(b, e.X); err != nil {
			return err
		}
		b.WriteString(" IS " + strings.ToUpper(notPrefix(e.Not)) + "NULL)")
	case *Call:
		if e.Not {
			b.WriteString("(NOT ")
			return c.close(b, c.callSQL(b, e))
		}
		return c.callSQL(b, e)
	}
	return nil
}

// member writes the condition e as TRUE or FALSE, never NULL, for not to
// flip: a row where e is unknown is not a member of e, so it is one of not e.
func (c *compiler) member(b *strings.Builder, e Expr) error {
	if !nullable(e) {
		return c.emit(b, e)
	}
	b.WriteString("coalesce(")
	if err := c.emit(b, e); err != nil {
		return err
	}
	b.WriteString(", FALSE)")
	return nil
}

// value writes an operand of a comparison or a function. A condition used
// as a value is its membership, so that (age > 30) = false means the same
// as not (age > 30); columns and literals are written as they are, and a
// comparison with a missing value stays false.
func (c *compiler) value(b *strings.Builder, e Expr) error {
	if isCondition(e) {
		return c.member(b, e)
	}
	return c.emit(b, e)
}

// nullable reports whether e's SQL can be NULL; only the forms that never
// are need no coalesce.
func nullable(e Expr) bool {
	switch e := e.(type) {
	case *Bool, *IsNull:
		return false
	case *Unary:
		return e.Op != "not"
	}
	return true
}

// isCondition reports whether e is a condition built from other values, as
// opposed to a boolean column, literal or function of values.
func isCondition(e Expr) bool {
	switch e := e.(type) {
	case *Unary:
		return e.Op == "not"
	case *Binary:
		return !isArithmetic(e.Op)
	case *Call:
		return e.Name == "contains" || e.Name == "starts_with"
	case *Logical, *In, *Between, *IsNull, *SegmentRef, *Exported:
		return true
	case *Aggregate:
		return e.conditional()
	}
	return false
}

// literal writes a literal's SQL, or TRUE or FALSE when the check read it as
// a boolean ('Yes' compared with a BOOLEAN column).
func (c *compiler) literal(b *strings.Builder, e Expr, sql string) {
	if v, ok := c.bools[e]; ok {
		sql = boolSQL(v)
	}
	b.WriteString(sql)
}

// close ends a parenthesized form unless emitting its inside failed.
func (c *compiler) close(b *strings.Builder, err error) error {
	if err != nil {
		return err
	}
	b.WriteByte(')')
	return nil
}

func (c *compiler) list(b *strings.Builder, open, sep, close string, items []Expr, each func(*strings.Builder, Expr) error) error {
	b.WriteString(open)
	for i, item := range items {
		if i > 0 {
			b.WriteString(sep)
		}
		if err := each(b, item); err != nil {
			return err
		}
	}
	b.WriteString(close)
	return nil
}

// double emits e as a DOUBLE. Arithmetic that has one DOUBLE operand is done
// in DOUBLE, which cannot overflow the way integers and decimals do.
func (c *compiler) double(b *strings.Builder, e Expr) error {
	if isDouble(e) {
		return c.emit(b, e)
	}
	b.WriteString("CAST(")
	if err := c.emit(b, e); err != nil {
		return err
	}
	b.WriteString(" AS " + c.d.double + ")")
	return nil
}

// isDouble reports whether e compiles to a DOUBLE already: arithmetic does.
func isDouble(e Expr) bool {
	switch e := e.(type) {
	case *Binary:
		return isArithmetic(e.Op)
	case *Unary:
		return e.Op == "-"
	}
	return false
}

func isArithmetic(op string) bool {
	return op == "+" || op == "-" || op == "*" || op == "/"
}

// expand returns the SQL of a referenced segment. Errors are reported at the
// reference, since the referenced rule's text is not the one being edited.
func (c *compiler) expand(ref *SegmentRef) (string, error) {
	fail := func(msg string) *Error {
		return &Error{Pos: ref.Pos, End: ref.End, Token: describe(ref), Msg: msg, graph: true}
	}
	if c.resolve == nil {
		return "", fail("segment references are not available here")
	}
	if i := slices.Index(c.chain, ref.Name); i >= 0 || ref.Name == c.top && c.top != "" {
		cycle := append(slices.Clone(c.chain[max(i, 0):]), ref.Name)
		if i < 0 {
			cycle = append([]string{c.top}, cycle...)
		}
		return "", fail("segment cycle: " + strings.Join(cycle, " → "))
	}
	if sql, ok := c.done[ref.Name]; ok {
		return sql, nil
	}
	path := append(slices.Clone(c.chain), ref.Name)
	if len(c.chain) == MaxSegmentDepth {
		return "", fail(fmt.Sprintf("segment references are nested too deeply (the limit is %d): %s",
			MaxSegmentDepth, strings.Join(path, " → ")))
	}
	text, err := c.resolve(ref.Name)
	if err != nil {
		msg := fmt.Sprintf("segment %s: %v", quoteString(ref.Name), err)
		if len(c.chain) > 0 {
			msg = fmt.Sprintf("in segment %s: %s", strings.Join(c.chain, " → "), msg)
		}
		return "", fail(msg)
	}
	c.chain = path
	sql, err := c.rule(text)
	c.chain = c.chain[:len(c.chain)-1]
	if err != nil {
		var inner *Error
		if errors.As(err, &inner) && inner.graph {
			return "", fail(inner.Msg)
		}
		return "", fail(fmt.Sprintf("in segment %s: %v", strings.Join(path, " → "), err))
	}
	c.done[ref.Name] = sql
	return sql, nil
}

func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func boolSQL(v bool) string {
	return strings.ToUpper(strconv.FormatBool(v))
}

func formatNumber(n *Number) string {
	if n.IsInt {
		return strconv.FormatInt(n.Int, 10)
	}
	return strconv.FormatFloat(n.Value, 'g', -1, 64)
}

func formatTemporal(t *Temporal) string {
	if t.Type == TypeDate {
		return t.Value.Format("2006-01-02")
	}
	return t.Value.Format("2006-01-02 15:04:05.999999")
}
