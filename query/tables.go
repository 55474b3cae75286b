package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// querier is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Column is a column of a table or a result.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// TableInfo describes an audience table.
type TableInfo struct {
	Name    string `json:"name"`
	Rows    int64  `json:"rows"`
	Columns int    `json:"columns"`
	Key     string `json:"key_column"`
	Source  string `json:"source"`
}

// ErrNoTable is wrapped by errors about a table that is not in the workspace.
var ErrNoTable = errors.New("no such table")

// tableInfoQuery lists tables with their key and source; a caller may narrow it.
const tableInfoQuery = `
	SELECT t.table_name, t.column_count, coalesce(m.key_column, ''), coalesce(i.path, '')
	FROM duckdb_tables() t
	LEFT JOIN segscope.tables m ON m.table_name = t.table_name
	LEFT JOIN segscope.imports i ON i.id = m.import_id
	WHERE t.schema_name = 'main' AND t.database_name = current_database() AND NOT t.temporary`

// Tables lists the imported tables with their exact row counts.
func (w *Workspace) Tables(ctx context.Context) ([]TableInfo, error) {
	return w.tableInfos(ctx, ``)
}

// Table describes one table, or returns an error wrapping ErrNoTable that lists the others.
func (w *Workspace) Table(ctx context.Context, name string) (TableInfo, error) {
	tables, err := w.tableInfos(ctx, name)
	if err != nil {
		return TableInfo{}, err
	}
	if len(tables) == 1 {
		return tables[0], nil
	}
	names, err := w.TableNames(ctx)
	if err != nil {
		return TableInfo{}, err
	}
	return TableInfo{}, fmt.Errorf("table %q: %w (tables: %s)", name, ErrNoTable, strings.Join(names, ", "))
}

// TableNames lists the imported tables' names in order, without counting their
// rows as Tables does.
func (w *Workspace) TableNames(ctx context.Context) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT table_name FROM (`+tableInfoQuery+`) ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return names, nil
}

// tableInfos reads one table's description (or every table's, for name ""),
// counting rows only of the tables it returns.
func (w *Workspace) tableInfos(ctx context.Context, name string) ([]TableInfo, error) {
	q, args := tableInfoQuery, []any{}
	if name != "" {
		q += ` AND t.table_name = ?`
		args = append(args, name)
	}
	rows, err := w.db.QueryContext(ctx, q+` ORDER BY t.table_name`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var tables []TableInfo
	for rows.Next() {
		var t TableInfo
		if err := rows.Scan(&t.Name, &t.Columns, &t.Key, &t.Source); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list tables: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if err := w.countRows(ctx, tables); err != nil {
		return nil, err
	}
	return tables, nil
}

// countRows fills in the tables' exact row counts with one statement, not one
// per table: each statement has a fixed cost that a short listing feels.
func (w *Workspace) countRows(ctx context.Context, tables []TableInfo) error {
	if len(tables) == 0 {
		return nil
	}
	parts := make([]string, len(tables))
	for i, t := range tables {
		parts[i] = fmt.Sprintf(`SELECT %d, count(*) FROM main.%s`, i, QuoteIdent(t.Name))
	}
	rows, err := w.db.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return fmt.Errorf("count the tables' rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var n int64
		if err := rows.Scan(&i, &n); err != nil {
			return fmt.Errorf("count the tables' rows: %w", err)
		}
		tables[i].Rows = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count the tables' rows: %w", err)
	}
	return nil
}

// LatestTable is the table imported last that is still in the workspace ("" for
// none): the one a user reopening the console was working on.
func (w *Workspace) LatestTable(ctx context.Context) (string, error) {
	var name string
	err := w.db.QueryRowContext(ctx, `SELECT coalesce(max_by(i.table_name, i.id), '') FROM segscope.imports i
		JOIN duckdb_tables() t ON t.table_name = i.table_name AND t.schema_name = 'main' AND t.database_name = current_database()`).Scan(&name)
	if err != nil {
		return "", fmt.Errorf("find the latest table: %w", err)
	}
	return name, nil
}

// Columns lists a table's columns in order. Tables change only by import, so the
// answer is kept until the next one: every segment evaluation asks.
func (w *Workspace) Columns(ctx context.Context, table string) ([]Column, error) {
	key := fmt.Sprintf("%d\x00%s", w.generation.Load(), table)
	if cols, ok := w.columns.Load(key); ok {
		return slices.Clone(cols.([]Column)), nil
	}
	cols, err := tableColumns(ctx, w.db, table)
	if err != nil {
		return nil, err
	}
	w.columns.Store(key, cols)
	return slices.Clone(cols), nil
}

// tableColumns reads a table's columns from an empty result, which DuckDB answers
// faster than a catalog scan (it matters on every segment evaluation).
func tableColumns(ctx context.Context, q querier, table string) ([]Column, error) {
	rows, err := q.QueryContext(ctx, `SELECT * FROM main.`+QuoteIdent(table)+` LIMIT 0`)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") {
			return nil, fmt.Errorf("table %q: %w", table, ErrNoTable)
		}
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	cols := make([]Column, len(types))
	for i, t := range types {
		cols[i] = Column{Name: t.Name(), Type: t.DatabaseTypeName()}
	}
	return cols, nil
}

// Count counts the rows of table matching where (a compiled rule; "" for all rows).
func (w *Workspace) Count(ctx context.Context, table, where string) (int64, error) {
	var n int64
	q := `SELECT count(*) FROM main.` + QuoteIdent(table) + whereClause(where)
	if err := w.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// CountTotal counts the rows of table matching where and all its rows, in one
// pass: a rule's preview shows both.
func (w *Workspace) CountTotal(ctx context.Context, table, where string) (matched, total int64, err error) {
	match := `count(*)`
	if strings.TrimSpace(where) != "" {
		match = `count(*) FILTER (WHERE ` + where + `)`
	}
	q := `SELECT ` + match + `, count(*) FROM main.` + QuoteIdent(table)
	if err := w.db.QueryRowContext(ctx, q).Scan(&matched, &total); err != nil {
		return 0, 0, fmt.Errorf("count %s: %w", table, err)
	}
	return matched, total, nil
}

func whereClause(where string) string {
	if strings.TrimSpace(where) == "" {
		return ""
	}
	return " WHERE (" + where + ")"
}
