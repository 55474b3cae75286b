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
	// Browse says the caller pages around the view at will, as the console's grid
	// does. A sorted or filtered view's first page then starts, in the background,
	// fetching the view's last rows and building its full ordering, so that the end
	// (G) and deep jumps answer without a wait. Commands that read a view once
	// leave it false and pay only for the pages they ask for.
	Browse bool
}

// shallowOffset is how near either end of a sorted or filtered view a page is
// fetched with a top-N query (the view's order, or its reverse for the end);
// other pages come from the view's materialised ordering (see orderings). A
// top-N keeps offset+limit rows in its heap, so its cost grows with depth.
const shallowOffset = 2_000

// Rows fetches one page. Without a filter or sort it seeks by rowid, which DuckDB
// answers from the row-group index at any depth. Sorted or filtered pages near
// either end come from top-N queries; the others from the view's ordering,
// built once, so that a jump to the middle of ten million sorted rows costs what
// a page at the top costs.
func (w *Workspace) Rows(ctx context.Context, p Page) (*Result, error) {
	res, err := w.rows(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("rows of %s: %w", p.Table, err)
	}
	return res, nil
}

func (w *Workspace) rows(ctx context.Context, p Page) (*Result, error) {
	if p.Limit <= 0 {
		return nil, fmt.Errorf("limit must be positive")
	}
	if p.Offset < 0 {
		return nil, fmt.Errorf("offset must not be negative")
	}
	src, err := w.rowSource(ctx, p.Table)
	if err != nil {
		return nil, err
	}
	switch {
	case p.Where == "" && p.OrderBy == "" && src.shadowed:
		// Without rowid the table's own order is the scan's: DuckDB preserves
		// insertion order, and the scan stops at the page's end.
		return w.fetch(ctx, `SELECT * FROM `+src.table+` LIMIT ? OFFSET ?`, p.Limit, p.Offset)
	case p.Where == "" && p.OrderBy == "":
		return w.fetch(ctx, `SELECT * FROM `+src.table+` WHERE rowid >= ? AND rowid < ? ORDER BY rowid`, p.Offset, p.Offset+int64(p.Limit))
	}
	key := w.orderingKey(p)
	if ord, ok := w.orderings.lookup(key); ok {
		return w.orderedPage(ctx, p, src, ord)
	}
	if p.Browse {
		// The view's last rows are fetched alongside its first page, so that G
		// finds them when the first page shows; then its ordering is built.
		w.prepare(key, p, src)
	}
	if p.Offset+int64(p.Limit) <= shallowOffset {
		return w.topN(ctx, p, src, p.Offset, p.Limit, false)
	}
	n, err := w.viewCount(ctx, p, src)
	if err != nil {
		return nil, err
	}
	end := min(p.Offset+int64(p.Limit), n)
	if end <= p.Offset {
		return w.topN(ctx, p, src, p.Offset, p.Limit, false) // past the end: no rows, and the columns
	}
	if p.Browse {
		if res, ok := w.orderings.fromTail(ctx, key, p.Offset, end); ok {
			return res, nil
		}
	}
	if n-p.Offset <= shallowOffset {
		return w.topN(ctx, p, src, n-end, int(end-p.Offset), true)
	}
	ord, err := w.ordering(ctx, key, p, src)
	if err != nil {
		return nil, err
	}
	return w.orderedPage(ctx, p, src, ord)
}

func (w *Workspace) fetch(ctx context.Context, q string, args ...any) (*Result, error) {
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return scanResult(rows, 0)
}

// topN fetches limit rows of the view from offset, counted from its first row,
// or, with reverse, from its last (the rows still come in the view's order).
// The top-N reads only row positions and the sort column; the page's rows are
// then fetched by position. A top-N over whole rows would carry every column
// of every candidate through its heap, which costs seconds at ten million rows
// when the sort column's zone maps cannot rule out row groups.
func (w *Workspace) topN(ctx context.Context, p Page, src rowSource, offset int64, limit int, reverse bool) (*Result, error) {
	q := `SELECT ` + src.columns("") + ` FROM ` + src.from + ` WHERE ` + src.pos + ` IN (SELECT ` + src.pos + ` FROM ` + src.from +
		whereClause(p.Where) + ` ORDER BY ` + orderClause(p, src.pos, reverse) + ` LIMIT ? OFFSET ?) ORDER BY ` + orderClause(p, src.pos, false)
	return w.fetch(ctx, q, limit, offset)
}

// orderedPage is a page read through the view's materialised ordering: a range
// of its rows (their rowids are view positions) joined back to the table.
func (w *Workspace) orderedPage(ctx context.Context, p Page, src rowSource, ord string) (*Result, error) {
	q := `SELECT ` + src.columns("t") + ` FROM ` + src.from + ` t JOIN (SELECT r, rowid AS o FROM ` + ord + ` WHERE rowid >= ? AND rowid < ?) p
		ON t.` + src.pos + ` = p.r ORDER BY p.o`
	return w.fetch(ctx, q, p.Offset, p.Offset+int64(p.Limit))
}

// rowSource says how pages of a table name their rows' positions. Normally that
// is DuckDB's rowid pseudo-column, but a user column called rowid (any case)
// shadows it, and then it would sort and join on the user's values (and an
// attached table's view has none). Such a table
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
	// A view of attached files has no rowid at all.
	attached, err := w.IsAttached(ctx, table)
	if err != nil {
		return rowSource{}, err
	}
	if !taken["rowid"] && !attached {
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

// orderClause is the view's order, or its exact reverse. The position breaks
// ties, so the order is total: the first rows of the reverse are the last rows
// of the view, the same ones its ordering ends with, NULLs included.
func orderClause(p Page, pos string, reverse bool) string {
	posDir, dir := "", " ASC NULLS LAST"
	if p.Desc {
		dir = " DESC NULLS LAST"
	}
	if reverse {
		posDir, dir = " DESC", " DESC NULLS FIRST"
		if p.Desc {
			dir = " ASC NULLS FIRST"
		}
	}
	if p.OrderBy == "" {
		return pos + posDir
	}
	return QuoteIdent(p.OrderBy) + dir + ", " + pos + posDir
}
