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

// shallowOffset is how deep a sorted or filtered page is still fetched with
// LIMIT/OFFSET, which DuckDB answers with a cheap top-N; deeper pages go through
// a materialised ordering (see orderings).
const shallowOffset = 10_000

// Rows fetches one page. Without a filter or sort it seeks by rowid, which DuckDB
// answers from the row-group index at any depth. Sorted or filtered pages near the
// top use LIMIT/OFFSET; deeper ones use the view's ordering, built once, so that
// scrolling at the end of ten million sorted rows costs what it costs at the top.
func (w *Workspace) Rows(ctx context.Context, p Page) (*Result, error) {
	if p.Limit <= 0 {
		return nil, fmt.Errorf("rows of %s: limit must be positive", p.Table)
	}
	table := `main.` + QuoteIdent(p.Table)
	var q string
	var args []any
	switch ord, cached := w.orderings.lookup(w.orderingKey(p)); {
	case p.Where == "" && p.OrderBy == "":
		q = `SELECT * FROM ` + table + ` WHERE rowid >= ? AND rowid < ? ORDER BY rowid`
		args = []any{p.Offset, p.Offset + int64(p.Limit)}
	case !cached && p.Offset < shallowOffset:
		q = `SELECT * FROM ` + table + whereClause(p.Where) + ` ORDER BY ` + orderClause(p) + ` LIMIT ? OFFSET ?`
		args = []any{p.Limit, p.Offset}
	default:
		if !cached {
			var err error
			if ord, err = w.ordering(ctx, p); err != nil {
				return nil, fmt.Errorf("rows of %s: %w", p.Table, err)
			}
		}
		q = `SELECT t.* FROM ` + table + ` t JOIN (SELECT r, rowid AS o FROM ` + ord + ` WHERE rowid >= ? AND rowid < ?) p
			ON t.rowid = p.r ORDER BY p.o`
		args = []any{p.Offset, p.Offset + int64(p.Limit)}
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

func orderClause(p Page) string {
	if p.OrderBy == "" {
		return "rowid"
	}
	dir := " ASC NULLS LAST"
	if p.Desc {
		dir = " DESC NULLS LAST"
	}
	return QuoteIdent(p.OrderBy) + dir + ", rowid"
}
