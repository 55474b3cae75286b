package query

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/segscope/segscope/query/counts"
)

// ActionAttach is the audit action for attaching files as a table.
const ActionAttach = "table.attach"

// ErrAttachedChanged is wrapped by errors about an attached table whose files
// are not as they were when they were attached.
var ErrAttachedChanged = errors.New("attached files changed")

// AttachOptions adjusts an attach. Zero values take the defaults.
type AttachOptions struct {
	// Table names the table; by default it is derived from the file name (a
	// glob must be named).
	Table string
	// Key overrides key-column detection. There is no row-position key: a view
	// over files has no stable row numbers to give. A table with no key column
	// is attached without a key (consent or event records need none).
	Key string
	// Glob reads the path as a pattern (*, ?, [...]); without it a path is a path.
	Glob bool
}

const (
	// attachMaxFiles bounds a glob: every query binds every file.
	attachMaxFiles = 10_000
	// attachHashBytes is the largest set fingerprinted by the SHA-256 of each
	// file; a larger one is recorded by sizes and modification times, which cost
	// nothing to check (hashing 10 GB is a minute of disk reads on every attach).
	attachHashBytes = 1 << 30
)

// attachKeyCheckRows is the largest table whose key is judged on every row.
// Above it the key (detected or asked for) is judged on a sample (keySample) of
// attachKeySample rows: counting the distinct values of 100M keys takes a
// hash table of gigabytes, which an attach should not need. Variables so that
// a test can take the sampled path on thousands of rows, not millions.
var (
	attachKeyCheckRows int64 = 10_000_000
	attachKeySample    int64 = 1_000_000
)

// Fingerprints of attached files.
const (
	CheckSHA256 = "sha256"
	CheckMtime  = "mtime"
)

// attachedFile is one file of an attached table as it was when attached.
type attachedFile struct {
	path   string
	size   int64
	mtime  time.Time
	sha256 string // "" when the set is checked by modification times
	rows   int64
}

// Attach registers Parquet or CSV files as a table that stays where it is: a
// view reading exactly these files, recorded with their sizes and hashes (or
// modification times for sets over 1 GB) so that a change is noticed. The view,
// its key, the record and the audit entry commit together.
func (w *Workspace) Attach(ctx context.Context, path string, opts AttachOptions) (ImportResult, error) {
	res, err := w.attach(ctx, path, opts)
	if err != nil {
		if ctx.Err() != nil {
			return ImportResult{}, fmt.Errorf("attach %s: cancelled; the workspace is as it was: %w", path, ctx.Err())
		}
		return ImportResult{}, fmt.Errorf("attach %s: %w", path, err)
	}
	return res, nil
}

