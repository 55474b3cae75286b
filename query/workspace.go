// Package query is segscope's execution core: it opens a workspace (one DuckDB
// database file), imports files into it, and answers every question the console
// and the CLI ask of the data. It never imports the TUI.
package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/adrg/xdg"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query/seal"
)

// Memory is the workspace path that keeps everything in memory and forgets it on exit.
const Memory = ":memory:"

// ErrWorkspaceLocked is returned when another process holds the workspace file.
var ErrWorkspaceLocked = errors.New("workspace is in use by another process")

// Workspace is an open DuckDB database holding imported tables and segscope's own
// metadata in the "segscope" schema.
type Workspace struct {
	db    *sql.DB
	path  string
	actor string
	// actorOnce looks the OS user up on first use.
	actorOnce sync.Once
	// writes serialises metadata changes so that audit entries chain in order.
	writes sync.Mutex
	// created is true when Open made a new workspace (the caller may seed it).
	created bool
	// generation counts imports, so caches keyed by it never serve a replaced table.
	generation atomic.Int64
	orderings  orderings
	columns    sync.Map // generation and table name → []Column
	personal   sync.Map // generation and table name → map[string]pii.Kind
	memo       sync.Map // generation and a caller's key → what it read (Memo)
	rehashed   sync.Map // an attached file's path, size and time → whether its hash still matches
	// anchor signs a checkpoint of the audit chain after each committed append.
	anchor auditAnchor
	// session is the open session of a workspace sealed at rest: DuckDB works
	// on its plaintext copy, and Close seals it again.
	session *seal.Session
	// migrated is true when Open changed the metadata schema.
	migrated bool
	// exportTemps is true when, at open, exports had temporary files on record.
	exportTemps bool
	// scratchMu guards attaching the scratch database on first use.
	scratchMu    sync.Mutex
	scratchReady bool
	// file is the DuckDB file ("" in memory), and listing the table listing
	// kept in the workspace when it is the file's (listing.go).
	file    string
	listing atomic.Pointer[keptListing]
}

// DefaultPath is segscope/workspace.duckdb in the user's data directory: on
// Linux $XDG_DATA_HOME, falling back to ~/.local/share; on macOS
// ~/Library/Application Support; on Windows %LOCALAPPDATA%.
func DefaultPath() (string, error) {
	// xdg reads the environment once, when it loads; reading it again here
	// honours XDG_DATA_HOME as it is when the workspace is opened.
	xdg.Reload()
	if xdg.DataHome == "" {
		return "", fmt.Errorf("find a data directory for the default workspace: no home directory is known")
	}
	return filepath.Join(xdg.DataHome, "segscope", "workspace.duckdb"), nil
}

// settings are the main database's configuration. They are given to DuckDB
// when it starts the database, so no statement (ours or the user's) ever runs
// without them and opening costs no statements. lock_configuration makes them
// final: after it nothing can SET them again.
var settings = [][2]string{
	{"autoinstall_known_extensions", "false"},
	{"autoload_known_extensions", "false"},
	{"allow_community_extensions", "false"},
	{"lock_configuration", "true"},
}

// withSettings appends settings to a DuckDB data source name. The driver
// reads them with url.Parse, which takes a '#' in a path for a fragment and the
// settings with it: inConfig is false then, and the caller must SET them.
func withSettings(dsn string, settings [][2]string) (_ string, inConfig bool) {
	q := url.Values{}
	for _, kv := range settings {
		q.Set(kv[0], kv[1])
	}
	withQ := dsn + "?" + q.Encode()
	u, err := url.Parse(withQ)
	if err != nil || u.RawQuery != q.Encode() {
		return dsn, false
	}
	return withQ, true
}

// lockDown applies settings by statement, for a database whose DSN could
// not carry them; lock_configuration comes last.
func lockDown(ctx context.Context, db *sql.DB, settings [][2]string) error {
	for _, kv := range settings {
		if _, err := db.ExecContext(ctx, "SET "+kv[0]+" = "+QuoteString(kv[1])); err != nil {
			return err
		}
	}
	return nil
}

// Open opens (creating if needed) the workspace at path, or an in-memory one for
// Memory. A sealed workspace needs OpenWith and a passphrase.
func Open(ctx context.Context, path string) (*Workspace, error) {
	return OpenWith(ctx, path, OpenOptions{})
}

