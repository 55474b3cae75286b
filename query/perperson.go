package query

import (
	"context"
	"fmt"
	"strings"
)

// PerPerson is a number worked out for each row of a table from the rows of
// another table that share its key: how many orders a customer placed, what
// they spent. Group can group by it as if it were a column named Name.
type PerPerson struct {
	// Name is what the groups' column is called (count(orders)); no column
	// of the grouped table may have it.
	Name string
	// Key is the grouped table's key column.
	Key string
	// Table and TableKey are the table of events and its column holding the
	// person's key.
	Table, TableKey string
	// Agg is an aggregate over one person's rows of Table (count(*),
	// sum(...)): SQL made by segments/events, never typed text.
	Agg string
	// Zero gives a person without rows 0 rather than no value: a count or a
	// sum, not a date difference.
	Zero bool
	// Type is the value's DuckDB type, for binning (BIGINT, DOUBLE).
	Type string
}

// from is table with the per-person value as one more column, as a relation
// named like the table, so that a compiled rule's where clause reads it as it
// reads the table. Every row of the table stays once: the events are grouped
// by key before the join.
func (p PerPerson) from(table string, cols []Column) (string, error) {
	for _, c := range cols {
		if strings.EqualFold(c.Name, p.Name) {
			return "", fmt.Errorf("%s already has a column %q: rename it to group by %s", table, c.Name, p.Name)
		}
	}
	if p.Key == "" || p.TableKey == "" || p.Table == "" || p.Agg == "" {
		return "", fmt.Errorf("%s: incomplete per-person measure", p.Name)
	}
	value := `e.v`
	if p.Zero {
		value = `coalesce(e.v, 0)`
	}
	ek := QuoteIdent(p.TableKey)
	return `(SELECT t.*, ` + value + ` AS ` + QuoteIdent(p.Name) + ` FROM main.` + QuoteIdent(table) + ` AS t LEFT JOIN (SELECT ` +
		ek + ` AS k, ` + p.Agg + ` AS v FROM main.` + QuoteIdent(p.Table) + ` WHERE ` + ek + ` IS NOT NULL GROUP BY ` + ek +
		`) AS e ON t.` + QuoteIdent(p.Key) + ` = e.k) AS ` + QuoteIdent(table), nil
}

// KeyPage asks for the rows of Table whose Column equals Value, a page at a
// time: one person's events. Value is bound as a parameter, never written
// into the statement.
type KeyPage struct {
	Table, Column string
	Value         any
	// OrderBy sorts the rows (newest first with Desc, the time column); ""
	// keeps the table's order. Rows of equal OrderBy keep the table's order,
	// later rows first when Desc, so that pages never overlap.
	OrderBy string
	Desc    bool
	Offset  int64
	Limit   int
}

// KeyRows returns a page of the rows of p.Table whose p.Column equals
// p.Value, and how many such rows there are in all.
func (w *Workspace) KeyRows(ctx context.Context, p KeyPage) (*Result, int64, error) {
	res, total, err := w.keyRows(ctx, p)
	if err != nil {
		return nil, 0, fmt.Errorf("rows of %s with %s = %v: %w", p.Table, p.Column, p.Value, err)
	}
	return res, total, nil
}

func (w *Workspace) keyRows(ctx context.Context, p KeyPage) (*Result, int64, error) {
	if p.Limit <= 0 || p.Offset < 0 {
		return nil, 0, fmt.Errorf("a page needs a positive limit and an offset of 0 or more")
	}
	src, err := w.rowSource(ctx, p.Table)
	if err != nil {
		return nil, 0, err
	}
	where := ` WHERE ` + QuoteIdent(p.Column) + ` = ?`
	var total int64
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM `+src.from+where, p.Value).Scan(&total); err != nil {
		return nil, 0, err
	}
	order, dir := src.pos, " ASC NULLS LAST"
	if p.Desc {
		order, dir = src.pos+" DESC", " DESC NULLS LAST"
	}
	if p.OrderBy != "" {
		order = QuoteIdent(p.OrderBy) + dir + ", " + order
	}
	res, err := w.fetch(ctx, `SELECT `+src.columns("")+` FROM `+src.from+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, p.Value, p.Limit, p.Offset)
	if err != nil {
		return nil, 0, err
	}
	return res, total, nil
}
