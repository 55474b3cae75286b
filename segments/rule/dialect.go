package rule

import (
	"fmt"
	"slices"
	"strings"
)

// A Dialect is how one SQL engine spells what a rule compiles to: one small
// translation table per engine, in the manner of dbt's dispatch. The
// compiler walks the checked rule tree and asks the dialect for each piece
// (a name, a literal, the as-of time, a function), so no SQL text is ever
// rewritten after the fact. DuckDB's table writes exactly what the compiler
// always wrote.
//
// What every dialect keeps is the rule language's meaning: membership is
// two-valued (not flips it, a missing value never matches), arithmetic is in
// double precision and a division by zero gives infinity as in DuckDB,
// strings compare byte by byte, LIKE has no escape character, date_diff
// counts as DuckDB's does. A construct a dialect cannot write with that
// meaning is an error that names it, never SQL that means something else.
//
// Timestamps are taken to be without a time zone (DuckDB's TIMESTAMP,
// PostgreSQL's timestamp, BigQuery's DATETIME, Snowflake's TIMESTAMP_NTZ),
// and "now" is the session's local time, as DuckDB's
// CAST(current_timestamp AS TIMESTAMP) is.
type Dialect struct {
	Name string
	// direct is DuckDB's, whose forms compile.go writes itself.
	direct bool
	// table writes a table's name where a rule reads it; nil quotes it.
	table func(string) string

	quote   func(string) string // a quoted identifier
	maxName int                 // the longest identifier in bytes; 0 for no limit
	str     func(string) string // a string literal
	double  string              // the type arithmetic is done in

	date, timestamp func(string) string // literals, from their ISO text
	now             string              // the current local time, as a timestamp
	minus           func(t string, amount int64, unit string) string

	// dateToTimestamp, when set, makes a DATE comparable with a timestamp:
	// engines that do not mix the two implicitly.
	dateToTimestamp string
	// collate follows a string operand of an ordering comparison, so that
	// strings order by their bytes whatever the database's collation.
	collate string

	// like writes x [NOT] LIKE/ILIKE pattern; nil is LIKE and ILIKE as
	// DuckDB has them. See likeLiteral for engines with an escape character.
	like func(x, op, pattern string) string
	// likeEscape is the escape character the engine's LIKE always has, or
	// "": a literal pattern has it doubled so that it matches itself.
	likeEscape string

	// divide writes l / r with DuckDB's result for a zero divisor; nil
	// writes it plainly.
	divide func(l, r string) string

	// funcs are the whitelisted functions this engine names or writes
	// differently; the others are written as called.
	funcs map[string]func(args []string) string
	// dateDiff writes date_diff(unit, a, b); nil writes date_diff itself.
	dateDiff func(unit, a, b string) string
	// least and greatest skip NULL arguments in DuckDB; engines whose
	// LEAST/GREATEST return NULL instead get each argument coalesced with
	// the others.
	leastSkipsNull bool
}

// Dialects are the engines rules can be written for, DuckDB first.
var Dialects = []*Dialect{DuckDB, Postgres, BigQuery, Snowflake, Databricks}

// DialectNamed finds a dialect by name, ignoring case.
func DialectNamed(name string) (*Dialect, error) {
	for _, d := range Dialects {
		if strings.EqualFold(d.Name, name) {
			return d, nil
		}
	}
	names := make([]string, len(Dialects))
	for i, d := range Dialects {
		names[i] = d.Name
	}
	return nil, fmt.Errorf("unknown SQL dialect %q: choose one of %s", name, strings.Join(names, ", "))
}

// Ident quotes a table or column name for the dialect, or says why the
// engine cannot hold it.
func (d *Dialect) Ident(name string) (string, error) {
	if d.maxName > 0 && len(name) > d.maxName {
		return "", fmt.Errorf("the name %s is longer than the %d bytes %s keeps (it would cut it short and mean another name)",
			quoteName(name), d.maxName, d.Name)
	}
	return d.quote(name), nil
}

