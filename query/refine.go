package query

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/segscope/segscope/query/counts"
)

// Real exports leave numbers, dates and flags as text when a few cells are blank
// (" "), say "N/A", use a decimal comma or write dates day first. refine finds the
// text columns that are really something else and converts them exactly, counting
// the cells that become missing. It looks at the first rows to pick candidates
// cheaply, then checks every row of the candidates before converting anything.

const refineSample = 4096

// missingSQL is true for a cell that means "no value" in a column of another type.
func missingSQL(c string) string {
	return `(trim(` + c + `) = '' OR lower(trim(` + c + `)) IN ('na', 'n/a', '#n/a', 'null', 'none', 'nan', '-', '?'))`
}

// The shapes a text cell can have, as DuckDB regular expressions over trim(cell).
const (
	reWhole     = `[-+]?\d+(\.0*)?`
	reDecimal   = `[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?`
	reComma     = `[-+]?\d+,\d+`
	reDayMonth  = `\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?`
	reYesNo     = `(?i)(yes|no|y|n|true|false)`
	reZeroPad   = `0\d+`
	maxIntWidth = 38 // HUGEINT holds 38 digits
)

type textShape struct {
	column                         string
	rows, values, missing          int64 // rows; non-null cells, of which missing markers
	whole, decimal, comma, day, yn int64 // cells of each shape
	zeroPad                        int64
	maxDigits                      int64
	dayFirst, monthFirst           int64 // dates valid read each way
	infinite                       int64 // numbers beyond DOUBLE (1e400)
	timed                          int64 // dates with a time of day
}

// slashed writes a date's separators as slashes: 01.02.2020 and 01-02-2020 read as 01/02/2020.
func slashed(t string) string { return `regexp_replace(` + t + `, '[.\-]', '/', 'g')` }

// dateTimeFormats are the times a day/month date may carry.
var dateTimeFormats = []string{"", " %H:%M", " %H:%M:%S"}

// strptimeAny parses t as a date with any of the time formats, the first that fits.
func strptimeAny(t, dateFormat string) string {
	var alts []string
	for _, tf := range dateTimeFormats {
		alts = append(alts, `try_strptime(`+t+`, '`+dateFormat+tf+`')`)
	}
	return strings.Join(alts, ", ")
}

// shapeExprs are the aggregates that measure one text column's shapes.
func shapeExprs(c string) []string {
	t := `trim(` + c + `)`
	m := func(re string) string { return `count(*) FILTER (WHERE regexp_full_match(` + t + `, '` + re + `'))` }
	return []string{
		`count(*)`,
		`count(` + c + `)`,
		`count(*) FILTER (WHERE ` + missingSQL(c) + `)`,
		m(reWhole), m(reDecimal), m(reComma), m(reDayMonth), m(reYesNo), m(reZeroPad),
		`coalesce(max(length(regexp_replace(split_part(` + t + `, '.', 1), '[^0-9]', '', 'g'))) FILTER (WHERE regexp_full_match(` + t + `, '` + reWhole + `')), 0)`,
		`count(coalesce(` + strptimeAny(slashed(t), "%d/%m/%Y") + `))`,
		`count(coalesce(` + strptimeAny(slashed(t), "%m/%d/%Y") + `))`,
		`count(*) FILTER (WHERE isinf(TRY_CAST(` + t + ` AS DOUBLE)))`,
		`count(*) FILTER (WHERE regexp_matches(` + t + `, ' \d{1,2}:\d{2}'))`,
	}
}

