package query

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrReadOnly is wrapped by every refusal of user SQL.
var ErrReadOnly = errors.New("the SQL console is read-only")

// ErrCancelled is wrapped when a person's query stops because its context was
// cancelled (Esc in the console, Ctrl-C in the CLI).
var ErrCancelled = errors.New("query cancelled")

// allowedTableFunctions reach nothing outside the workspace. Everything else that
// appears in FROM as a function (read_csv, read_text, glob, query, ...) is refused.
var allowedTableFunctions = map[string]bool{
	"range": true, "generate_series": true, "unnest": true,
	"duckdb_tables": true, "duckdb_columns": true, "duckdb_views": true, "duckdb_schemas": true,
	"duckdb_types": true, "duckdb_functions": true, "duckdb_keywords": true, "pragma_table_info": true,
	"summary": true,
}

// Query runs one read-only SELECT written by a person and returns at most limit
// rows (all of them when limit <= 0).
//
// Two independent layers keep it read-only and away from files:
//
//  1. For a workspace kept in a file, the statement runs on a private DuckDB
//     instance made for this one query: it attaches the workspace file READ_ONLY,
//     then switches off DuckDB's local file system and locks its configuration
//     before any of the person's text reaches it. DuckDB there has no way to open
//     a path (read_csv, replacement scans, COPY, ATTACH all fail), cannot write the
//     workspace, and has its own memory limit. Closing it frees everything the
//     query used.
//  2. Before it runs, the statement must parse as a single SELECT, every table
//     function in it must be on a short allow-list, no string literal may stand as
//     a table, and every table it names must be a workspace table, view or a CTE
//     visible at that point (resolved by scope as DuckDB does).
//
// An in-memory workspace has no file to share, so its queries run on the
// workspace's own database behind layer 2 alone.
//
// The result is streamed: DuckDB is asked for limit+1 rows, so a query over
// billions of rows stops there instead of being materialised.
func (w *Workspace) Query(ctx context.Context, text string, limit int) (*Result, error) {
	res, err := w.userQuery(ctx, text, limit)
	if err != nil {
		return nil, userError(ctx, err)
	}
	res.PII = w.ResultPII(ctx, text, res) // see derived.go
	return res, nil
}

func (w *Workspace) userQuery(ctx context.Context, text string, limit int) (*Result, error) {
	file, err := w.databaseFile(ctx)
	if err != nil {
		return nil, err
	}
	if file == "" {
		conn, err := w.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		return runUserSQL(ctx, conn, text, limit)
	}
	// Attached tables are views over files that the private instance must read:
	// it may open exactly those (the files of tables that changed since they were
	// attached are left out, so their views fail rather than read something new).
	allowed, changed, err := w.attachedPaths(ctx)
	if err != nil {
		return nil, err
	}
	w.checkpointLongLog(ctx, file)
	// The private instance reads the file as of the last checkpoint plus the
	// write-ahead log. A checkpoint by this process while the query runs may
	// reuse blocks it is reading, so a query that saw one is run again on a
	// fresh view rather than trusted.
	for attempt := 0; ; attempt++ {
		before, err := checkpointIteration(file)
		if err != nil {
			return nil, err
		}
		res, err := w.queryLockedInstance(ctx, file, allowed, text, limit)
		if err != nil && len(changed) > 0 && ctx.Err() == nil {
			// Most likely the query read a table whose files are shut out:
			// say which, in words a refusal may carry as they are.
			msgs := make([]string, len(changed))
			for i, c := range changed {
				msgs[i] = c.Error()
			}
			err = &refusal{msg: "query refused: it may read an attached table whose files changed: " + strings.Join(msgs, "; ")}
		}
		after, iterErr := checkpointIteration(file)
		if iterErr != nil {
			return nil, iterErr
		}
		if before == after {
			return res, err
		}
		if attempt == 1 {
			return nil, errors.New("the workspace was saved twice while the query ran; run it again")
		}
	}
}

// walReplayBudget is the write-ahead log size above which a query first asks
// the workspace to checkpoint: the private instance replays the whole log when
// it attaches (about 150 ms for the sample's import), for every query.
const walReplayBudget = 256 << 10