func (w *Workspace) attach(ctx context.Context, path string, opts AttachOptions) (ImportResult, error) {
	table := opts.Table
	if table == "" {
		if opts.Glob {
			return ImportResult{}, errors.New("name the table of a glob with --as")
		}
		table = TableNameFromPath(path)
	}
	if err := ValidTableName(table); err != nil {
		return ImportResult{}, err
	}
	if opts.Key == SurrogateKey {
		return ImportResult{}, errNoPositions
	}
	paths, err := attachPaths(path, opts.Glob)
	if err != nil {
		return ImportResult{}, err
	}
	srcs := make([]*sourceFile, len(paths))
	var total int64
	for i, p := range paths {
		src, err := inspect(p)
		if err != nil {
			return ImportResult{}, fmt.Errorf("%s: %w", p, err)
		}
		switch {
		case src.format != FormatParquet && src.format != FormatCSV:
			return ImportResult{}, fmt.Errorf("%s: attach reads Parquet and CSV; import %s files", p, strings.ToUpper(string(src.format)))
		case i > 0 && src.format != srcs[0].format:
			return ImportResult{}, fmt.Errorf("%s is %s but %s is %s: attach files of one format together", p, src.format, paths[0], srcs[0].format)
		}
		srcs[i] = src
		total += src.size
	}
	// The record names the files as given, made absolute: a relative path
	// means nothing to a later command run elsewhere.
	given, err := filepath.Abs(path)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Table: table, Path: given, Format: srcs[0].format, Changes: []ImportChange{}, Attached: true, Files: len(paths), Check: CheckMtime}
	files := make([]attachedFile, len(srcs))
	for i, src := range srcs {
		files[i] = attachedFile{path: src.path, size: src.size, mtime: src.modTime.UTC().Truncate(time.Microsecond)}
	}
	if total <= attachHashBytes {
		res.Check = CheckSHA256
		for i, src := range srcs {
			if files[i].sha256, err = digest(ctx, src, nil); err != nil {
				return ImportResult{}, fmt.Errorf("%s: %w", src.path, err)
			}
		}
	} else {
		res.Notes = append(res.Notes, fmt.Sprintf("the files (%s bytes) are checked by size and modification time, not hashed: a change that keeps both is not noticed", counts.Format(total)))
	}
	res.SHA256 = setDigest(files)

	err = w.WriteTx(ctx, func(tx *sql.Tx) error {
		kind, err := relationKind(ctx, tx, table)
		if err != nil {
			return err
		}
		res.Replaced = kind != ""
		var previousKey string
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(key_column), '') FROM segscope.tables WHERE table_name = ?`, table).Scan(&previousKey); err != nil {
			return err
		}
		reader, err := w.attachReader(ctx, tx, srcs, &res)
		if err != nil {
			return err
		}
		if kind == "table" {
			if _, err := tx.ExecContext(ctx, `DROP TABLE main.`+QuoteIdent(table)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE VIEW main.`+QuoteIdent(table)+` AS SELECT * FROM `+reader); err != nil {
			return fileError(err)
		}
		if err := countAttached(ctx, tx, srcs[0].format, files, reader); err != nil {
			return err
		}
		for _, f := range files {
			res.Rows += f.rows
		}
		if res.Rows == 0 {
			return errors.New("the files have no data rows; nothing was attached")
		}
		cols, err := tableColumns(ctx, tx, table)
		if err != nil {
			return err
		}
		res.Columns = len(cols)
		if err := attachKey(ctx, tx, table, cols, opts.Key, previousKey, files, &res); err != nil {
			return err
		}
		return w.recordAttach(ctx, tx, files, res)
	})
	if err != nil {
		return ImportResult{}, err
	}
	w.TablesChanged()
	return res, nil
}

// attachPaths is the files a path names: itself, or with glob the files its
// pattern matches, in order. Each is made absolute with its symbolic links
// resolved, so that the view reads what was checked.
func attachPaths(path string, glob bool) ([]string, error) {
	matches := []string{path}
	if glob {
		var err error
		if matches, err = filepath.Glob(path); err != nil {
			return nil, fmt.Errorf("the pattern is malformed: %w", err)
		}
		if len(matches) == 0 {
			return nil, errors.New("no files match the pattern")
		}
		if len(matches) > attachMaxFiles {
			return nil, fmt.Errorf("%s match the pattern; attach at most %s at once", counts.Of(int64(len(matches)), "file", "files"), counts.Format(attachMaxFiles))
		}
	} else if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && strings.ContainsAny(path, "*?[") {
		return nil, errors.New("no such file (to read the path as a pattern, pass --glob)")
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range matches {
		abs, err := filepath.Abs(m)
		if err != nil {
			return nil, err
		}
		real, err := filepath.EvalSymlinks(abs)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("%s: no such file", m)
		case err != nil:
			return nil, fmt.Errorf("%s: %w", m, err)
		}
		// The view keeps the path in read_csv or read_parquet, which read any
		// path as a pattern: one holding *, ? or [ could read other files. An
		// import reads through a plain-named link and has no such trouble.
		if strings.ContainsAny(real, "*?[") {
			return nil, fmt.Errorf("%s: its path holds *, ? or [, which DuckDB would read as a pattern; rename it, or import it instead", m)
		}
		if info, err := os.Stat(real); err == nil && info.IsDir() {
			return nil, fmt.Errorf("%s is a directory, not a file (to attach the files in it, pass a pattern such as %s with --glob)", m, filepath.Join(m, "*.parquet"))
		}
		if !seen[real] {
			seen[real] = true
			out = append(out, real)
		}
	}
	slices.Sort(out)
	return out, nil
}

