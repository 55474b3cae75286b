package querytest

import (
	"database/sql"
	"testing"
)

// Drain reads every row of a query's result, as a caller that shows or writes
// the rows would, so a benchmark pays for the rows and not only for the first.
func Drain(tb testing.TB, rows *sql.Rows, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		tb.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
}
