package query

import (
	"context"
	"fmt"
	"strings"

	"github.com/segscope/segscope/query/counts"
)

// hugeintLimit is 2^127, the first whole number no integer type (HUGEINT, DECIMAL(38))
// holds; DuckDB reads a longer one as DOUBLE, rounded to about 17 digits.
const hugeintLimit = "1.7014118346046923e38"

// outOfRangeChanges finds the numbers of a freshly imported table that no numeric
// type could hold: DuckDB's readers turn 1e400 into infinity, and a 60-digit
// integer into a rounded DOUBLE, without a word. Each such column gets a change
// for the import summary, with its count. It reads only floating-point columns.
func outOfRangeChanges(ctx context.Context, q querier, table string, cols []Column) ([]ImportChange, error) {
	var floats, exprs []string
	for _, c := range cols {
		if t := strings.ToUpper(c.Type); t != "DOUBLE" && t != "FLOAT" && t != "REAL" {
			continue
		}
		col := QuoteIdent(c.Name)
		floats = append(floats, c.Name)
		exprs = append(exprs,
			`count(*) FILTER (WHERE isinf(`+col+`))`,
			// DuckDB orders NaN above every number, so only finite values are compared.
			`count(*) FILTER (WHERE isfinite(`+col+`) AND abs(`+col+`) >= `+hugeintLimit+`)`)
	}
	if len(floats) == 0 {
		return nil, nil
	}
	found := make([]int64, len(exprs))
	dest := make([]any, len(exprs))
	for i := range found {
		dest[i] = &found[i]
	}
	if err := q.QueryRowContext(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM main.`+QuoteIdent(table)).Scan(dest...); err != nil {
		return nil, fmt.Errorf("check numbers of %s: %w", table, err)
	}
	var changes []ImportChange
	for i, name := range floats {
		if n := found[2*i]; n > 0 {
			changes = append(changes, ImportChange{Kind: "type", Column: name, Count: n,
				Message: counts.Of(n, "number", "numbers") + " beyond the largest a number can be (such as 1e400): read as infinity"})
		}
		if n := found[2*i+1]; n > 0 {
			changes = append(changes, ImportChange{Kind: "type", Column: name, Count: n,
				Message: counts.Of(n, "number", "numbers") + " too large for any integer type (2^127 and up): read as approximate numbers (DOUBLE), rounded to about 17 digits"})
		}
	}
	return changes, nil
}