// relationKind says whether name is a "table", a "view" or nothing ("") in the
// workspace's main schema.
func relationKind(ctx context.Context, q querier, name string) (string, error) {
	var kind string
	err := q.QueryRowContext(ctx, `SELECT coalesce(max(kind), '') FROM (
		SELECT 'table' AS kind FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1 AND NOT temporary
		UNION ALL SELECT 'view' FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND view_name = $1 AND NOT temporary AND NOT internal)`, name).Scan(&kind)
	if err != nil {
		return "", fmt.Errorf("look for %s: %w", name, err)
	}
	return kind, nil
}

// dropAttached removes the view of an attached table that an import replaces
// (CREATE OR REPLACE TABLE does not replace a view).
func dropAttached(ctx context.Context, tx *sql.Tx, table string) error {
	kind, err := relationKind(ctx, tx, table)
	if err != nil || kind != "view" {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DROP VIEW main.`+QuoteIdent(table)); err != nil {
		return fmt.Errorf("replace the attached %s: %w", table, err)
	}
	return nil
}

// attachReader is the table function the view reads its files with. Parquet
// files must agree on their columns (read_parquet fails mid-query otherwise);
// CSV files are read the way an import reads the first of them.
func (w *Workspace) attachReader(ctx context.Context, tx *sql.Tx, srcs []*sourceFile, res *ImportResult) (string, error) {
	quoted := make([]string, len(srcs))
	for i, s := range srcs {
		quoted[i] = QuoteString(s.path)
	}
	list := "[" + strings.Join(quoted, ", ") + "]"
	if srcs[0].format == FormatParquet {
		if len(srcs) > 1 {
			if err := sameParquetColumns(ctx, tx, list); err != nil {
				return "", err
			}
		}
		return "read_parquet(" + list + ")", nil
	}
	plan, err := planCSV(ctx, tx, srcs[0], srcs[0].path, res)
	if err != nil {
		return "", err
	}
	args := plan.arguments()
	args[0] = list
	res.Notes = append(res.Notes, "values are read as the first file's columns were sniffed: unlike an import, text columns of numbers or dates are not converted, and a row that does not fit stops the query that reads it")
	return "read_csv(" + strings.Join(args, ", ") + ")", nil
}

// sameParquetColumns refuses Parquet files whose columns differ from the first file's.
func sameParquetColumns(ctx context.Context, tx *sql.Tx, list string) error {
	rows, err := tx.QueryContext(ctx, `SELECT file_name, string_agg(name || ' ' || coalesce(type, '') || ' ' || coalesce(logical_type::VARCHAR, ''), ', ' ORDER BY name)
		FROM parquet_schema(`+list+`) WHERE num_children IS NULL OR num_children = 0 GROUP BY file_name ORDER BY file_name`)
	if err != nil {
		return fileError(err)
	}
	defer rows.Close()
	var firstFile, firstCols string
	for rows.Next() {
		var file, cols string
		if err := rows.Scan(&file, &cols); err != nil {
			return err
		}
		if firstFile == "" {
			firstFile, firstCols = file, cols
		} else if cols != firstCols {
			return fmt.Errorf("%s and %s have different columns or types: attach files of one layout together", filepath.Base(firstFile), filepath.Base(file))
		}
	}
	return rows.Err()
}

// countAttached records each file's rows: from the Parquet footers, or for CSV
// by reading the files once (which also shows a line that does not fit now
// rather than in the middle of a later query).
func countAttached(ctx context.Context, tx *sql.Tx, format Format, files []attachedFile, reader string) error {
	at := make(map[string]int, len(files))
	quoted := make([]string, len(files))
	for i, f := range files {
		at[f.path] = i
		quoted[i] = QuoteString(f.path)
	}
	q := `SELECT file_name, num_rows FROM parquet_file_metadata([` + strings.Join(quoted, ", ") + `])`
	if format == FormatCSV {
		q = `SELECT filename, count(*) FROM ` + strings.TrimSuffix(reader, ")") + `, filename = true) GROUP BY 1`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return fileError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return fileError(err)
		}
		if i, ok := at[name]; ok {
			files[i].rows = n
		}
	}
	if err := rows.Err(); err != nil {
		return fileError(err)
	}
	return nil
}

var errNoPositions = fmt.Errorf("an attached table can't have the %s key: its rows have no fixed positions; name a key column, or import the files", SurrogateKey)

// AttachedRows is an attached table's row count as recorded when it was
// attached (no scan); attached is false for any other table.
func (w *Workspace) AttachedRows(ctx context.Context, table string) (rows int64, attached bool, err error) {
	att, err := w.attachments(ctx)
	if err != nil {
		return 0, false, err
	}
	files, attached := att[table]
	for _, f := range files {
		rows += f.rows
	}
	return rows, attached, nil
}

// judgeSample judges every column of a big attached table as its key on a
// sample, on a connection of its own for the sample's temporary table.
func (w *Workspace) judgeSample(ctx context.Context, table string, cols []Column) ([]keyVerdict, error) {
	att, err := w.attachments(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := keySample(ctx, conn, table, att[table]); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.`+attachSample)
	return judgeKeys(ctx, conn, attachSample, cols, true)
}