// Table writes the name of a table a query reads: quoted, or as WithTables says.
func (d *Dialect) Table(name string) (string, error) {
	if d.table != nil {
		return d.table(name), nil
	}
	return d.Ident(name)
}

// WithTables returns d writing each table a rule reads, its audience and
// the event tables of its conditions, as ref has it rather than quoted:
// dbt's {{ source('segscope', 'orders') }}.
func (d *Dialect) WithTables(ref func(name string) string) *Dialect {
	c := *d
	c.table = ref
	return &c
}

// Literal writes a string literal for the dialect.
func (d *Dialect) Literal(s string) string { return d.str(s) }

func doubleQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func backtickDoubled(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// backslashString writes a literal for engines whose strings take
// backslash escapes, quoting with quote.
func backslashString(s, quote string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, quote, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return "'" + r.Replace(s) + "'"
}

// DuckDB is the workspace's own engine and the compiler's default.
var DuckDB = &Dialect{
	Name: "duckdb", direct: true,
	quote: doubleQuote, str: quoteString, double: "DOUBLE",
	date:      func(v string) string { return "DATE " + quoteString(v) },
	timestamp: func(v string) string { return "TIMESTAMP " + quoteString(v) },
	now:       "CAST(current_timestamp AS TIMESTAMP)",
	minus: func(t string, n int64, unit string) string {
		if t == "" {
			return fmt.Sprintf("CAST(current_timestamp - INTERVAL %d %s AS TIMESTAMP)", n, strings.ToUpper(unit))
		}
		return fmt.Sprintf("(%s - INTERVAL %d %s)", t, n, strings.ToUpper(unit))
	},
	leastSkipsNull: true,
}

// infinityDivide writes l / r as DuckDB computes it in DOUBLE, where a zero
// divisor gives infinity with l's sign (NaN for 0 / 0) instead of an error.
func infinityDivide(inf string) func(l, r string) string {
	return func(l, r string) string {
		return fmt.Sprintf("CASE WHEN %s = 0 THEN sign(%s) * %s ELSE %s / %s END", r, l, inf, l, r)
	}
}

// datePartsDiff writes DuckDB's date_diff from an engine's parts: days
// between the dates (the boundaries crossed, whatever the time of day),
// whole weeks of those, months and years by calendar fields, hours and
// minutes by the clock's fields on top of the days.
func datePartsDiff(days func(a, b string) string, part func(field, x string) string, weeks func(days string) string) func(unit, a, b string) string {
	return func(unit, a, b string) string {
		diff := func(field string) string {
			return fmt.Sprintf("(%s - %s)", part(field, b), part(field, a))
		}
		switch unit {
		case "day":
			return days(a, b)
		case "week":
			return weeks(days(a, b))
		case "month":
			return fmt.Sprintf("(%s * 12 + %s)", diff("YEAR"), diff("MONTH"))
		case "year":
			return diff("YEAR")
		case "hour":
			return fmt.Sprintf("(%s * 24 + %s)", days(a, b), diff("HOUR"))
		}
		return fmt.Sprintf("((%s * 24 + %s) * 60 + %s)", days(a, b), diff("HOUR"), diff("MINUTE"))
	}
}

// Postgres is PostgreSQL (12 and later). Its LIKE escapes with a backslash
// unless told ESCAPE ”, its default collation may not order by bytes, it
// stops on a division by zero, and it keeps names to 63 bytes.
var Postgres = &Dialect{
	Name:  "postgres",
	quote: doubleQuote, maxName: 63, str: quoteString, double: "DOUBLE PRECISION",
	date:      func(v string) string { return "DATE " + quoteString(v) },
	timestamp: func(v string) string { return "TIMESTAMP " + quoteString(v) },
	now:       "LOCALTIMESTAMP",
	minus: func(t string, n int64, unit string) string {
		return fmt.Sprintf("(%s - INTERVAL '%d %s')", t, n, unit)
	},
	collate: ` COLLATE "C"`,
	like:    func(x, op, p string) string { return x + " " + op + " " + p + " ESCAPE ''" },
	divide:  infinityDivide("CAST('Infinity' AS DOUBLE PRECISION)"),
	funcs: map[string]func([]string) string{
		"contains": func(a []string) string { return "(strpos(" + a[0] + ", " + a[1] + ") > 0)" },
		"year":     extract("YEAR"), "month": extract("MONTH"), "day": extract("DAY"),
		// round(double precision) rounds half to even; DuckDB and numeric
		// round half away from zero.
		"round": func(a []string) string {
			return "round(" + strings.Join(append([]string{"CAST(" + a[0] + " AS NUMERIC)"}, a[1:]...), ", ") + ")"
		},
	},
	dateDiff: datePartsDiff(
		func(a, b string) string { return fmt.Sprintf("(CAST(%s AS DATE) - CAST(%s AS DATE))", b, a) },
		func(field, x string) string { return fmt.Sprintf("EXTRACT(%s FROM CAST(%s AS TIMESTAMP))", field, x) },
		func(days string) string { return "(" + days + " / 7)" }), // integer division truncates, as DuckDB's weeks do
	leastSkipsNull: true,
}

func extract(field string) func([]string) string {
	return func(a []string) string { return "EXTRACT(" + field + " FROM " + a[0] + ")" }
}

// BigQuery is GoogleSQL. Timestamps are its DATETIME; strings take
// backslash escapes, LIKE always escapes with a backslash, there is no
// ILIKE, DATE and DATETIME do not compare, LEAST and GREATEST return NULL
// for any NULL argument. IEEE_DIVIDE divides as DuckDB does.
var BigQuery = &Dialect{
	Name:  "bigquery",
	quote: func(s string) string { return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(s) + "`" },
	str:   func(s string) string { return backslashString(s, `\'`) }, double: "FLOAT64",
	date:      func(v string) string { return "DATE " + backslashString(v, `\'`) },
	timestamp: func(v string) string { return "DATETIME " + backslashString(v, `\'`) },
	now:       "CURRENT_DATETIME()",
	minus: func(t string, n int64, unit string) string {
		return fmt.Sprintf("DATETIME_SUB(%s, INTERVAL %d %s)", t, n, strings.ToUpper(unit))
	},
	dateToTimestamp: "CAST(%s AS DATETIME)",
	likeEscape:      `\`,
	like: func(x, op, p string) string {
		if op == "LIKE" || op == "NOT LIKE" {
			return x + " " + op + " " + p
		}
		return "LOWER(" + x + ") " + strings.TrimSuffix(op, "ILIKE") + "LIKE LOWER(" + p + ")"
	},
	divide: func(l, r string) string { return "IEEE_DIVIDE(" + l + ", " + r + ")" },
	funcs: map[string]func([]string) string{
		"contains":    func(a []string) string { return "(STRPOS(" + a[0] + ", " + a[1] + ") > 0)" },
		"starts_with": call("STARTS_WITH"),
		"year":        extract("YEAR"), "month": extract("MONTH"), "day": extract("DAY"),
	},
	dateDiff: datePartsDiff(
		func(a, b string) string {
			return fmt.Sprintf("DATE_DIFF(CAST(%s AS DATE), CAST(%s AS DATE), DAY)", b, a)
		},
		func(field, x string) string { return fmt.Sprintf("EXTRACT(%s FROM CAST(%s AS DATETIME))", field, x) },
		func(days string) string { return "DIV(" + days + ", 7)" }),
}

func call(name string) func([]string) string {
	return func(a []string) string { return name + "(" + strings.Join(a, ", ") + ")" }
}

// Snowflake takes backslash escapes in strings. Its LEAST and GREATEST return NULL for any NULL
// argument, and a division by zero stops the query.
var Snowflake = &Dialect{
	Name:  "snowflake",
	quote: doubleQuote, str: func(s string) string { return backslashString(s, `''`) }, double: "DOUBLE",
	date:      func(v string) string { return "DATE '" + v + "'" },
	timestamp: func(v string) string { return "CAST('" + v + "' AS TIMESTAMP_NTZ)" },
	now:       "CAST(CURRENT_TIMESTAMP() AS TIMESTAMP_NTZ)",
	minus: func(t string, n int64, unit string) string {
		return fmt.Sprintf("DATEADD(%s, %d, %s)", strings.ToUpper(unit), -n, t)
	},
	// Whether its LIKE escapes with a backslash by default or not, naming
	// the backslash and doubling it in the pattern means DuckDB's LIKE.
	likeEscape: `\`,
	like:       func(x, op, p string) string { return x + " " + op + " " + p + ` ESCAPE '\\'` },
	divide:     infinityDivide("CAST('inf' AS DOUBLE)"),
	funcs: map[string]func([]string) string{
		"starts_with": call("STARTSWITH"),
		"year":        extract("YEAR"), "month": extract("MONTH"), "day": extract("DAY"),
	},
	dateDiff: datePartsDiff(
		func(a, b string) string {
			return fmt.Sprintf("DATEDIFF(DAY, CAST(%s AS DATE), CAST(%s AS DATE))", a, b)
		},
		func(field, x string) string {
			return fmt.Sprintf("EXTRACT(%s FROM CAST(%s AS TIMESTAMP_NTZ))", field, x)
		},
		func(days string) string { return "TRUNC(" + days + " / 7)" }),
}

// Databricks is Databricks SQL (Spark 3.4 and later): backticked names,
// backslash escapes in strings and in LIKE patterns, and datediff in days.
var Databricks = &Dialect{
	Name:  "databricks",
	quote: backtickDoubled, str: func(s string) string { return backslashString(s, `\'`) }, double: "DOUBLE",
	date:      func(v string) string { return "DATE '" + v + "'" },
	timestamp: func(v string) string { return "TIMESTAMP_NTZ '" + v + "'" },
	now:       "CAST(current_timestamp() AS TIMESTAMP_NTZ)",
	minus: func(t string, n int64, unit string) string {
		if unit == "week" { // Spark's interval literals have no weeks
			n, unit = n*7, "day"
		}
		return fmt.Sprintf("(%s - INTERVAL %d %s)", t, n, strings.ToUpper(unit))
	},
	likeEscape: `\`,
	divide:     infinityDivide("CAST('Infinity' AS DOUBLE)"),
	funcs: map[string]func([]string) string{
		"starts_with": call("startswith"),
		"year":        extract("YEAR"), "month": extract("MONTH"), "day": extract("DAY"),
	},
	dateDiff: datePartsDiff(
		func(a, b string) string { return fmt.Sprintf("datediff(CAST(%s AS DATE), CAST(%s AS DATE))", b, a) },
		func(field, x string) string {
			return fmt.Sprintf("EXTRACT(%s FROM CAST(%s AS TIMESTAMP_NTZ))", field, x)
		},
		func(days string) string { return "(" + days + " div 7)" }),
	leastSkipsNull: true,
}

// ident writes a column or table name, recording an error when the
// dialect cannot hold it.
func (c *compiler) ident(name string) string {
	q, err := c.d.Ident(name)
	if err != nil && c.err == nil {
		c.err = err
	}
	return q
}

// tableRef writes the name of a table the rule reads.
func (c *compiler) tableRef(name string) string {
	q, err := c.d.Table(name)
	if err != nil && c.err == nil {
		c.err = err
	}
	return q
}

// now is the as-of time in SQL: the schema's, or the current time.
func (c *compiler) now() string {
	if c.schema.AsOf.IsZero() {
		return c.d.now
	}
	return c.d.timestamp(c.schema.AsOf.UTC().Format("2006-01-02 15:04:05.999999"))
}

// timeAgo is the as-of time minus an interval, as a plain timestamp so that
// it compares with DATE and TIMESTAMP columns alike.
func (c *compiler) timeAgo(amount int64, unit string) string {
	if c.schema.AsOf.IsZero() && c.d.direct {
		return c.d.minus("", amount, unit)
	}
	return c.d.minus(c.now(), amount, unit)
}

// kind is the type of e's SQL as far as the dialects need it: whether a
// value is text, a date or a timestamp.
func (c *compiler) kind(e Expr) Type {
	switch e := e.(type) {
	case *Ident:
		col, _, _ := c.schema.Lookup(e.Name)
		return col.Type
	case *Number:
		return TypeNumber
	case *String:
		if _, ok := c.bools[e]; ok {
			return TypeBool
		}
		return TypeString
	case *Temporal:
		return e.Type
	case *Ago:
		return TypeTimestamp
	case *Call:
		switch e.Name {
		case "lower", "upper", "trim":
			return TypeString
		case "contains", "starts_with":
			return TypeBool
		case "coalesce", "least", "greatest":
			t := TypeUnknown
			for _, a := range e.Args {
				switch k := c.kind(a); {
				case k == TypeTimestamp || t == TypeUnknown:
					t = k
				}
			}
			return t
		}
		return TypeNumber
	case *Aggregate:
		switch e.Func {
		case "first", "last":
			col, _, _ := c.schema.Lookup(c.event.Time)
			return col.Type
		case "min", "max":
			return c.kind(e.Arg)
		case "none", "any":
			return TypeBool
		}
		return TypeNumber
	case *Binary:
		if isArithmetic(e.Op) {
			return TypeNumber
		}
	}
	return TypeBool
}

// comparable writes the operands of a comparison, each as value writes it,
// made comparable for the dialect: a DATE beside a timestamp cast to one
// where the engine will not mix them, and the first text operand of an
// ordering given the byte-order collation.
func (c *compiler) comparable(ordering bool, operands []Expr) ([]string, error) {
	kinds := make([]Type, len(operands))
	timestamps := false
	for i, o := range operands {
		kinds[i] = c.kind(o)
		timestamps = timestamps || kinds[i] == TypeTimestamp
	}
	out := make([]string, len(operands))
	collated := false
	for i, o := range operands {
		var b strings.Builder
		if err := c.value(&b, o); err != nil {
			return nil, err
		}
		s := b.String()
		if c.d.dateToTimestamp != "" && timestamps && kinds[i] == TypeDate {
			s = fmt.Sprintf(c.d.dateToTimestamp, s)
		}
		if ordering && c.d.collate != "" && kinds[i] == TypeString && !collated {
			s, collated = "("+s+c.d.collate+")", true
		}
		out[i] = s
	}
	return out, nil
}

// likeSQL writes x [not] like/ilike pattern in the dialect.
func (c *compiler) likeSQL(b *strings.Builder, e *Binary) error {
	ops, err := c.comparable(false, []Expr{e.L, e.R})
	if err != nil {
		return err
	}
	op := strings.ToUpper(notPrefix(e.Not) + e.Op)
	if c.d.likeEscape != "" {
		pattern, literal := e.R.(*String)
		if !literal {
			return c.cannot(e.R, e.Op+" with a pattern that is not written out",
				fmt.Sprintf("its LIKE treats %s as an escape character, which only a written-out pattern can double", c.d.likeEscape))
		}
		ops[1] = c.d.str(strings.ReplaceAll(pattern.Value, c.d.likeEscape, c.d.likeEscape+c.d.likeEscape))
	}
	sql := ops[0] + " " + op + " " + ops[1]
	if c.d.like != nil {
		sql = c.d.like(ops[0], op, ops[1])
	}
	b.WriteString("(" + sql + ")")
	return nil
}

// binary writes arithmetic, a comparison or a pattern match in a dialect
// other than DuckDB's, whose form compile.go writes directly.
func (c *compiler) binary(b *strings.Builder, e *Binary) error {
	if e.Op == "like" || e.Op == "ilike" {
		return c.likeSQL(b, e)
	}
	if !isArithmetic(e.Op) {
		ops, err := c.comparable(e.Op != "=" && e.Op != "<>", []Expr{e.L, e.R})
		if err != nil {
			return err
		}
		b.WriteString("(" + ops[0] + " " + strings.ToUpper(e.Op) + " " + ops[1] + ")")
		return nil
	}
	var l, r strings.Builder
	var err error
	if !isDouble(e.R) {
		err = c.double(&l, e.L)
	} else {
		err = c.value(&l, e.L)
	}
	if err != nil {
		return err
	}
	if err := c.value(&r, e.R); err != nil {
		return err
	}
	if n, ok := e.R.(*Number); e.Op == "/" && c.d.divide != nil && !(ok && n.Value != 0) {
		b.WriteString("(" + c.d.divide(l.String(), r.String()) + ")")
		return nil
	}
	b.WriteString("(" + l.String() + " " + e.Op + " " + r.String() + ")")
	return nil
}

func (c *compiler) inList(b *strings.Builder, e *In) error {
	ops, err := c.comparable(false, append([]Expr{e.X}, e.List...))
	if err != nil {
		return err
	}
	b.WriteString("(" + ops[0] + " " + strings.ToUpper(notPrefix(e.Not)) + "IN (" + strings.Join(ops[1:], ", ") + "))")
	return nil
}

func (c *compiler) between(b *strings.Builder, e *Between) error {
	ops, err := c.comparable(true, []Expr{e.X, e.Lo, e.Hi})
	if err != nil {
		return err
	}
	b.WriteString("(" + ops[0] + " " + strings.ToUpper(notPrefix(e.Not)) + "BETWEEN " + ops[1] + " AND " + ops[2] + ")")
	return nil
}

// cannot is the error for a construct the dialect has no way to write.
func (c *compiler) cannot(e Expr, what, why string) error {
	s := e.Bounds()
	return &Error{Pos: s.Pos, End: s.End, Token: describe(e),
		Msg: fmt.Sprintf("%s cannot be written in %s SQL: %s", what, c.d.Name, why)}
}

// callSQL writes a whitelisted function in the dialect.
func (c *compiler) callSQL(b *strings.Builder, e *Call) error {
	if c.d.direct {
		return c.list(b, e.Name+"(", ", ", ")", e.Args, c.value)
	}
	var args []string
	var err error
	switch e.Name {
	case "coalesce", "least", "greatest":
		args, err = c.comparable(e.Name != "coalesce", e.Args)
	case "date_diff":
		args, err = c.comparable(false, e.Args[1:])
		if err == nil {
			b.WriteString(c.d.dateDiff(e.Args[0].(*String).Value, args[0], args[1]))
		}
		return err
	default:
		for _, a := range e.Args {
			var ab strings.Builder
			if err := c.value(&ab, a); err != nil {
				return err
			}
			args = append(args, ab.String())
		}
	}
	if err != nil {
		return err
	}
	if (e.Name == "least" || e.Name == "greatest") && !c.d.leastSkipsNull {
		// LEAST(coalesce(a, b, c), coalesce(b, a, c), ...): every argument
		// stands in for a NULL one, so NULLs are skipped, and only all NULL
		// gives NULL, as DuckDB's least does.
		each := make([]string, len(args))
		for i := range args {
			others := slices.Concat([]string{args[i]}, args[:i], args[i+1:])
			each[i] = "COALESCE(" + strings.Join(others, ", ") + ")"
		}
		args = each
	}
	if f, ok := c.d.funcs[e.Name]; ok {
		b.WriteString(f(args))
		return nil
	}
	b.WriteString(e.Name + "(" + strings.Join(args, ", ") + ")")
	return nil
}