// OpenWith is Open with the options for workspaces sealed at rest.
func OpenWith(ctx context.Context, path string, opts OpenOptions) (*Workspace, error) {
	threads, err := envThreads()
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", path, err)
	}
	created := path == Memory
	dsn := ""
	var sealed *seal.Session
	if path != Memory {
		if strings.ContainsAny(path, "?") {
			return nil, fmt.Errorf("workspace path %q: '?' is not allowed in a workspace path", path)
		}
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			return nil, fmt.Errorf("workspace %s is a directory: pass a file path such as %s", path, filepath.Join(path, "workspace.duckdb"))
		} else if errors.Is(err, os.ErrNotExist) {
			created = true
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, fmt.Errorf("create workspace directory: %w", err)
			}
		}
		privateFiles()
		seal.Sweep() // plaintext a killed segscope left in private storage
		dsn = path
		var err error
		if sealed, err = openSealed(path, created, opts); err != nil {
			return nil, err
		}
		if sealed != nil {
			dsn, created = sealed.Plain(), sealed.Empty()
		}
	}
	file := dsn
	// Read before DuckDB opens the file: opening replays (and may checkpoint)
	// a write-ahead log left by another program.
	state := readFileState(file)
	config := append(resourceSettings(dsn, opts, threads), settings...)
	dsn, inConfig := withSettings(dsn, config)
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		if sealed != nil {
			sealed.Abort()
		}
		return nil, openError(path, err)
	}
	db := sql.OpenDB(connector)
	w := &Workspace{db: db, path: path, created: created, session: sealed, file: file}
	fail := func(err error) (*Workspace, error) {
		db.Close()
		if sealed != nil {
			sealed.Abort()
		}
		return nil, err
	}
	if created && sealed == nil && path != Memory {
		// DuckDB creates files 0666 less the umask; privateFiles covers the
		// log it makes later, this covers a umask set elsewhere since.
		if err := os.Chmod(path, 0o600); err != nil {
			return fail(fmt.Errorf("make workspace %s private: %w", path, err))
		}
	}
	if !inConfig {
		if err := lockDown(ctx, db, config); err != nil {
			return fail(fmt.Errorf("configure workspace %s: %w", path, err))
		}
	}
	if !w.openFromListing(ctx, state) {
		if err := w.migrate(ctx); err != nil {
			return fail(err)
		}
	}
	return w, nil
}

var lockHolder = lazyRegexp(`\(PID (\d+)\)`)

func openError(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Could not set lock"), strings.Contains(msg, "Conflicting lock"):
		holder := ""
		if m := lockHolder().FindStringSubmatch(msg); m != nil {
			holder = " (PID " + m[1] + ")"
		}
		return fmt.Errorf("open workspace %s: %w%s; close the other segscope, or pass --workspace to use another file", path, ErrWorkspaceLocked, holder)
	case strings.Contains(msg, "not a valid DuckDB database"), strings.Contains(msg, "database file"):
		return fmt.Errorf("open workspace %s: the file is not a DuckDB workspace (%w); pass --workspace with another path", path, err)
	}
	return fmt.Errorf("open workspace %s: %w", path, err)
}

func currentActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "unknown"
}

// schemaVersion is the version of the metadata schema ("segscope") this build
// reads and writes. A change to the schema raises it and adds its step to
// migrations, so that every older workspace is brought up to date on open.
const schemaVersion = 3

