package query

import (
	"context"
	"fmt"
)

// Page asks for a window of rows. The grid asks for the rows around its viewport,
// so the whole table never leaves DuckDB.
type Page struct {
	Table string
	// Where is a compiled rule (segments/rule) or "".
	Where   string
	OrderBy string
	Desc    bool
	Offset  int64
	Limit   int
}

// Rows fetches one page. Without a filter or sort it seeks by rowid, which DuckDB
// answers from the row-group index at any depth; otherwise LIMIT/OFFSET, with the
// key column as a tie-breaker so pages are stable.
func (w *Workspace) Rows(ctx context.Context, p Page) (*Result, error) {
	if p.Limit <= 0 {
		return nil, fmt.Errorf("rows of %s: limit must be positive", p.Table)
	}
	table := `main.` + QuoteIdent(p.Table)
	var q string
	var args []any
	if p.Where == "" && p.OrderBy == "" {
		q = `SELECT * FROM ` + table + ` WHERE rowid >= ? AND rowid < ? ORDER BY rowid`
		args = []any{p.Offset, p.Offset + int64(p.Limit)}
	} else {
		order := "rowid"
		if p.OrderBy != "" {
			dir := " ASC NULLS LAST"
			if p.Desc {
				dir = " DESC NULLS LAST"
			}
			order = QuoteIdent(p.OrderBy) + dir + ", rowid"
		}
		q = `SELECT * FROM ` + table + whereClause(p.Where) + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
		args = []any{p.Limit, p.Offset}
	}
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("rows of %s: %w", p.Table, err)
	}
	res, err := scanResult(rows, 0)
	if err != nil {
		return nil, fmt.Errorf("rows of %s: %w", p.Table, err)
	}
	return res, nil
}
