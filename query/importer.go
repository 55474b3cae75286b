package query

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/segscope/segscope/query/counts"
)

// ImportOptions adjusts an import. Zero values take the defaults.
type ImportOptions struct {
	// Table names the table; by default it is derived from the file name.
	Table string
	// Key overrides key-column detection; SurrogateKey asks for the row-position key.
	Key string
	// Label is recorded instead of the path (the embedded sample data has no real path).
	Label string
	// Progress, if set, hears each phase of the import as it starts and how
	// far the file has been read, one report at a time (from the import's
	// goroutines, never two at once).
	Progress func(ImportProgress)
}

// ImportProgress is the phase an import is in, and how many of the file's
// Size bytes (as stored: compressed, for gzip) the check of it beside
// DuckDB's read has got through; both 0 until it has read some.
type ImportProgress struct {
	Phase           string
	Elapsed         time.Duration
	BytesRead, Size int64
}

// The phases of an import, in order.
const (
	PhaseReading  = "reading"
	PhaseChecking = "checking types"
	PhaseKey      = "choosing a key"
	PhaseSaving   = "saving"
)

// ImportResult says what an import did.
type ImportResult struct {
	Table     string         `json:"table"`
	Path      string         `json:"path"`
	Format    Format         `json:"format"`
	Rows      int64          `json:"rows"`
	Rejected  int64          `json:"rejected"`
	Columns   int            `json:"columns"`
	Key       string         `json:"key_column"`
	KeyReason string         `json:"key_reason"`
	Surrogate bool           `json:"surrogate_key"`
	SHA256    string         `json:"sha256"`
	Replaced  bool           `json:"replaced"`
	Changes   []ImportChange `json:"changes"`
	Notes     []string       `json:"notes,omitempty"`
	// Attached says the files stay where they are (Attach): the table is a
	// view of Files files, checked for changes by Check (CheckSHA256 or CheckMtime).
	Attached bool   `json:"attached,omitempty"`
	Files    int    `json:"files,omitempty"`
	Check    string `json:"check,omitempty"`
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
	progress := &importProgress{fn: opts.Progress, started: time.Now()}
	phase := progress.phase
	phase(PhaseReading)
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
	// DuckDB's JSON reader crashes the process on extreme nesting: check before it reads.
	if err := checkJSON(ctx, src); err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Table: table, Path: path, Format: src.format, Changes: []ImportChange{}}
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
		sum, hashErr = digest(ctx, src, progress.read)
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
		kind, err := relationKind(ctx, tx, table)
		if err != nil {
			return err
		}
		res.Replaced = kind != ""
		var previousKey string
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(key_column), '') FROM segscope.tables WHERE table_name = ?`, table).Scan(&previousKey); err != nil {
			return err
		}
		if err := dropAttached(ctx, tx, table); err != nil {
			return err
		}
		if err := w.load(ctx, tx, src, link, &res, phase); err != nil {
			return friendly(err)
		}
		if res.Rows == 0 {
			if res.Rejected > 0 {
				return fmt.Errorf("none of its %s could be read; nothing was imported (%s)", counts.Of(res.Rejected, "row", "rows"), strings.Join(res.Summary()[2:], "; "))
			}
			return fmt.Errorf("the file has no data rows; nothing was imported")
		}
		phase(PhaseKey)
		cols, err := tableColumns(ctx, tx, table)
		if err != nil {
			return err
		}
		choice, notes, err := chooseKey(ctx, tx, table, cols, opts.Key, previousKey)
		if err != nil {
			return err
		}
		res.Notes = append(res.Notes, notes...)
		res.Key, res.KeyReason, res.Surrogate = choice.column, choice.reason, choice.surrogate
		if choice.surrogate {
			if err := addSurrogate(ctx, tx, table, choice.column); err != nil {
				return err
			}
			cols = append(cols, Column{Name: choice.column, Type: "BIGINT"})
		}
		res.Columns = len(cols)
		phase(PhaseSaving)
		<-hashed
		if hashErr != nil {
			return hashErr
		}
		res.SHA256 = sum
		return w.recordImport(ctx, tx, src, res)
	})
	if err != nil {
		if ctx.Err() != nil {
			return ImportResult{}, fmt.Errorf("cancelled; the workspace is as it was: %w", ctx.Err())
		}
		return ImportResult{}, err
	}
	w.TablesChanged()
	return res, nil
}

// load writes the file into res.Table and makes its types right: CSV lines that
// failed only because the sniffer guessed a type from the first rows are read
// again with that column as text, and text columns holding numbers, dates or
// flags are converted.
func (w *Workspace) load(ctx context.Context, tx *sql.Tx, src *sourceFile, link string, res *ImportResult, phase func(string)) error {
	target := `main.` + QuoteIdent(res.Table)
	create := func(reader string) error {
		if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE `+target+` AS SELECT * FROM `+reader); err != nil {
			return fileError(err)
		}
		return nil
	}
	delimiter := ","
	if src.format != FormatCSV {
		if err := create(jsonOrParquetReader(src, link)); err != nil {
			return err
		}
	} else {
		plan, err := planCSV(ctx, tx, src, link, res)
		if err != nil {
			return err
		}
		delimiter = plan.delimiter
		if err := create(plan.reader()); err != nil {
			return err
		}
		rejects, err := readRejects(ctx, tx)
		if err != nil {
			return err
		}
		var retype []string
		for _, r := range rejects {
			if r.castOnly && r.column != "" && plan.types[r.column] != "VARCHAR" && strings.TrimRight(r.csvLine, "\r\n") != plan.headerLine {
				plan.types[r.column] = "VARCHAR"
				retype = append(retype, r.column)
			}
		}
		if len(retype) > 0 {
			if err := create(plan.reader()); err != nil {
				return err
			}
			if rejects, err = readRejects(ctx, tx); err != nil {
				return err
			}
		}
		summariseRejects(rejects, plan.headerLine, res)
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+target).Scan(&res.Rows); err != nil {
		return err
	}
	// A Parquet file's types are its writer's decisions, not a sniffer's guesses.
	if res.Rows == 0 || src.format == FormatParquet {
		return nil
	}
	phase(PhaseChecking)
	cols, err := tableColumns(ctx, tx, res.Table)
	if err != nil {
		return err
	}
	if _, err := dropRepeatedHeaders(ctx, tx, res.Table, cols, res); err != nil {
		return err
	}
	return refineTypes(ctx, tx, res.Table, cols, delimiter, res)
}