// migrations[v] takes the metadata schema from version v to v+1. Version 0 is a
// workspace from before versions were recorded (with any of the tables older
// builds made) or a new one: its step creates what is missing and never drops.
var migrations = [schemaVersion][]string{
	{
		`CREATE SCHEMA IF NOT EXISTS segscope`,
		`CREATE TABLE IF NOT EXISTS segscope.imports (
			id BIGINT, table_name VARCHAR, path VARCHAR, format VARCHAR, size BIGINT, mtime TIMESTAMP,
			sha256 VARCHAR, rows BIGINT, rejected BIGINT, imported_at TIMESTAMP, actor VARCHAR)`,
		`CREATE TABLE IF NOT EXISTS segscope.tables (table_name VARCHAR, key_column VARCHAR, import_id BIGINT)`,
		`CREATE TABLE IF NOT EXISTS segscope.segments (
			name VARCHAR, table_name VARCHAR, key_column VARCHAR, description VARCHAR, owner VARCHAR,
			created_at TIMESTAMP, updated_at TIMESTAMP, version INTEGER, deleted_at TIMESTAMP)`,
		`CREATE TABLE IF NOT EXISTS segscope.segment_versions (
			name VARCHAR, version INTEGER, rule VARCHAR, compiled_sql VARCHAR, description VARCHAR,
			author VARCHAR, created_at TIMESTAMP, reason VARCHAR)`,
		`CREATE TABLE IF NOT EXISTS segscope.audit (
			seq BIGINT, ts TIMESTAMP, actor VARCHAR, action VARCHAR, subject VARCHAR,
			details VARCHAR, prev_hash VARCHAR, hash VARCHAR)`,
		// Temporary files of exports in flight (package export), here so that
		// the sweep on open is one read of a table that is always there.
		`CREATE TABLE IF NOT EXISTS segscope.export_temps (path VARCHAR, created_at TIMESTAMP)`,
		// One row per migration applied; the highest version is the schema's.
		`CREATE TABLE IF NOT EXISTS segscope.schema_version (version INTEGER, migrated_at TIMESTAMP)`,
	},
	{
		// The files of attached tables (Attach), one row each; sha256 is NULL
		// for a set checked by modification times.
		`CREATE TABLE IF NOT EXISTS segscope.attached_files (
			import_id BIGINT, path VARCHAR, size BIGINT, mtime TIMESTAMP, sha256 VARCHAR, rows BIGINT)`,
	},
	{
		// The table listing as segscope last closed the workspace
		// (listing.go): none yet, until the first close after this step.
		`CREATE MACRO IF NOT EXISTS segscope.listing() AS ''`,
	},
}

// metadataTables are the tables the migrations make: the check on open names
// them all, so that one dropped outside segscope is made again as it always was.
var metadataTables = []string{"imports", "tables", "segments", "segment_versions", "audit", "export_temps", "schema_version", "attached_files"}

// schemaCheck reads the schema version in one statement that binds every
// metadata table (and reads none of them but two): it fails if one is missing.
// It also counts the export temporary files on record, so that the sweep for
// them costs nothing when there are none.
var schemaCheck = func() string {
	names := make([]string, len(metadataTables))
	for i, t := range metadataTables {
		names[i] = "segscope." + QuoteIdent(t)
	}
	return `SELECT coalesce(max(version), 0), (SELECT count(*) FROM segscope.export_temps) FROM segscope.schema_version
		WHERE NOT EXISTS (SELECT 1 FROM ` + strings.Join(names, ", ") + ` LIMIT 0)`
}()

// SchemaVersion is the version of the workspace's metadata schema: 0 for a
// workspace from before versions were recorded, which Open migrates.
func (w *Workspace) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := w.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM segscope.schema_version`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read the workspace's schema version: %w", err)
	}
	return v, nil
}

// migrate brings the metadata schema up to schemaVersion. A current workspace
// costs one read and no DDL. A newer one (written by a later segscope) is left
// as it is: migrations only add, so this build's tables are all there. When a
// metadata table is missing every step runs again, which is why each step must
// be idempotent (IF NOT EXISTS).
func (w *Workspace) migrate(ctx context.Context) error {
	var from, temps int
	if err := w.db.QueryRowContext(ctx, schemaCheck).Scan(&from, &temps); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("prepare workspace metadata: %w", ctx.Err())
		}
		// A new workspace, one from before versions, or one missing a table.
		// Any other trouble shows again, in words, when the migration runs.
		from = 0
	} else if from >= schemaVersion {
		w.exportTemps = temps > 0
		return nil
	}
	// Migrated: whatever export_temps holds is looked at.
	w.exportTemps = true
	recorded, err := w.SchemaVersion(ctx)
	if err != nil {
		recorded = 0 // no version table yet
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("prepare workspace metadata: %w", err)
	}
	defer tx.Rollback()
	for v := from; v < schemaVersion; v++ {
		for _, stmt := range migrations[v] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("prepare workspace metadata (schema version %d to %d): %w", v, v+1, err)
			}
		}
		if v+1 > recorded {
			if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.schema_version VALUES (?, now())`, v+1); err != nil {
				return fmt.Errorf("prepare workspace metadata: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("prepare workspace metadata: %w", err)
	}
	w.migrated = true
	return nil
}

