// Package query is segscope's execution core: it opens a workspace (one DuckDB
// database file), imports files into it, and answers every question the console
// and the CLI ask of the data. It never imports the TUI.
package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
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
	// writes serialises metadata changes so that audit entries chain in order.
	writes sync.Mutex
	// created is true when Open made a new workspace (the caller may seed it).
	created bool
	// generation counts imports, so caches keyed by it never serve a replaced table.
	generation atomic.Int64
	orderings  orderings
	columns    sync.Map // generation and table name → []Column
	personal   sync.Map // generation and table name → map[string]pii.Kind
	// anchor signs a checkpoint of the audit chain after each committed append.
	anchor auditAnchor
	// session is the open session of a workspace sealed at rest: DuckDB works
	// on its plaintext copy, and Close seals it again.
	session *seal.Session
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

// lockdown switches off what user SQL must never reach. lock_configuration comes
// last: after it no statement, ours or the user's, can change these settings.
var lockdown = []string{
	"SET autoinstall_known_extensions = false",
	"SET autoload_known_extensions = false",
	"SET allow_community_extensions = false",
	"SET lock_configuration = true",
}

// Open opens (creating if needed) the workspace at path, or an in-memory one for
// Memory. A sealed workspace needs OpenWith and a passphrase.
func Open(ctx context.Context, path string) (*Workspace, error) {
	return OpenWith(ctx, path, OpenOptions{})
}

// OpenWith is Open with the options for workspaces sealed at rest.
func OpenWith(ctx context.Context, path string, opts OpenOptions) (*Workspace, error) {
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
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		if sealed != nil {
			sealed.Abort()
		}
		return nil, openError(path, err)
	}
	db := sql.OpenDB(connector)
	w := &Workspace{db: db, path: path, actor: currentActor(), created: created, session: sealed}
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
	for _, stmt := range lockdown {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fail(fmt.Errorf("configure workspace %s: %w", path, err))
		}
	}
	if _, err := db.ExecContext(ctx, `ATTACH ':memory:' AS `+scratchDB); err != nil {
		return fail(fmt.Errorf("configure workspace %s: %w", path, err))
	}
	if err := w.migrate(ctx); err != nil {
		return fail(err)
	}
	return w, nil
}

var lockHolder = regexp.MustCompile(`\(PID (\d+)\)`)

func openError(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Could not set lock"), strings.Contains(msg, "Conflicting lock"):
		holder := ""
		if m := lockHolder.FindStringSubmatch(msg); m != nil {
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

// metadataSchema is segscope's own state. Tables are created if missing so that an
// older workspace gains new tables on open; columns are never dropped.
var metadataSchema = []string{
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
}

func (w *Workspace) migrate(ctx context.Context) error {
	for _, stmt := range metadataSchema {
		if _, err := w.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("prepare workspace metadata: %w", err)
		}
	}
	return nil
}

// Path is where the workspace lives (Memory for an in-memory one).
func (w *Workspace) Path() string { return w.path }

// Created reports whether Open made a new workspace, so the caller knows to seed it.
func (w *Workspace) Created() bool { return w.created }

// Actor is who is recorded in the audit log for changes made through this workspace.
func (w *Workspace) Actor() string { return w.actor }

// SetActor overrides the OS user as the audit actor (tests, service accounts).
func (w *Workspace) SetActor(name string) { w.actor = name }

// DB exposes the database to the other half of the execution core (segments).
func (w *Workspace) DB() *sql.DB { return w.db }

// Close closes the workspace, releasing its file lock. A sealed workspace is
// sealed again (if it changed) and its plaintext copy removed.
func (w *Workspace) Close() error {
	err := w.db.Close()
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
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
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
