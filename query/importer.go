package query

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ImportOptions adjusts an import. Zero values take the defaults.
type ImportOptions struct {
	// Table names the table; by default it is derived from the file name.
	Table string
	// Key overrides key-column detection.
	Key string
	// Label is recorded instead of the path (the embedded sample data has no real path).
	Label string
}

// ImportResult says what an import did.
type ImportResult struct {
	Table    string   `json:"table"`
	Path     string   `json:"path"`
	Format   Format   `json:"format"`
	Rows     int64    `json:"rows"`
	Rejected int64    `json:"rejected"`
	Columns  int      `json:"columns"`
	Key      string   `json:"key_column"`
	SHA256   string   `json:"sha256"`
	Replaced bool     `json:"replaced"`
	Notes    []string `json:"notes,omitempty"`
}

// Import reads path into a table, replacing any table of the same name in one
// transaction with its import record and audit entry: on any error the workspace
// is as it was. The source file is only read.
func (w *Workspace) Import(ctx context.Context, path string, opts ImportOptions) (ImportResult, error) {
	res, err := w.importFile(ctx, path, opts)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %s: %w", path, err)
	}
	return res, nil
}

func (w *Workspace) importFile(ctx context.Context, path string, opts ImportOptions) (ImportResult, error) {
	table := opts.Table
	if table == "" {
		table = TableNameFromPath(path)
	}
	if err := ValidTableName(table); err != nil {
		return ImportResult{}, err
	}
	src, err := inspect(path)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Table: table, Path: path, Format: src.format}
	if opts.Label != "" {
		res.Path = opts.Label
	}
	if src.extensionW != "" {
		res.Notes = append(res.Notes, src.extensionW)
	}
	if src.latin1 {
		res.Notes = append(res.Notes, "the file is not UTF-8: read as Latin-1")
	}

	// Hashing (and checking a gzip stream) runs beside DuckDB's read of the same file.
	var sum string
	var hashErr error
	hashed := make(chan struct{})
	go func() {
		defer close(hashed)
		sum, hashErr = digest(src)
	}()
	defer func() { <-hashed }()

	// DuckDB treats a path as a glob pattern and some prefixes as URLs; a symlink with
	// a plain name makes the path just a path.
	link, cleanup, err := plainPath(src)
	if err != nil {
		return ImportResult{}, err
	}
	defer cleanup()
	friendly := func(err error) error {
		return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), link, path))
	}

	err = w.WriteTx(ctx, func(tx *sql.Tx) error {
		reader, err := readerSQL(ctx, tx, src, link, &res)
		if err != nil {
			return friendly(err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?`, table).Scan(&res.Replaced); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE main.`+QuoteIdent(table)+` AS SELECT * FROM `+reader); err != nil {
			return friendly(readError(err))
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM main.`+QuoteIdent(table)).Scan(&res.Rows); err != nil {
			return err
		}
		if src.format == FormatCSV {
			if err := countRejects(ctx, tx, &res); err != nil {
				return err
			}
		}
		if res.Rows == 0 {
			if res.Rejected > 0 {
				return fmt.Errorf("none of its %d rows could be read (%s); nothing was imported", res.Rejected, strings.Join(res.Notes, "; "))
			}
			return fmt.Errorf("the file has no data rows; nothing was imported")
		}
		cols, err := tableColumns(ctx, tx, table)
		if err != nil {
			return err
		}
		res.Columns = len(cols)
		if res.Key, err = chooseKey(ctx, tx, table, cols, opts.Key); err != nil {
			return err
		}
		<-hashed
		if hashErr != nil {
			return hashErr
		}
		res.SHA256 = sum
		return w.recordImport(ctx, tx, src, res)
	})
	if err != nil {
		return ImportResult{}, err
	}
	w.generation.Add(1)
	w.columns.Clear()
	return res, nil
}

func plainPath(src *sourceFile) (string, func(), error) {
	abs, err := filepath.Abs(src.path)
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "segscope-import-")
	if err != nil {
		return "", nil, fmt.Errorf("prepare import: %w", err)
	}
	name := "source." + string(src.format)
	if src.gzipped {
		name += ".gz"
	}
	link := filepath.Join(dir, name)
	if err := os.Symlink(abs, link); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("prepare import: %w", err)
	}
	return link, func() { os.RemoveAll(dir) }, nil
}

// Rejected CSV rows go to temporary tables of the import's own connection.
const (
	rejectsTable = "segscope_import_rejects"
	rejectsScan  = "segscope_import_scans"
)

func readerSQL(ctx context.Context, tx *sql.Tx, src *sourceFile, link string, res *ImportResult) (string, error) {
	path := QuoteString(link)
	switch src.format {
	case FormatParquet:
		return "read_parquet(" + path + ")", nil
	case FormatJSON:
		return "read_json(" + path + ", format = 'auto')", nil
	case FormatNDJSON:
		return "read_json(" + path + ", format = 'newline_delimited')", nil
	}
	opts := []string{path}
	if src.latin1 {
		opts = append(opts, "encoding = 'latin-1'")
	}
	// The sniffer collapses a file with ragged rows into one column; when the header
	// line clearly has a delimiter, read with it so bad rows are rejected, not merged.
	var columns int
	var quote string
	sniff := `SELECT len(Columns), Quote FROM sniff_csv(` + strings.Join(opts, ", ") + `)`
	if err := tx.QueryRowContext(ctx, sniff).Scan(&columns, &quote); err != nil {
		return "", readError(err)
	}
	// DuckDB gives up on quoting for the whole file when one quote is unbalanced;
	// say so rather than let quote marks appear in values unexplained.
	if quote == "(empty)" && bytes.ContainsRune(src.head, '"') {
		res.Notes = append(res.Notes, "the file's quoting is inconsistent, so quote characters were kept as part of values")
	}
	if columns == 1 {
		if delim, ok := headerDelimiter(src.head); ok {
			opts = append(opts, "delim = "+QuoteString(delim), "header = true")
			res.Notes = append(res.Notes, fmt.Sprintf("rows do not all have the same number of fields; read with the header's delimiter %q", delim))
		}
	}
	opts = append(opts, "store_rejects = true", "rejects_table = '"+rejectsTable+"'", "rejects_scan = '"+rejectsScan+"'")
	return "read_csv(" + strings.Join(opts, ", ") + ")", nil
}

// headerDelimiter picks the most frequent candidate delimiter of the first line.
func headerDelimiter(head []byte) (string, bool) {
	line := string(head)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	best, bestCount := "", 0
	for _, d := range []string{",", "\t", ";", "|"} {
		if n := strings.Count(line, d); n > bestCount {
			best, bestCount = d, n
		}
	}
	return best, bestCount > 0
}

func countRejects(ctx context.Context, tx *sql.Tx, res *ImportResult) error {
	row := tx.QueryRowContext(ctx, `SELECT count(DISTINCT line), coalesce(min_by(error_type || ' on line ' || line || ': ' || error_message, line), '') FROM `+rejectsTable)
	var first string
	if err := row.Scan(&res.Rejected, &first); err != nil {
		return fmt.Errorf("count rejected rows: %w", err)
	}
	if res.Rejected > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d rows rejected, the first: %s", res.Rejected, strings.ToLower(first[:1])+first[1:]))
	}
	for _, t := range []string{rejectsTable, rejectsScan} {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS temp.`+t); err != nil {
			return err
		}
	}
	return nil
}

// readError turns DuckDB's multi-line reader errors into their first line, which
// says what is wrong; the rest repeats the reader's options.
func readError(err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		rest := msg[i+1:]
		msg = msg[:i]
		for _, line := range strings.Split(rest, "\n") {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "Original Line") && !strings.HasPrefix(line, "Possible Solution") {
				msg += ": " + line
				break
			}
		}
	}
	return fmt.Errorf("%s", msg)
}

func (w *Workspace) recordImport(ctx context.Context, tx *sql.Tx, src *sourceFile, res ImportResult) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM segscope.imports`).Scan(&id); err != nil {
		return err
	}
	now := time.Now().UTC()
	if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, res.Table, res.Path, string(res.Format), src.size, src.modTime.UTC(), res.SHA256, res.Rows, res.Rejected, now, w.actor); err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.tables WHERE table_name = ?`, res.Table); err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.tables VALUES (?, ?, ?)`, res.Table, res.Key, id); err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	_, err := w.AppendAudit(ctx, tx, ActionImport, res.Table, map[string]any{
		"path": res.Path, "format": res.Format, "sha256": res.SHA256, "rows": res.Rows,
		"rejected": res.Rejected, "key_column": res.Key, "replaced": res.Replaced,
	})
	return err
}
