package export

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/segscope/segscope/query"
)

// A spreadsheet opening a CSV file runs a cell that begins with =, +, - or @ as a
// formula (=HYPERLINK(...) phones home, =cmd|' /C calc'!A0 starts a program), and
// a leading tab or carriage return can hide such a cell from a reader's eye. A CSV
// or TSV export therefore prefixes such text cells with a single quote, which
// spreadsheets show as text and hide (the OWASP advice), unless the cell is a
// plain number (-12.5) or a phone number (+44 20 7946 0958): neither can call
// anything, and quoting them would spoil ordinary data.
//
// formulaSafe is RE2, the syntax of Go's regexp and of DuckDB's regexp_matches,
// so the COPY's CASE expression and the Go code (customer-match zip codes) apply
// the same rule.
const (
	// formulaStarters are the first characters of a cell a spreadsheet may run.
	formulaStarters = "=@\t\r+-"
	// formulaSafe is a signed number or a + phone number: left as it is.
	formulaSafe = `^([+-][0-9]*[.,]?[0-9]+([eE][+-]?[0-9]+)?|\+[0-9 ().-]*[0-9][0-9 ().-]*)$`
)

// FormulaRule says in words which cells are neutralised, for the manifest.
const FormulaRule = "text cells beginning with =, @, tab or carriage return, or with + or - when the rest is not " +
	"a number or a phone number, are prefixed with a single quote (') so that spreadsheets show them as text"

var formulaSafeRE = regexp.MustCompile(formulaSafe)

// formulaLike reports whether a spreadsheet could run s as a formula.
func formulaLike(s string) bool {
	return s != "" && strings.IndexByte(formulaStarters, s[0]) >= 0 && !formulaSafeRE.MatchString(s)
}

// dropLetterColumns takes out of guard (column → type) the text columns whose
// every value begins with a byte from 'A' on, past every formula starter, and
// returns them sorted. DuckDB keeps the smallest value of each column of a
// table (its first bytes, in stats()), which is never above any value, even
// after deletes and updates; its filters skip whole row groups by it. Writing
// such a column as it is saves the COPY a CASE per cell: a million-member export
// with three of its four text columns so took 10 ms less.
func dropLetterColumns(ctx context.Context, conn *sql.Conn, table string, guard map[string]string) ([]string, error) {
	var names []string
	for c, typ := range guard {
		if strings.EqualFold(typ, "VARCHAR") {
			names = append(names, c)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	slices.Sort(names)
	stats := make([]string, len(names))
	for i, c := range names {
		stats[i] = "stats(" + query.QuoteIdent(c) + ")"
	}
	vals := make([]sql.NullString, len(names))
	dest := make([]any, len(names))
	for i := range vals {
		dest[i] = &vals[i]
	}
	// Only a table DuckDB stores itself: it works out the statistics from the
	// values it writes. A view's come from wherever it reads (a Parquet file's
	// footer says what its writer put there).
	err := conn.QueryRowContext(ctx, "SELECT "+strings.Join(stats, ", ")+" FROM main."+query.QuoteIdent(table)+
		" WHERE EXISTS (SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"+
		" AND table_name = "+query.QuoteString(table)+") LIMIT 1").Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // not a stored table, or no rows to write
	}
	if err != nil {
		return nil, fmt.Errorf("read the statistics of %s: %w", table, err)
	}
	var letters []string
	for i, c := range names {
		if vals[i].Valid && letterMin(vals[i].String) {
			delete(guard, c)
			letters = append(letters, c)
		}
	}
	return letters, nil
}

// letterMin reports whether DuckDB's statistics of a text column ("[Min: " then
// the first bytes of the smallest value) show that its first byte is at least
// 'A' and so above every formula starter. A byte DuckDB writes escaped (\x09, or
// \xFF for a column with no value) or an empty minimum does not count.
func letterMin(stats string) bool {
	rest, ok := strings.CutPrefix(stats, "[Min: ")
	return ok && rest != "" && rest[0] >= 'A' && rest[0] <= '~' && rest[0] != '\\'
}

// starterCodes lists formulaStarters as character codes, for SQL.
func starterCodes() string {
	codes := make([]string, len(formulaStarters))
	for i := range len(formulaStarters) {
		codes[i] = strconv.Itoa(int(formulaStarters[i]))
	}
	return strings.Join(codes, ", ")
}

// FormulaGuard is how a CSV or TSV export treated cells a spreadsheet could run.
type FormulaGuard struct {
	// Raw is true when the export was asked to write cells as they are (--raw).
	Raw bool `json:"raw"`
	// Neutralised counts the cells prefixed with a quote.
	Neutralised int64  `json:"neutralised_cells"`
	Rule        string `json:"rule"`
	// LetterColumns are the text columns written as they are because every
	// value in them begins with a letter or a later character, by DuckDB's
	// statistics of the table: none can begin like a formula.
	LetterColumns []string `json:"columns_without_formula_starters,omitempty"`
}

// guardsFormulas reports whether a format is opened by spreadsheets as cells of
// text: JSON and Parquet carry types, and customer-match files hash or validate
// every identifier.
func (f Format) guardsFormulas() bool { return f == CSV || f == TSV }

// neutralisedFunction counts, like segscope_progress, the cells an export
// neutralises: it is called only in the CASE branch that adds the quote, so the
// manifest's count is what the file holds.
const neutralisedFunction = "segscope_neutralised"

// neutralise is the COPY projection of column c (of DuckDB type typ) with formula
// cells quoted. The CASE tries the first character's code before the full
// pattern, so an ordinary cell costs one ascii() (with a regexp_matches first,
// the COPY of 1M rows with four text columns took about 25% longer than
// unguarded; with ascii(), 3-10%), and lets NULL through before the counting
// branch. Only constants and quoted identifiers reach the SQL.
func neutralise(c, typ string) string {
	if !textual(typ) {
		return query.QuoteIdent(c)
	}
	v := query.QuoteIdent(c)
	if !strings.EqualFold(typ, "VARCHAR") {
		// ENUM, JSON, BLOB, UNION...: written as their text, so checked as text.
		v = "CAST(" + v + " AS VARCHAR)"
	}
	return "CASE WHEN " + v + " IS NULL OR ascii(" + v + ") NOT IN (" + starterCodes() + ") THEN " + v +
		" WHEN regexp_matches(" + v + ", " + query.QuoteString(formulaSafe) + ") THEN " + v +
		" WHEN " + neutralisedFunction + "() THEN '''' || " + v + " END"
}

// textual reports whether a column of DuckDB type typ (as query.Column names it)
// can be written as a cell of arbitrary text. Numbers, booleans, times and UUIDs
// cannot; lists, arrays, structs and maps are written in brackets. Anything else,
// an unknown type included, is treated as text.
func textual(typ string) bool {
	t := strings.ToUpper(strings.TrimSpace(typ))
	if strings.HasSuffix(t, "]") || strings.HasPrefix(t, "STRUCT(") || strings.HasPrefix(t, "MAP(") {
		return false
	}
	if i := strings.IndexAny(t, "( "); i >= 0 {
		t = t[:i]
	}
	switch t {
	case "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
		"UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "BIGNUM", "DATE", "TIME", "TIMETZ", "TIMESTAMP",
		"TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMPTZ", "INTERVAL", "UUID":
		return false
	}
	return true
}
