package query

import (
	"context"
	"fmt"
	"strings"
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
	src, err := w.rowSource(ctx, p.Table)
	if err != nil {
		return nil, fmt.Errorf("rows of %s: %w", p.Table, err)
	}
	var q string
	var args []any
	switch ord, cached := w.orderings.lookup(w.orderingKey(p)); {
	case p.Where == "" && p.OrderBy == "" && src.shadowed:
		// Without rowid the table's own order is the scan's: DuckDB preserves
		// insertion order, and the scan stops at the page's end.
		q = `SELECT * FROM ` + src.table + ` LIMIT ? OFFSET ?`
		args = []any{p.Limit, p.Offset}
	case p.Where == "" && p.OrderBy == "":
		q = `SELECT * FROM ` + src.table + ` WHERE rowid >= ? AND rowid < ? ORDER BY rowid`
		args = []any{p.Offset, p.Offset + int64(p.Limit)}
	case !cached && p.Offset < shallowOffset:
		q = `SELECT ` + src.columns("") + ` FROM ` + src.from + whereClause(p.Where) + ` ORDER BY ` + orderClause(p, src.pos) + ` LIMIT ? OFFSET ?`
		args = []any{p.Limit, p.Offset}
	default:
		if !cached {
			if ord, err = w.ordering(ctx, p, src); err != nil {
				return nil, fmt.Errorf("rows of %s: %w", p.Table, err)
			}
		}
		q = `SELECT ` + src.columns("t") + ` FROM ` + src.from + ` t JOIN (SELECT r, rowid AS o FROM ` + ord + ` WHERE rowid >= ? AND rowid < ?) p
			ON t.` + src.pos + ` = p.r ORDER BY p.o`
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

// rowSource says how pages of a table name their rows' positions. Normally that
// is DuckDB's rowid pseudo-column, but a user column called rowid (any case)
// shadows it, and then it would sort and join on the user's values. Such a table
// is read through a numbering of its rows in insertion order instead: slower
// (every page numbers the table from the top), but right.
type rowSource struct {
	table    string // the table, quoted
	from     string // the relation pages read: the table, or the table numbered
	pos      string // the column of from holding a row's position, quoted
	shadowed bool
}

func (w *Workspace) rowSource(ctx context.Context, table string) (rowSource, error) {
	src := rowSource{table: `main.` + QuoteIdent(table), pos: "rowid"}
	src.from = src.table
	cols, err := w.Columns(ctx, table)
	if err != nil {
		return rowSource{}, err
	}
	taken := map[string]bool{}
	for _, c := range cols {
		taken[strings.ToLower(c.Name)] = true
	}
	if !taken["rowid"] {
		return src, nil
	}
	// A position column name that no column of the table takes, ignoring case as DuckDB does.
	pos := "segscope_position"
	for taken[pos] {
		pos += "_"
	}
	src.shadowed, src.pos = true, QuoteIdent(pos)
	// row_number() OVER () runs as a streaming window over an order-preserving scan,
	// so it numbers rows in insertion order, the order an unsorted page shows.
	src.from = `(SELECT row_number() OVER () - 1 AS ` + src.pos + `, * FROM ` + src.table + `)`
	return src, nil
}

// columns is the select list returning the table's own columns from from (aliased as alias, if given).
func (s rowSource) columns(alias string) string {
	star := "*"
	if alias != "" {
		star = alias + ".*"
	}
	if s.shadowed {
		return star + ` EXCLUDE (` + s.pos + `)`
	}
	return star
}

func orderClause(p Page, pos string) string {
	if p.OrderBy == "" {
		return pos
	}
	dir := " ASC NULLS LAST"
	if p.Desc {
		dir = " DESC NULLS LAST"
	}
	return QuoteIdent(p.OrderBy) + dir + ", " + pos
}
