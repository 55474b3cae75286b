package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrReadOnly is wrapped by every refusal of user SQL.
var ErrReadOnly = errors.New("the SQL console is read-only")

// allowedTableFunctions reach nothing outside the workspace. Everything else that
// appears in FROM as a function (read_csv, read_text, glob, query, ...) is refused.
var allowedTableFunctions = map[string]bool{
	"range": true, "generate_series": true, "unnest": true,
	"duckdb_tables": true, "duckdb_columns": true, "duckdb_views": true, "duckdb_schemas": true,
	"duckdb_types": true, "duckdb_functions": true, "duckdb_keywords": true, "pragma_table_info": true,
	"summary": true,
}

// Query runs one read-only SELECT written by a person and returns at most limit rows.
//
// DuckDB's external access cannot be switched off for user SQL alone (segscope itself
// must still read files to import them), so the statement is checked before it runs:
// it must parse as a single SELECT; every function in FROM must be on a short
// allow-list; and every table it names must be a table or view of the workspace or
// one of its own CTEs, because DuckDB reads a file for an unknown name ('/etc/passwd').
// Extension autoloading and configuration changes are already off for the whole
// database (see lockdown).
func (w *Workspace) Query(ctx context.Context, text string, limit int) (*Result, error) {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := checkReadOnly(ctx, conn, text); err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, text)
	if err != nil {
		return nil, fmt.Errorf("query: %w", readError(err))
	}
	res, err := scanResult(rows, limit)
	if err != nil {
		return nil, fmt.Errorf("query: %w", readError(err))
	}
	return res, nil
}

func checkReadOnly(ctx context.Context, conn *sql.Conn, text string) error {
	var serialized string
	if err := conn.QueryRowContext(ctx, `SELECT json_serialize_sql(?::VARCHAR)::VARCHAR`, text).Scan(&serialized); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	var tree struct {
		Error        bool              `json:"error"`
		ErrorMessage string            `json:"error_message"`
		Statements   []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(serialized), &tree); err != nil {
		return fmt.Errorf("query: read parse tree: %w", err)
	}
	switch {
	case tree.Error && strings.Contains(tree.ErrorMessage, "Only SELECT"):
		return fmt.Errorf("query refused: %w; only SELECT queries can run here", ErrReadOnly)
	case tree.Error:
		return fmt.Errorf("query: %s", tree.ErrorMessage)
	case len(tree.Statements) != 1:
		return fmt.Errorf("query refused: %w; run one statement at a time", ErrReadOnly)
	}
	var node any
	if err := json.Unmarshal(tree.Statements[0], &node); err != nil {
		return fmt.Errorf("query: read parse tree: %w", err)
	}
	refs := tableRefs{ctes: map[string]bool{}}
	refs.walk(node)
	for _, fn := range refs.functions {
		if !allowedTableFunctions[strings.ToLower(fn)] {
			return fmt.Errorf("query refused: %w; the table function %s() is not available in the console", ErrReadOnly, fn)
		}
	}
	for _, t := range refs.tables {
		ok, err := knownRelation(ctx, conn, t, refs.ctes)
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		if !ok {
			return fmt.Errorf("query refused: %q is not a table in this workspace (the console does not read files)", t.String())
		}
	}
	return checkStatementType(conn, text)
}

// checkStatementType asks DuckDB's own planner for the statement kind, a second
// line of defence beside the parse-tree check.
func checkStatementType(conn *sql.Conn, text string) error {
	return conn.Raw(func(dc any) error {
		prep, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("query: driver cannot prepare statements")
		}
		stmt, err := prep.PrepareContext(context.Background(), text)
		if err != nil {
			return fmt.Errorf("query: %w", readError(err))
		}
		defer stmt.Close()
		ds, ok := stmt.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("query: unexpected statement type %T", stmt)
		}
		kind, err := ds.StatementType()
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		if kind != duckdb.STATEMENT_TYPE_SELECT {
			return fmt.Errorf("query refused: %w; only SELECT queries can run here", ErrReadOnly)
		}
		return nil
	})
}

type relation struct{ catalog, schema, table string }

func (r relation) String() string {
	parts := []string{}
	for _, p := range []string{r.catalog, r.schema, r.table} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

type tableRefs struct {
	functions []string
	tables    []relation
	ctes      map[string]bool
}

// walk collects table functions, base tables and CTE names from a serialized parse tree.
func (r *tableRefs) walk(node any) {
	switch n := node.(type) {
	case []any:
		for _, child := range n {
			r.walk(child)
		}
	case map[string]any:
		switch n["type"] {
		case "TABLE_FUNCTION":
			if fn, ok := n["function"].(map[string]any); ok {
				name, _ := fn["function_name"].(string)
				r.functions = append(r.functions, name)
			}
		case "BASE_TABLE":
			rel := relation{}
			rel.catalog, _ = n["catalog_name"].(string)
			rel.schema, _ = n["schema_name"].(string)
			rel.table, _ = n["table_name"].(string)
			r.tables = append(r.tables, rel)
		}
		if cteMap, ok := n["cte_map"].(map[string]any); ok {
			if entries, ok := cteMap["map"].([]any); ok {
				for _, e := range entries {
					if entry, ok := e.(map[string]any); ok {
						if key, ok := entry["key"].(string); ok {
							r.ctes[strings.ToLower(key)] = true
						}
					}
				}
			}
		}
		for _, child := range n {
			r.walk(child)
		}
	}
}

func knownRelation(ctx context.Context, conn *sql.Conn, r relation, ctes map[string]bool) (bool, error) {
	if r.catalog == "" && r.schema == "" && ctes[strings.ToLower(r.table)] {
		return true, nil
	}
	var n int
	err := conn.QueryRowContext(ctx, `
		SELECT count(*) FROM (
			SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT temporary
			UNION ALL SELECT database_name, schema_name, view_name FROM duckdb_views())
		WHERE lower(table_name) = lower(?)
		  AND (? = '' AND schema_name IN ('main', 'information_schema', 'pg_catalog') OR lower(schema_name) = lower(?))
		  AND (? = '' OR lower(database_name) = lower(?))`,
		r.table, r.schema, r.schema, r.catalog, r.catalog).Scan(&n)
	return n > 0, err
}