// attachSample is the temporary table a big attached table's key is judged on.
const attachSample = "segscope_attach_sample"

// keySample writes attachSample: about attachKeySample rows of a big attached
// table, and says which. Of Parquet, the first rows of each file (of up to 100
// files spread over the set): that reads a row group or two of each, where a
// random sample scans every column of every file (minutes at 100M rows), and
// a column that restarts in each file, the usual way a set of parts is not
// keyed, repeats at once. CSV has no row groups to skip: a random sample, as
// reading it costs the same.
func keySample(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, table string, files []attachedFile) (string, error) {
	from := fmt.Sprintf(`SELECT * FROM main.%s USING SAMPLE %d ROWS (reservoir, 42)`, QuoteIdent(table), attachKeySample)
	var total int64
	for _, f := range files {
		total += f.rows
	}
	what := fmt.Sprintf("a random sample of %s of the %s rows", counts.Format(attachKeySample), counts.Format(total))
	if len(files) > 0 && isParquet(files[0].path) {
		pick := files
		if len(pick) > 100 {
			pick = make([]attachedFile, 100)
			for i := range pick {
				pick[i] = files[i*len(files)/100]
			}
		}
		per := attachKeySample / int64(len(pick))
		parts := make([]string, len(pick))
		for i, f := range pick {
			parts[i] = fmt.Sprintf(`(SELECT * FROM read_parquet(%s) LIMIT %d)`, QuoteString(f.path), per)
		}
		from = strings.Join(parts, " UNION ALL ")
		what = fmt.Sprintf("the first %s rows of %s (of the %s rows)", counts.Format(per), counts.Of(int64(len(pick)), "file", "files"), counts.Format(total))
		if len(pick) < len(files) {
			what = fmt.Sprintf("the first %s rows of %d of its %s files (of the %s rows)", counts.Format(per), len(pick), counts.Format(int64(len(files))), counts.Format(total))
		}
	}
	if _, err := q.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+attachSample+` AS `+from); err != nil {
		return "", fmt.Errorf("sample %s for its key: %w", table, fileError(err))
	}
	return what, nil
}