// checkpointLongLog folds a long write-ahead log into the workspace file, as
// DuckDB itself would at 16 MB. It is best effort: a checkpoint that cannot
// run now (another transaction writing) only leaves queries slower.
func (w *Workspace) checkpointLongLog(ctx context.Context, file string) {
	if info, err := os.Stat(file + ".wal"); err == nil && info.Size() > walReplayBudget {
		w.db.ExecContext(ctx, `CHECKPOINT`)
	}
}

// databaseFile is the path of the DuckDB file behind the workspace, or "" when it lives in memory.
func (w *Workspace) databaseFile(ctx context.Context) (string, error) {
	var path sql.NullString
	err := w.db.QueryRowContext(ctx, `SELECT path FROM duckdb_databases() WHERE database_name = current_database()`).Scan(&path)
	if err != nil {
		return "", fmt.Errorf("find the workspace file: %w", err)
	}
	return path.String, nil
}

// queryLockedInstance runs user SQL on a new in-memory DuckDB instance that can
// see the workspace file, the attached files allowed, and nothing else on disk.
func (w *Workspace) queryLockedInstance(ctx context.Context, file string, allowed []string, text string, limit int) (*Result, error) {
	conn, closeAll, err := w.openLockedInstance(ctx, file, allowed)
	if err != nil {
		return nil, err
	}
	defer closeAll()
	return runUserSQL(ctx, conn, text, limit)
}

// openLockedInstance starts the private instance for one query; closing it
// frees all the memory the query used. With no attached files, DuckDB's local
// file system is switched off entirely. With some, it stays on but external
// access is off and allowed_paths names exactly those files: DuckDB then opens
// no other path (checked in usersql_hostile_test.go). It would let a COPY or
// ATTACH write those files, which is why the parse-tree and statement-type
// checks that let only a SELECT run matter the more there.
func (w *Workspace) openLockedInstance(ctx context.Context, file string, allowed []string) (*sql.Conn, func(), error) {
	var catalog string
	if err := w.db.QueryRowContext(ctx, `SELECT current_database()`).Scan(&catalog); err != nil {
		return nil, nil, fmt.Errorf("find the workspace name: %w", err)
	}
	switch strings.ToLower(catalog) {
	case "memory", "system", "temp":
		// Names the private instance already uses for itself.
		catalog = "workspace"
	}
	memory, err := QueryMemoryLimit()
	if err != nil {
		return nil, nil, err
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("start the query database: %w", err)
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("start the query database: %w", err)
	}
	closeAll := func() {
		conn.Close()
		db.Close()
	}
	setup := []string{
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET allow_community_extensions = false",
		fmt.Sprintf("SET memory_limit = '%dB'", memory),
		// No spilling: a query that outgrows its memory fails instead of
		// writing the person's data to a temporary directory.
		"SET temp_directory = ''",
		"ATTACH " + QuoteString(file) + " AS " + QuoteIdent(catalog) + " (READ_ONLY)",
		"USE " + QuoteIdent(catalog),
		// Order matters: the workspace file is open, now every other path is
		// closed. Neither setting can be turned back on, and the lock stops SET.
		"SET enable_external_access = false",
		"SET disabled_filesystems = 'LocalFileSystem'",
		"SET lock_configuration = true",
	}
	if len(allowed) > 0 {
		quoted := make([]string, len(allowed))
		for i, p := range allowed {
			quoted[i] = QuoteString(p)
		}
		at := slices.Index(setup, "SET enable_external_access = false")
		setup = slices.Concat(setup[:at], []string{"SET allowed_paths = [" + strings.Join(quoted, ", ") + "]",
			"SET enable_external_access = false", "SET lock_configuration = true"})
	}
	for _, stmt := range setup {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("start the query database: %w", err)
		}
	}
	return conn, closeAll, nil
}

