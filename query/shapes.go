package query

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// ColumnShape is what a look at a column's first values says about it: how
// varied they are, and whether they answer yes or no.
type ColumnShape struct {
	Name string
	Type string
	// Distinct is how many different non-null values the rows looked at hold.
	Distinct int64
	// Rows is how many rows were looked at.
	Rows int64
	// Yes and No are a yes/no column's two values as text (true and false, 1
	// and 0, Yes and No, Y and N); both are "" for any other column.
	Yes, No string
}

// Unique reports whether nearly every row looked at has a value of its own:
// an identifier, a name, a timestamp. Grouping by such a column gives a group
// per row.
func (c ColumnShape) Unique() bool {
	return c.Rows > 1 && c.Distinct*10 >= c.Rows*9
}

// shapeRows is how many rows ColumnShapes looks at: enough to tell an
// identifier from a category, few enough to answer at once on any table.
const shapeRows = 10_000

// ColumnShapes looks at the first rows of table and describes each column.
// It reads a sample, not the whole table: a column that turns out to hold a
// third value further down is still described as yes/no.
func (w *Workspace) ColumnShapes(ctx context.Context, table string) ([]ColumnShape, error) {
	cols, err := w.Columns(ctx, table)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, nil
	}
	exprs := []string{"count(*)"}
	for _, c := range cols {
		col := QuoteIdent(c.Name)
		exprs = append(exprs, "count(DISTINCT "+col+")", "min("+col+")::VARCHAR", "max("+col+")::VARCHAR")
	}
	q := fmt.Sprintf("SELECT %s FROM (SELECT * FROM main.%s LIMIT %d)", strings.Join(exprs, ", "), QuoteIdent(table), shapeRows)
	var rows int64
	distinct := make([]int64, len(cols))
	lo := make([]sql.NullString, len(cols))
	hi := make([]sql.NullString, len(cols))
	dest := []any{&rows}
	for i := range cols {
		dest = append(dest, &distinct[i], &lo[i], &hi[i])
	}
	if err := w.db.QueryRowContext(ctx, q).Scan(dest...); err != nil {
		return nil, fmt.Errorf("look at the columns of %s: %w", table, err)
	}
	out := make([]ColumnShape, len(cols))
	for i, c := range cols {
		out[i] = ColumnShape{Name: c.Name, Type: c.Type, Distinct: distinct[i], Rows: rows}
		if distinct[i] == 2 {
			out[i].Yes, out[i].No = yesNo(lo[i].String, hi[i].String)
		}
	}
	return out, nil
}

var (
	yesWords = []string{"true", "t", "yes", "y", "1", "1.0"}
	noWords  = []string{"false", "f", "no", "n", "0", "0.0"}
)

// yesNo orders a two-valued column's values as yes and no, or returns "" for
// values that do not answer a yes/no question.
func yesNo(a, b string) (yes, no string) {
	is := func(v string, words []string) bool {
		for _, w := range words {
			if strings.EqualFold(strings.TrimSpace(v), w) {
				return true
			}
		}
		return false
	}
	switch {
	case is(a, yesWords) && is(b, noWords):
		return a, b
	case is(b, yesWords) && is(a, noWords):
		return b, a
	}
	return "", ""
}
