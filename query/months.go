package query

import (
	"fmt"
	"strings"
)

// temporal reports whether a DuckDB type name is a date or a timestamp.
func temporalType(duckType string) bool {
	t := strings.ToUpper(duckType)
	return strings.HasPrefix(t, "DATE") || strings.HasPrefix(t, "TIMESTAMP")
}

// monthBin labels a date or timestamp column's rows with their month
// (2024-03) and orders the months in time.
func monthBin(col string) (sel, order string) {
	sel = `strftime(date_trunc('month', ` + col + `), '%Y-%m') AS ` + col
	order = `min(date_trunc('month', ` + col + `)) NULLS LAST`
	return sel, order
}

// measureSelect is the select item of a group's measure: a sum or average of
// a number column, or the rate of one value (a yes, a 1, a true) among a
// column's non-null values.
func measureSelect(m Measure, types map[string]string) (string, error) {
	typ, ok := types[m.Column]
	if !ok {
		return "", fmt.Errorf("no column %q to measure", m.Column)
	}
	col := QuoteIdent(m.Column)
	switch fn := strings.ToLower(m.Func); fn {
	case "sum", "avg":
		if !Numeric(typ) {
			return "", fmt.Errorf("%s needs a numeric column, and %q is not one", fn, m.Column)
		}
		return fmt.Sprintf("%s(%s) AS %s", fn, col, QuoteIdent(fn+"_"+m.Column)), nil
	case "rate":
		if m.Value == "" {
			return "", fmt.Errorf("the rate of %s needs the value it counts", m.Column)
		}
		// Compared as text, so that one spelling of the value ("true", "1",
		// "Yes") serves booleans, numbers and text alike; NULLs stay out of avg.
		return fmt.Sprintf("avg((%s::VARCHAR = %s)::INTEGER) AS %s", col, QuoteString(m.Value), QuoteIdent("rate_"+m.Column)), nil
	}
	return "", fmt.Errorf("measure must be sum, avg or rate, not %q", m.Func)
}