// runUserSQL checks text and runs it on conn, reading at most limit rows.
func runUserSQL(ctx context.Context, conn *sql.Conn, text string, limit int) (*Result, error) {
	if err := checkReadOnly(ctx, conn, text); err != nil {
		return nil, err
	}
	run := text
	if limit > 0 {
		// DuckDB's Go driver materialises a whole result before the first row
		// is read, so the limit has to be inside the statement. The wrapped
		// text is what runs, so it is checked as well.
		run = fmt.Sprintf("SELECT * FROM (\n%s\n) LIMIT %d", trimStatementEnd(text), limit+1)
		if err := checkReadOnly(ctx, conn, run); err != nil {
			return nil, err
		}
	}
	rows, err := conn.QueryContext(ctx, run)
	if err != nil {
		return nil, err
	}
	return scanResult(rows, limit)
}

// refusal is an error written by the checks here: plain words, safe to show as they are.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }
func (r *refusal) Unwrap() error { return ErrReadOnly }

func refuse(format string, args ...any) error {
	return &refusal{msg: "query refused: " + fmt.Sprintf(format, args...)}
}

func checkReadOnly(ctx context.Context, conn *sql.Conn, text string) error {
	var serialized string
	if err := conn.QueryRowContext(ctx, `SELECT json_serialize_sql(?::VARCHAR)::VARCHAR`, text).Scan(&serialized); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(serialized))
	dec.UseNumber()
	var tree struct {
		Error        bool              `json:"error"`
		ErrorMessage string            `json:"error_message"`
		Statements   []json.RawMessage `json:"statements"`
	}
	if err := dec.Decode(&tree); err != nil {
		return fmt.Errorf("read parse tree: %w", err)
	}
	switch {
	case tree.Error && strings.Contains(tree.ErrorMessage, "Only SELECT"):
		return refuse("%v; only SELECT queries can run here", ErrReadOnly)
	case tree.Error:
		return errors.New(tree.ErrorMessage)
	case len(tree.Statements) != 1:
		return refuse("%v; run one statement at a time", ErrReadOnly)
	}
	var node any
	dec = json.NewDecoder(bytes.NewReader(tree.Statements[0]))
	dec.UseNumber()
	if err := dec.Decode(&node); err != nil {
		return fmt.Errorf("read parse tree: %w", err)
	}
	var refs tableRefs
	refs.walk(node, nil)
	for _, fn := range refs.functions {
		if !allowedTableFunctions[strings.ToLower(fn)] {
			if !plainName().MatchString(fn) {
				return refuse("that table function is not available in the console")
			}
			return refuse("the table function %s() is not available in the console", fn)
		}
	}
	if len(refs.tables) > 0 {
		known, err := loadRelations(ctx, conn)
		if err != nil {
			return err
		}
		for _, t := range refs.tables {
			if t.loc >= 0 && t.loc < len(text) && startsStringLiteral(text[t.loc:]) {
				return refuse("a quoted string in FROM is read as a file path, and the console does not read files")
			}
			if t.cte || known.has(t.relation) {
				continue
			}
			return refuse("%s is not a table in this workspace (the console does not read files)", nameForMessage(t.relation.String()))
		}
	}
	return checkStatementType(conn, text)
}

