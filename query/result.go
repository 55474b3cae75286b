package query

import (
	"database/sql"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/segscope/segscope/query/pii"
)

// Result is a small, fully fetched answer: a page of rows or an aggregate.
type Result struct {
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
	// Truncated is set when more rows existed than the caller's limit.
	Truncated bool `json:"truncated,omitempty"`
	// PII is, for a person's query (Workspace.Query), the personal data each
	// column holds, traced through the statement; nil for other results.
	PII []pii.Kind `json:"-"`
}

// scanResult reads at most limit rows (all when limit <= 0).
func scanResult(rows *sql.Rows, limit int) (*Result, error) {
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: make([]Column, len(types))}
	for i, t := range types {
		res.Columns[i] = Column{Name: t.Name(), Type: t.DatabaseTypeName()}
	}
	for rows.Next() {
		if limit > 0 && len(res.Rows) == limit {
			res.Truncated = true
			break
		}
		vals := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

// FormatValue renders a value from a Result for a person: NULL as "", times in ISO form,
// floats without trailing noise.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return fmt.Sprintf("%x", x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case *big.Int:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}