func measureShapes(ctx context.Context, tx *sql.Tx, from string, columns []string) ([]textShape, error) {
	var exprs []string
	for _, c := range columns {
		exprs = append(exprs, shapeExprs(QuoteIdent(c))...)
	}
	per := len(shapeExprs("x"))
	vals := make([]int64, len(exprs))
	ptrs := make([]any, len(exprs))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := tx.QueryRowContext(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM `+from).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("check column types: %w", err)
	}
	shapes := make([]textShape, len(columns))
	for i, c := range columns {
		v := vals[i*per:]
		shapes[i] = textShape{column: c, rows: v[0], values: v[1], missing: v[2], whole: v[3], decimal: v[4], comma: v[5], day: v[6], yn: v[7], zeroPad: v[8], maxDigits: v[9], dayFirst: v[10], monthFirst: v[11], infinite: v[12], timed: v[13]}
	}
	return shapes, nil
}

// empty counts the cells with no value: empty in the file, blank, or N/A.
func (s textShape) empty() int64 { return s.rows - s.values + s.missing }

// conversion is what a text column becomes, or "" when it stays text.
func (s textShape) conversion(decimalComma bool) (expr, message string) {
	present := s.values - s.missing
	if present == 0 || s.zeroPad > 0 {
		// All missing, or zero-padded codes (0001) whose zeros are part of the value.
		return "", ""
	}
	c := QuoteIdent(s.column)
	t := `trim(` + c + `)`
	blank := func(what string) string {
		empty := s.empty()
		if empty == 0 {
			return what
		}
		return fmt.Sprintf("%s; %s read as missing", what, counts.Of(empty, "blank or N/A cell", "blank or N/A cells"))
	}
	guard := func(e string) string { return `CASE WHEN ` + missingSQL(c) + ` THEN NULL ELSE ` + e + ` END` }
	switch {
	case s.whole == present && s.maxDigits <= maxIntWidth:
		typ := "BIGINT"
		if s.maxDigits > 18 {
			typ = "HUGEINT"
		}
		return guard(`CAST(regexp_replace(` + t + `, '\.0*$', '') AS ` + typ + `)`), blank("whole numbers stored as text: read as whole numbers (" + typ + ")")
	case s.whole == present:
		return "", fmt.Sprintf("numbers of up to %d digits are too long for any integer type: kept as text", s.maxDigits)
	case s.decimal == present && s.infinite > 0:
		return "", fmt.Sprintf("%s too large for any number type: kept as text", counts.Of(s.infinite, "value is", "values are"))
	case s.decimal == present:
		return guard(`TRY_CAST(` + t + ` AS DOUBLE)`), blank("numbers stored as text: read as decimal numbers (DOUBLE)")
	case decimalComma && s.comma+s.whole == present && s.comma > 0:
		return guard(`CAST(replace(` + t + `, ',', '.') AS DOUBLE)`), blank("numbers with a decimal comma: read as decimal numbers (DOUBLE)")
	case s.day == present && (s.dayFirst == present || s.monthFirst == present):
		format, how := "%d/%m/%Y", "day first (dd/mm/yyyy)"
		switch {
		case s.dayFirst != present:
			format, how = "%m/%d/%Y", "month first (mm/dd/yyyy)"
		case s.monthFirst == present:
			how = "day first (dd/mm/yyyy); every date could be read either way, so check it"
		}
		typ := "DATE"
		if s.timed > 0 {
			typ = "TIMESTAMP"
		}
		return guard(`CAST(coalesce(` + strptimeAny(slashed(t), format) + `) AS ` + typ + `)`), blank("dates read " + how)
	case s.yn == present:
		return guard(`lower(` + t + `) IN ('yes', 'y', 'true')`), blank("yes/no values read as true/false")
	}
	return "", ""
}

// refineTypes converts the text columns of a freshly imported table that hold
// numbers, dates or yes/no flags, and counts what it did in res.
func refineTypes(ctx context.Context, tx *sql.Tx, table string, cols []Column, delimiter string, res *ImportResult) error {
	outOfRange, err := outOfRangeChanges(ctx, tx, table, cols)
	if err != nil {
		return err
	}
	res.Changes = append(res.Changes, outOfRange...)
	var text []string
	for _, c := range cols {
		if c.Type == "VARCHAR" {
			text = append(text, c.Name)
		}
	}
	if len(text) == 0 {
		return nil
	}
	t := `main.` + QuoteIdent(table)
	candidates, err := sampleCandidates(ctx, tx, `(SELECT * FROM `+t+` LIMIT `+fmt.Sprint(refineSample)+`)`, text)
	if err != nil || len(candidates) == 0 {
		return err
	}
	decimalComma := delimiter != ","
	shapes, err := measureShapes(ctx, tx, t, candidates)
	if err != nil {
		return err
	}
	converted := map[string]string{}
	for _, s := range shapes {
		expr, msg := s.conversion(decimalComma)
		if msg == "" {
			continue
		}
		res.Changes = append(res.Changes, ImportChange{Kind: "type", Column: s.column, Count: s.empty(), Message: msg})
		if expr != "" {
			converted[s.column] = expr + ` AS ` + QuoteIdent(s.column)
		}
	}
	if len(converted) == 0 {
		return nil
	}
	selects := make([]string, len(cols))
	for i, c := range cols {
		if e, ok := converted[c.Name]; ok {
			selects[i] = e
		} else {
			selects[i] = QuoteIdent(c.Name)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE `+t+` AS SELECT `+strings.Join(selects, ", ")+` FROM `+t); err != nil {
		return fmt.Errorf("convert column types: %w", err)
	}
	return nil
}