// plainName is a name that can be echoed back. Anything else, even a.b, may be
// a file's name, which a refusal never repeats.
var plainName = lazyRegexp(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

func nameForMessage(name string) string {
	if plainName().MatchString(name) {
		return strconv.Quote(name)
	}
	return "that name"
}

// startsStringLiteral reports whether SQL text starts with a string constant:
// 'x', E'x' or $$x$$ (DuckDB reads such a "table" as a file).
func startsStringLiteral(s string) bool {
	switch {
	case strings.HasPrefix(s, "'"), strings.HasPrefix(s, "$"):
		return true
	case len(s) > 1 && (s[0] == 'e' || s[0] == 'E') && s[1] == '\'':
		return true
	}
	return false
}

// checkStatementType asks DuckDB's own planner for the statement kind, a second
// line of defence beside the parse-tree check.
func checkStatementType(conn *sql.Conn, text string) error {
	return conn.Raw(func(dc any) error {
		prep, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("driver cannot prepare statements")
		}
		stmt, err := prep.PrepareContext(context.Background(), text)
		if err != nil {
			return err
		}
		defer stmt.Close()
		ds, ok := stmt.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("unexpected statement type %T", stmt)
		}
		kind, err := ds.StatementType()
		if err != nil {
			return err
		}
		if kind != duckdb.STATEMENT_TYPE_SELECT {
			return refuse("%v; only SELECT queries can run here", ErrReadOnly)
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

// foldName folds ASCII case only, as DuckDB's binder does: a Unicode look-alike
// that strings.ToLower would merge with a CTE's name stays a different name.
func foldName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// scope is the chain of CTE names visible at a point of the parse tree.
type scope struct {
	names  map[string]bool
	parent *scope
}

func (s *scope) with(names ...string) *scope {
	if len(names) == 0 {
		return s
	}
	inner := &scope{names: map[string]bool{}, parent: s}
	for _, n := range names {
		inner.names[foldName(n)] = true
	}
	return inner
}

func (s *scope) has(name string) bool {
	for ; s != nil; s = s.parent {
		if s.names[foldName(name)] {
			return true
		}
	}
	return false
}

type tableRef struct {
	relation
	cte bool // a CTE of that name is visible where the reference stands
	loc int  // byte offset in the SQL text, -1 when DuckDB gives none
}

type tableRefs struct {
	functions []string
	tables    []tableRef
}

// walk collects table functions and base-table references from a serialized
// parse tree, noting for each reference whether a CTE of that name is in scope.
// Scope follows DuckDB: a query's CTEs are visible in its body and nested
// subqueries; a CTE's own body sees only the CTEs listed before it, and itself
// only in the recursive half of WITH RECURSIVE.
func (r *tableRefs) walk(node any, sc *scope) {
	switch n := node.(type) {
	case []any:
		for _, child := range n {
			r.walk(child, sc)
		}
	case map[string]any:
		body := sc
		if cteMap, ok := n["cte_map"].(map[string]any); ok {
			entries, _ := cteMap["map"].([]any)
			var names []string
			for _, e := range entries {
				entry, _ := e.(map[string]any)
				key, _ := entry["key"].(string)
				r.walk(entry["value"], sc.with(names...))
				names = append(names, key)
			}
			body = sc.with(names...)
		}
		switch n["type"] {
		case "TABLE_FUNCTION":
			if fn, ok := n["function"].(map[string]any); ok {
				name, _ := fn["function_name"].(string)
				r.functions = append(r.functions, name)
			}
		case "BASE_TABLE":
			ref := tableRef{loc: location(n["query_location"])}
			ref.catalog, _ = n["catalog_name"].(string)
			ref.schema, _ = n["schema_name"].(string)
			ref.table, _ = n["table_name"].(string)
			ref.cte = ref.catalog == "" && ref.schema == "" && body.has(ref.table)
			r.tables = append(r.tables, ref)
		case "SHOW_REF":
			// SHOW TABLES and SHOW DATABASES list the catalog; any other name
			// given to SHOW is a table reference like one in FROM.
			name, _ := n["table_name"].(string)
			switch name {
			case "", `"tables"`, `"databases"`, "__show_tables_expanded":
			default:
				r.tables = append(r.tables, tableRef{relation: relation{table: name}, loc: -1})
			}
		case "RECURSIVE_CTE_NODE":
			self, _ := n["cte_name"].(string)
			for k, child := range n {
				if k == "cte_map" {
					continue
				}
				if k == "right" {
					r.walk(child, body.with(self))
				} else {
					r.walk(child, body)
				}
			}
			return
		}
		for k, child := range n {
			if k != "cte_map" {
				r.walk(child, body)
			}
		}
	}
}

func location(v any) int {
	num, ok := v.(json.Number)
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return int(n)
}

// relations is what a name in FROM can resolve to without DuckDB falling back
// to reading a file.
type relations struct {
	current string
	all     map[relation]bool
}

func loadRelations(ctx context.Context, conn *sql.Conn) (*relations, error) {
	rows, err := conn.QueryContext(ctx, `
		SELECT database_name, schema_name, table_name FROM duckdb_tables()
		UNION ALL SELECT database_name, schema_name, view_name FROM duckdb_views()
		UNION ALL SELECT current_database(), '', ''`)
	if err != nil {
		return nil, fmt.Errorf("list workspace tables: %w", err)
	}
	defer rows.Close()
	known := &relations{all: map[relation]bool{}}
	for rows.Next() {
		var r relation
		if err := rows.Scan(&r.catalog, &r.schema, &r.table); err != nil {
			return nil, fmt.Errorf("list workspace tables: %w", err)
		}
		if r.table == "" {
			known.current = foldName(r.catalog)
			continue
		}
		known.all[relation{foldName(r.catalog), foldName(r.schema), foldName(r.table)}] = true
	}
	return known, rows.Err()
}

// has resolves a reference along DuckDB's search path (temp, the current
// database, system; schemas main and pg_catalog), refusing whatever DuckDB
// would not find there: such a name would be handed to a replacement scan.
func (k *relations) has(r relation) bool {
	c, s, t := foldName(r.catalog), foldName(r.schema), foldName(r.table)
	try := func(c, s string) bool { return k.all[relation{c, s, t}] }
	switch {
	case c != "":
		return try(c, s)
	case s != "":
		// a.b is schema a of a default database, or database a's main schema.
		for _, db := range []string{"temp", k.current, "system"} {
			if try(db, s) {
				return true
			}
		}
		return try(s, "main")
	}
	return try("temp", "main") || try(k.current, "main") || try("system", "main") || try("system", "pg_catalog")
}

// trimStatementEnd drops trailing semicolons, blanks and comments so the
// statement can be put inside parentheses. Quotes and comments are followed
// so a ';' inside a string stays. Getting this wrong can only make the wrapped
// text fail to parse: it is checked again before it runs.
func trimStatementEnd(text string) string {
	end := 0
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(text) {
				if text[j] == c {
					if j+1 < len(text) && text[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			i = min(j+1, len(text))
			end = i
		case c == '$' && strings.HasPrefix(text[i:], "$$"):
			close := strings.Index(text[i+2:], "$$")
			if close < 0 {
				return text
			}
			i += close + 4
			end = i
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			nl := strings.IndexByte(text[i:], '\n')
			if nl < 0 {
				i = len(text)
			} else {
				i += nl + 1
			}
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			close := strings.Index(text[i+2:], "*/")
			if close < 0 {
				return text
			}
			i += close + 4
		case c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			i++
			end = i
		}
	}
	return text[:end]
}

// checkpointIteration reads the checkpoint counter from a DuckDB file's headers
// (two database headers after the main one, each starting with a checksum and
// the iteration). It changes exactly when the file is checkpointed.
func checkpointIteration(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("read the workspace header: %w", err)
	}
	defer f.Close()
	var head [3 * 4096]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return 0, fmt.Errorf("read the workspace header: %w", err)
	}
	if string(head[8:12]) != "DUCK" {
		return 0, errors.New("read the workspace header: not a DuckDB file")
	}
	return max(binary.LittleEndian.Uint64(head[4096+8:]), binary.LittleEndian.Uint64(head[8192+8:])), nil
}

// userError turns whatever stopped a person's query into plain words that never
// carry a file's name or contents: DuckDB's messages are cut to their first
// line, quoted values are dropped, and anything about files becomes one sentence.
func userError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ErrCancelled, ctx.Err())
	}
	var r *refusal
	if errors.As(err, &r) {
		return err
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	var de *duckdb.Error
	if errors.As(err, &de) && (de.Type == duckdb.ErrorTypePermission || de.Type == duckdb.ErrorTypeIO) ||
		strings.Contains(strings.ToLower(msg), "file") {
		return refuse("%v; the console cannot read or write files", ErrReadOnly)
	}
	msg = quotedValue().ReplaceAllString(msg, "'…'")
	if de != nil && de.Type == duckdb.ErrorTypeOutOfMemory {
		msg += " (raise --memory-limit or SEGSCOPE_MEMORY_LIMIT to give queries more)"
	}
	return fmt.Errorf("query: %s", msg)
}

var quotedValue = lazyRegexp(`'(?:[^']|'')*'`)