// isParquet reads a file's signature.
func isParquet(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(parquetMagic))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == string(parquetMagic)
}

// attachKey chooses the key as an import does, but never adds a row-position
// key, and judges a table of more than attachKeyCheckRows rows on a sample of
// its rows (keySample).
func attachKey(ctx context.Context, tx *sql.Tx, table string, cols []Column, override, previous string, files []attachedFile, res *ImportResult) error {
	if override == SurrogateKey {
		return errNoPositions
	}
	judged, sampled := table, ""
	if res.Rows > attachKeyCheckRows {
		var err error
		if sampled, err = keySample(ctx, tx, table, files); err != nil {
			return err
		}
		defer tx.ExecContext(ctx, `DROP TABLE IF EXISTS temp.`+attachSample)
		judged = attachSample
	}
	if previous == SurrogateKey {
		previous = ""
	}
	choice, notes, err := chooseKey(ctx, tx, judged, cols, override, previous)
	if err != nil {
		if sampled != "" {
			return fmt.Errorf("%w (judged on %s)", err, sampled)
		}
		return err
	}
	res.Notes = append(res.Notes, notes...)
	if choice.surrogate {
		// Consent and event records have no key of their own, and need none:
		// they name the people of another table.
		res.KeyReason = "none: no column is a unique, never-empty identifier, so the table can hold consent or event records but not segments (name a key with --key, or import the files, which can number the rows)"
	} else {
		res.Key, res.KeyReason = choice.column, choice.reason
	}
	if sampled != "" {
		res.KeyReason += "; judged on " + sampled + ", the rest not checked"
	}
	return nil
}