// attachScratch attaches the in-memory database that holds orderings on first
// use, so that commands which never sort do not pay for it.
func (w *Workspace) attachScratch(ctx context.Context) error {
	w.scratchMu.Lock()
	defer w.scratchMu.Unlock()
	if w.scratchReady {
		return nil
	}
	if _, err := w.db.ExecContext(ctx, `ATTACH IF NOT EXISTS ':memory:' AS `+scratchDB); err != nil {
		return fmt.Errorf("prepare the scratch database: %w", err)
	}
	w.scratchReady = true
	return nil
}

// ExportTempsRecorded reports whether the workspace had temporary files of
// exports on record when it was opened (exports killed midway leave them): only
// then is there anything for export.Sweep to do on open.
func (w *Workspace) ExportTempsRecorded() bool { return w.exportTemps }

// Path is where the workspace lives (Memory for an in-memory one).
func (w *Workspace) Path() string { return w.path }

// Created reports whether Open made a new workspace, so the caller knows to seed it.
func (w *Workspace) Created() bool { return w.created }

// Actor is who is recorded in the audit log for changes made through this
// workspace: the OS user, looked up when first needed (most commands write nothing).
func (w *Workspace) Actor() string {
	w.actorOnce.Do(func() {
		if w.actor == "" {
			w.actor = currentActor()
		}
	})
	return w.actor
}

// SetActor overrides the OS user as the audit actor (tests, service accounts).
func (w *Workspace) SetActor(name string) {
	w.actorOnce.Do(func() {})
	w.actor = name
}

// DB exposes the database to the other half of the execution core (segments).
func (w *Workspace) DB() *sql.DB { return w.db }

// Close closes the workspace, releasing its file lock. A sealed workspace is
// sealed again (if it changed) and its plaintext copy removed.
func (w *Workspace) Close() error {
	w.orderings.stop()
	kept := w.keepListing()
	err := w.db.Close()
	if err == nil {
		err = w.confirmListing(kept)
	}
	if w.session == nil {
		return err
	}
	if err != nil {
		// DuckDB did not finish: its files are left for the next open to take up.
		w.session.Leave()
		return fmt.Errorf("close workspace %s: %w", w.path, err)
	}
	return w.session.Close()
}

// WriteTx runs fn in a transaction, serialised with every other metadata change so
// the audit chain stays linear. The change and its audit entry commit together or not at all.
func (w *Workspace) WriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	w.writes.Lock()
	defer w.writes.Unlock()
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return w.writeTx(ctx, conn, fn)
}

// WriteTxOn is WriteTx on a connection of the caller's, whose temporary tables
// the transaction can then read (an export records its snapshot from the
// members its gate kept).
func (w *Workspace) WriteTxOn(ctx context.Context, conn *sql.Conn, fn func(tx *sql.Tx) error) error {
	w.writes.Lock()
	defer w.writes.Unlock()
	return w.writeTx(ctx, conn, fn)
}

func (w *Workspace) writeTx(ctx context.Context, conn *sql.Conn, fn func(tx *sql.Tx) error) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil || ctx.Err() != nil {
			settleConn(conn)
		}
		w.anchor.discard()
		return err
	}
	if err := tx.Commit(); err != nil {
		w.anchor.discard()
		return err
	}
	w.anchorCommitted(ctx)
	return nil
}

// settleConn makes sure a connection goes back to the pool with no transaction
// open. A cancelled context rolls a transaction back from database/sql's own
// goroutine, racing DuckDB's interrupt of the running statement; when that
// rollback loses, the connection would keep the transaction, and the next
// write on it fails with "cannot start a transaction within a transaction".
func settleConn(conn *sql.Conn) {
	_, err := conn.ExecContext(context.Background(), "ROLLBACK")
	if err == nil || strings.Contains(err.Error(), "no transaction is active") || errors.Is(err, sql.ErrConnDone) {
		return
	}
	// Anything else: the pool must not hand this connection out again.
	conn.Raw(func(any) error { return driver.ErrBadConn })
}