func jsonOrParquetReader(src *sourceFile, link string) string {
	path := QuoteString(link)
	switch src.format {
	case FormatParquet:
		return "read_parquet(" + path + ")"
	}
	return "read_json(" + path + ", format = " + QuoteString(jsonReadFormat(src)) + ")"
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

var (
	errorKind  = lazyRegexp(`^[A-Za-z ]+ Error: `)
	sqlEcho    = lazyRegexp(`(?s)\s*:?\s*LINE \d+:.*$`)
	badJSON    = lazyRegexp(`^Malformed JSON in file "[^"]*", at byte (\d+) in (?:record/value|line) (\d+): (.*?)\.?$`)
	csvLineErr = lazyRegexp(`^CSV Error on Line: (\d+)`)
)

// fileError puts a reader's error in plain words: without DuckDB's error class,
// the statement it echoes, or the temporary path the reader saw.
func fileError(err error) error {
	msg := readError(err).Error()
	msg = sqlEcho().ReplaceAllString(errorKind().ReplaceAllString(msg, ""), "")
	if m := badJSON().FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("the JSON is malformed at byte %s of record %s (%s): check that the file is complete and valid JSON", m[1], m[2], m[3])
	}
	if m := csvLineErr().FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("line %s can't be read: %s", m[1], strings.TrimSpace(strings.TrimPrefix(msg[len(m[0]):], ":")))
	}
	return fmt.Errorf("%s", msg)
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
		id, res.Table, res.Path, string(res.Format), src.size, src.modTime.UTC(), res.SHA256, res.Rows, res.Rejected, now, w.Actor()); err != nil {
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