func (w *Workspace) recordAttach(ctx context.Context, tx *sql.Tx, files []attachedFile, res ImportResult) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM segscope.imports`).Scan(&id); err != nil {
		return err
	}
	var size int64
	var newest time.Time
	for _, f := range files {
		size += f.size
		if f.mtime.After(newest) {
			newest = f.mtime
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, res.Table, res.Path, string(res.Format), size, newest, res.SHA256, res.Rows, 0, time.Now().UTC(), w.Actor()); err != nil {
		return fmt.Errorf("record attach: %w", err)
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.attached_files VALUES (?, ?, ?, ?, ?, ?)`,
			id, f.path, f.size, f.mtime, nullIfEmpty(f.sha256), f.rows); err != nil {
			return fmt.Errorf("record attach: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.tables WHERE table_name = ?`, res.Table); err != nil {
		return fmt.Errorf("record attach: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.tables VALUES (?, ?, ?)`, res.Table, res.Key, id); err != nil {
		return fmt.Errorf("record attach: %w", err)
	}
	_, err := w.AppendAudit(ctx, tx, ActionAttach, res.Table, map[string]any{
		"path": res.Path, "format": res.Format, "files": len(files), "bytes": size, "check": res.Check,
		"sha256": res.SHA256, "rows": res.Rows, "key_column": res.Key, "replaced": res.Replaced,
	})
	return err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// setDigest is one fingerprint of a set of files: the SHA-256 of each file's
// path and hash, or of paths, sizes and modification times when not hashed.
func setDigest(files []attachedFile) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00%d\n", f.path, f.size, f.sha256, f.mtime.UnixMicro())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// attachments are the attached tables' files as recorded, by table, read once
// per generation of the workspace's tables.
func (w *Workspace) attachments(ctx context.Context) (map[string][]attachedFile, error) {
	v, err := w.Memo("query.attachments", func() (any, error) {
		rows, err := w.db.QueryContext(ctx, `SELECT m.table_name, f.path, f.size, f.mtime, coalesce(f.sha256, ''), f.rows
			FROM segscope.tables m JOIN segscope.attached_files f ON f.import_id = m.import_id ORDER BY m.table_name, f.path`)
		if err != nil {
			return nil, fmt.Errorf("read the attached files: %w", err)
		}
		defer rows.Close()
		out := map[string][]attachedFile{}
		for rows.Next() {
			var t string
			var f attachedFile
			if err := rows.Scan(&t, &f.path, &f.size, &f.mtime, &f.sha256, &f.rows); err != nil {
				return nil, fmt.Errorf("read the attached files: %w", err)
			}
			f.mtime = f.mtime.UTC()
			out[t] = append(out[t], f)
		}
		return out, rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string][]attachedFile), nil
}

// IsAttached reports whether table is attached (a view over files) rather than imported.
func (w *Workspace) IsAttached(ctx context.Context, table string) (bool, error) {
	att, err := w.attachments(ctx)
	if err != nil {
		return false, err
	}
	_, ok := att[table]
	return ok, nil
}

// checkAttached says, for an attached table, whether its files are as they
// were attached: nil, or an error wrapping ErrAttachedChanged that names the
// first file that is not. It costs a stat of each file; a hashed file whose
// modification time moved is hashed again (once per change of its time).
func (w *Workspace) checkAttached(ctx context.Context, table string) error {
	att, err := w.attachments(ctx)
	if err != nil {
		return err
	}
	for _, f := range att[table] {
		if err := w.checkFile(ctx, f); err != nil {
			return &changedError{msg: err.Error() + ": attach it again (segscope attach), or import it"}
		}
	}
	return nil
}

// changedError says which file changed; it is an ErrAttachedChanged.
type changedError struct{ msg string }

func (e *changedError) Error() string { return e.msg }
func (e *changedError) Unwrap() error { return ErrAttachedChanged }

func (w *Workspace) checkFile(ctx context.Context, f attachedFile) error {
	name := filepath.Base(f.path)
	info, err := os.Lstat(f.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s is missing since it was attached (it was %s)", name, f.path)
	case err != nil:
		return fmt.Errorf("%s can't be checked (%v)", name, err)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s is no longer a regular file", name)
	case info.Size() != f.size:
		return fmt.Errorf("%s changed since it was attached (size %s bytes, now %s)", name, counts.Format(f.size), counts.Format(info.Size()))
	}
	mtime := info.ModTime().UTC().Truncate(time.Microsecond)
	if mtime.Equal(f.mtime) {
		return nil
	}
	if f.sha256 == "" {
		return fmt.Errorf("%s changed since it was attached (modified %s, now %s)", name, f.mtime.Format(time.DateTime), mtime.Format(time.DateTime))
	}
	key := fmt.Sprintf("%s\x00%d\x00%d", f.path, info.Size(), mtime.UnixNano())
	if same, ok := w.rehashed.Load(key); ok {
		if same.(bool) {
			return nil
		}
		return fmt.Errorf("%s changed since it was attached (its content differs)", name)
	}
	src := &sourceFile{path: f.path, size: info.Size()}
	sum, err := digest(ctx, src, nil)
	if err != nil {
		return fmt.Errorf("%s can't be checked (%v)", name, err)
	}
	w.rehashed.Store(key, sum == f.sha256)
	if sum != f.sha256 {
		return fmt.Errorf("%s changed since it was attached (its content differs)", name)
	}
	return nil
}

// attachedPaths lists the files of the attached tables whose files are all as
// attached: what a locked-down instance for user SQL may read. The tables
// whose files changed are returned apart, with the reason.
func (w *Workspace) attachedPaths(ctx context.Context) (paths []string, changed []error, err error) {
	att, err := w.attachments(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range slices.Sorted(maps.Keys(att)) {
		if err := w.checkAttached(ctx, t); err != nil {
			changed = append(changed, fmt.Errorf("%s: %w", t, err))
			continue
		}
		for _, f := range att[t] {
			paths = append(paths, f.path)
		}
	}
	return paths, changed, nil
}
