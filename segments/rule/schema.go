package rule

import (
	"strings"
	"time"
)

// Type is what the checker knows about a value.
type Type int

const (
	TypeUnknown Type = iota
	TypeNumber
	TypeString
	TypeBool
	TypeDate
	TypeTimestamp
	TypeOther // lists, structs, blobs, intervals...: only is [not] null applies
)

func (t Type) String() string {
	switch t {
	case TypeNumber:
		return "number"
	case TypeString:
		return "string"
	case TypeBool:
		return "boolean"
	case TypeDate:
		return "date"
	case TypeTimestamp:
		return "timestamp"
	case TypeOther:
		return "unsupported type"
	}
	return "unknown type"
}

func (t Type) temporal() bool { return t == TypeDate || t == TypeTimestamp }

// TypeFromDuckDB maps a DuckDB type name, as information_schema or DESCRIBE
// report it, to a Type.
//
// Two DuckDB range limits pass through: a TIMESTAMP_NS column only holds
// years 1678 to 2261, and DuckDB fails a comparison of one with a literal
// outside that range; a HUGEINT value beyond about 10^21 may fail to compare
// with a number that has decimals. Casting such columns in a view avoids both.
func TypeFromDuckDB(name string) Type {
	n := strings.ToUpper(strings.TrimSpace(name))
	if strings.HasSuffix(n, "]") { // INTEGER[], VARCHAR[3]
		return TypeOther
	}
	base := n
	if i := strings.IndexByte(base, '('); i >= 0 {
		base = strings.TrimSpace(base[:i])
	}
	switch base {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
		"UBIGINT", "UHUGEINT", "INT1", "INT2", "INT4", "INT8", "INT", "SHORT", "LONG", "SIGNED",
		"FLOAT", "FLOAT4", "FLOAT8", "REAL", "DOUBLE", "DECIMAL", "NUMERIC", "VARINT", "BIGNUM":
		return TypeNumber
	case "VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "ENUM":
		return TypeString
	case "BOOLEAN", "BOOL", "LOGICAL":
		return TypeBool
	case "DATE":
		return TypeDate
	case "TIMESTAMP", "DATETIME", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_US",
		"TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITHOUT TIME ZONE":
		return TypeTimestamp
	case "":
		return TypeUnknown
	}
	return TypeOther
}

// Column is one column of the table a rule filters.
type Column struct {
	Name string
	Type Type
}

// Schema is the table a rule filters, with the event tables its conditions
// can aggregate over.
type Schema struct {
	Table   string
	Columns []Column
	// Key is the audience's key column; event conditions match events to
	// people by it. Empty when the table has none, and then no event table
	// can be used.
	Key string
	// Events are the event tables of this audience (orders, views...).
	Events []EventTable
	// AsOf is the time that ago() and "in last N days" windows count back
	// from; zero means now. Historical data sets it to when it was taken.
	AsOf time.Time
	// Exported answers exported(): a query of the keys, as text in a column
	// k, of the people in exports of segment within window (nil: ever).
	// Exports happened in real time, so the window counts back from now,
	// not from AsOf. Nil where the workspace's export records are not at hand.
	Exported func(segment string, window *Window) (string, error)
}

// EventTable is a table whose rows are events of the audience's people: the
// rows whose Key equals a person's key are that person's events.
type EventTable struct {
	Name string
	Key  string
	Time string // the event time column; "" when the table has none
	// Amount is what an event is worth, arithmetic over its columns
	// (Quantity * UnitPrice); "" when not declared. See Measure.
	Amount  string
	Columns []Column
}

// Event finds an event table by name, ignoring case as DuckDB does.
func (s Schema) Event(name string) (EventTable, bool) {
	for _, e := range s.Events {
		if e.Name == name {
			return e, true
		}
	}
	for _, e := range s.Events {
		if strings.EqualFold(e.Name, name) {
			return e, true
		}
	}
	return EventTable{}, false
}

// Lookup finds a column the way DuckDB does, ignoring case, but prefers an
// exact match so that tables with both "Plan" and "plan" stay usable.
// ambiguous lists the candidates when name matches several only by case.
func (s Schema) Lookup(name string) (col Column, ok bool, ambiguous []string) {
	var folded []Column
	for _, c := range s.Columns {
		if c.Name == name {
			return c, true, nil
		}
		if strings.EqualFold(c.Name, name) {
			folded = append(folded, c)
		}
	}
	switch len(folded) {
	case 0:
		return Column{}, false, nil
	case 1:
		return folded[0], true, nil
	}
	for _, c := range folded {
		ambiguous = append(ambiguous, c.Name)
	}
	return Column{}, false, ambiguous
}

func (s Schema) names() []string {
	names := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		names[i] = c.Name
	}
	return names
}