// sampleCandidates picks, from the first rows, the text columns whose every value
// could be a number, a day/month date or a yes/no: a few cheap tests per cell, so
// that only those columns get the full, exact measurement.
func sampleCandidates(ctx context.Context, tx *sql.Tx, from string, columns []string) ([]string, error) {
	const per = 5
	var exprs []string
	for _, name := range columns {
		c := QuoteIdent(name)
		t := `trim(` + c + `)`
		exprs = append(exprs,
			`count(`+c+`)`,
			`count(*) FILTER (WHERE `+missingSQL(c)+`)`,
			`count(TRY_CAST(replace(`+t+`, ',', '.') AS DOUBLE))`,
			`count(*) FILTER (WHERE regexp_full_match(`+t+`, '`+reDayMonth+`'))`,
			`count(*) FILTER (WHERE lower(`+t+`) IN ('yes', 'no', 'y', 'n', 'true', 'false'))`)
	}
	vals := make([]int64, len(exprs))
	ptrs := make([]any, len(exprs))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := tx.QueryRowContext(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM `+from).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("check column types: %w", err)
	}
	var out []string
	for i, name := range columns {
		v := vals[i*per:]
		values, missing := v[0], v[1]
		if values == missing {
			continue
		}
		for _, shaped := range v[2:per] {
			if shaped+missing >= values {
				out = append(out, name)
				break
			}
		}
	}
	return out, nil
}

// dropRepeatedHeaders deletes rows that repeat the header (files concatenated
// from several exports), which leave every column text.
func dropRepeatedHeaders(ctx context.Context, tx *sql.Tx, table string, cols []Column, res *ImportResult) (bool, error) {
	if len(cols) < 2 || cols[0].Type != "VARCHAR" {
		return false, nil
	}
	var conds []string
	for _, c := range cols {
		conds = append(conds, `CAST(`+QuoteIdent(c.Name)+` AS VARCHAR) = `+QuoteString(c.Name))
	}
	r, err := tx.ExecContext(ctx, `DELETE FROM main.`+QuoteIdent(table)+` WHERE `+strings.Join(conds, " AND "))
	if err != nil {
		return false, fmt.Errorf("look for repeated headers: %w", err)
	}
	n, _ := r.RowsAffected()
	if n > 0 {
		res.Changes = append(res.Changes, ImportChange{Kind: "header", Count: n, Message: fmt.Sprintf("removed %s repeating the header", counts.Of(n, "line", "lines"))})
		res.Rows -= n
	}
	return n > 0, nil
}
