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
	// Attached says the table is a view of files that stay where they are
	// (Attach); Rows is then the count recorded when they were attached.
	Attached bool `json:"attached,omitempty"`
	// Problem says why an attached table can't be read as it was attached (a
	// file changed or went missing); "" when it can.
	Problem string `json:"problem,omitempty"`
}

// ErrNoTable is wrapped by errors about a table that is not in the workspace.
var ErrNoTable = errors.New("no such table")

// tableCatalogQuery lists the workspace's own tables, and the views of
// attached tables, with their column counts; a caller may narrow it by
// table_name. It reads the catalog alone: joined in SQL to the metadata tables
// it cost a listing about a third more than the same three reads run apart and
// matched in Go (see tableInfos).
const tableCatalogQuery = `
	SELECT * FROM (
		SELECT table_name, column_count, false AS is_view FROM duckdb_tables()
		WHERE schema_name = 'main' AND database_name = current_database() AND NOT temporary
		UNION ALL SELECT view_name, column_count, true FROM duckdb_views()
		WHERE schema_name = 'main' AND database_name = current_database() AND NOT temporary AND NOT internal)
	WHERE true`

// tableMetaQuery reads every table's key and source as segscope recorded them
// (one row a table: an import replaces its table's row, SetKey updates it).
// No GROUP BY or ORDER BY: on a handful of rows either costs more than the read.
const tableMetaQuery = `
	SELECT m.table_name, coalesce(m.key_column, ''), coalesce(i.path, '')
	FROM segscope.tables m LEFT JOIN segscope.imports i ON i.id = m.import_id`

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
		if tables[0].Problem != "" {
			return tables[0], fmt.Errorf("table %q: %w", name, w.checkAttached(ctx, name))
		}
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
	rows, err := w.db.QueryContext(ctx, `SELECT table_name FROM (`+tableCatalogQuery+`) ORDER BY 1`)
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

// tableInfos reads one table's description (or every table's, for name ""):
// from the listing kept in the workspace while the file is as it was then
// (listing.go), otherwise from the catalog.
func (w *Workspace) tableInfos(ctx context.Context, name string) ([]TableInfo, error) {
	if tables, ok := w.keptTables(name); ok {
		if err := w.attachedInfo(ctx, tables, true); err != nil {
			return nil, err
		}
		return tables, nil
	}
	return w.catalogTables(ctx, name, true)
}

// catalogTables reads the tables' descriptions from the catalog, counting rows
// only of the tables it returns, and with check looks whether attached tables'
// files are as they were attached. The catalog says which tables there are
// (made by segscope or not) and segscope's metadata adds key and source; the
// two are matched here rather than joined in SQL, which costs more.
func (w *Workspace) catalogTables(ctx context.Context, name string, check bool) ([]TableInfo, error) {
	q, args := tableCatalogQuery, []any{}
	if name != "" {
		q += ` AND table_name = ?`
		args = append(args, name)
	}
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var tables []TableInfo
	for rows.Next() {
		var t TableInfo
		if err := rows.Scan(&t.Name, &t.Columns, &t.Attached); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list tables: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if len(tables) == 0 {
		return nil, nil
	}
	// Sorted here: DuckDB's ORDER BY costs more than sorting a few names.
	slices.SortFunc(tables, func(a, b TableInfo) int { return strings.Compare(a.Name, b.Name) })
	if err := w.tableMeta(ctx, tables); err != nil {
		return nil, err
	}
	if err := w.countRows(ctx, tables); err != nil {
		return nil, err
	}
	if err := w.attachedInfo(ctx, tables, check); err != nil {
		return nil, err
	}
	return tables, nil
}

// attachedInfo gives the attached tables their recorded row counts, which a
// listing must not pay a scan of every file for, and with check checks their
// files. It reads nothing when none of tables is attached.
func (w *Workspace) attachedInfo(ctx context.Context, tables []TableInfo, check bool) error {
	if !slices.ContainsFunc(tables, func(t TableInfo) bool { return t.Attached }) {
		return nil
	}
	att, err := w.attachments(ctx)
	if err != nil {
		return err
	}
	for i := range tables {
		t := &tables[i]
		files, ok := att[t.Name]
		if !t.Attached || !ok {
			continue
		}
		t.Rows = 0
		for _, f := range files {
			t.Rows += f.rows
		}
		if !check {
			continue
		}
		if err := w.checkAttached(ctx, t.Name); err != nil {
			t.Problem = err.Error()
		}
	}
	return nil
}

// tableMeta fills in the key and source segscope recorded for each of tables;
// a table made outside segscope keeps neither.
func (w *Workspace) tableMeta(ctx context.Context, tables []TableInfo) error {
	at := make(map[string]int, len(tables))
	for i, t := range tables {
		at[t.Name] = i
	}
	rows, err := w.db.QueryContext(ctx, tableMetaQuery)
	if err != nil {
		return fmt.Errorf("read the tables' keys and sources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, key, source string
		if err := rows.Scan(&name, &key, &source); err != nil {
			return fmt.Errorf("read the tables' keys and sources: %w", err)
		}
		if i, ok := at[name]; ok {
			tables[i].Key, tables[i].Source = key, source
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the tables' keys and sources: %w", err)
	}
	return nil
}

// countRows fills in the tables' exact row counts with one statement, not one
// per table: each statement has a fixed cost that a short listing feels.
func (w *Workspace) countRows(ctx context.Context, tables []TableInfo) error {
	if len(tables) == 0 {
		return nil
	}
	var parts []string
	for i, t := range tables {
		if !t.Attached { // an attached table's count is recorded (attachedInfo)
			parts = append(parts, fmt.Sprintf(`SELECT %d, count(*) FROM main.%s`, i, QuoteIdent(t.Name)))
		}
	}
	if len(parts) == 0 {
		return nil
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
	// Every reading of a table asks for its columns first, so this is where an
	// attached table whose files changed stops being read.
	if err := w.checkAttached(ctx, table); err != nil {
		return nil, fmt.Errorf("table %q: %w", table, err)
	}
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
