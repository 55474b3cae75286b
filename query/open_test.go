package query

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// rawWorkspace writes a workspace file the way an older segscope left it,
// through duckdb-go directly, and closes it.
func rawWorkspace(t *testing.T, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return path
}

// segscopeTables lists the metadata schema's tables.
func segscopeTables(t *testing.T, w *Workspace) string {
	t.Helper()
	var names string
	err := w.DB().QueryRow(`SELECT coalesce(string_agg(table_name, ',' ORDER BY table_name), '')
		FROM duckdb_tables() WHERE schema_name = 'segscope' AND database_name = current_database()`).Scan(&names)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

const allMetadataTables = "attached_files,audit,export_temps,imports,schema_version,segment_versions,segments,tables"

func TestOpenMigratesOlderWorkspaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Before versions: some of an early build's tables, with rows that must survive.
	unversioned := rawWorkspace(t,
		`CREATE SCHEMA segscope`,
		`CREATE TABLE segscope.imports (id BIGINT, table_name VARCHAR, path VARCHAR, format VARCHAR, size BIGINT,
			mtime TIMESTAMP, sha256 VARCHAR, rows BIGINT, rejected BIGINT, imported_at TIMESTAMP, actor VARCHAR)`,
		`CREATE TABLE segscope.tables (table_name VARCHAR, key_column VARCHAR, import_id BIGINT)`,
		`CREATE TABLE segscope.audit (seq BIGINT, ts TIMESTAMP, actor VARCHAR, action VARCHAR, subject VARCHAR,
			details VARCHAR, prev_hash VARCHAR, hash VARCHAR)`,
		`CREATE TABLE people AS SELECT 1 AS person_id`,
		`INSERT INTO segscope.tables VALUES ('people', 'person_id', 1)`,
	)
	// An older version number, with a table of the current version missing.
	older := rawWorkspace(t,
		`CREATE SCHEMA segscope`,
		`CREATE TABLE segscope.schema_version (version INTEGER, migrated_at TIMESTAMP)`,
		`INSERT INTO segscope.schema_version VALUES (0, TIMESTAMP '2020-01-01')`,
	)
	for name, path := range map[string]string{"unversioned": unversioned, "older": older} {
		w, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !w.migrated {
			t.Errorf("%s: not migrated", name)
		}
		if v, err := w.SchemaVersion(ctx); err != nil || v != schemaVersion {
			t.Errorf("%s: schema version %d, %v; want %d", name, v, err, schemaVersion)
		}
		if got := segscopeTables(t, w); got != allMetadataTables {
			t.Errorf("%s: metadata tables %s, want %s", name, got, allMetadataTables)
		}
		w.Close()
	}
	w, err := Open(ctx, unversioned)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if tb, err := w.Table(ctx, "people"); err != nil || tb.Key != "person_id" || tb.Rows != 1 {
		t.Fatalf("the older workspace's table after migrating: %+v, %v", tb, err)
	}
}

func TestOpenSkipsMigrationWhenCurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	open := func() *Workspace {
		t.Helper()
		w, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	versions := func(w *Workspace) (rows int, last time.Time) {
		t.Helper()
		if err := w.DB().QueryRow(`SELECT count(*), max(migrated_at) FROM segscope.schema_version`).Scan(&rows, &last); err != nil {
			t.Fatal(err)
		}
		return rows, last
	}
	w := open()
	if !w.migrated {
		t.Fatal("a new workspace was not given the metadata schema")
	}
	_, first := versions(w)
	w.Close()

	w = open()
	if w.migrated {
		t.Fatal("reopening a current workspace ran the migration")
	}
	if rows, last := versions(w); rows != schemaVersion || !last.Equal(first) {
		t.Fatalf("reopening a current workspace rewrote its version: %d rows, migrated at %v then %v", rows, first, last)
	}
	// A metadata table dropped outside segscope is made again on open, as it
	// always was, without recording the version twice.
	if _, err := w.DB().Exec(`DROP TABLE segscope.segment_versions`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w = open()
	defer w.Close()
	if !w.migrated || segscopeTables(t, w) != allMetadataTables {
		t.Fatalf("a dropped metadata table was not made again: migrated=%v, tables %s", w.migrated, segscopeTables(t, w))
	}
	if rows, _ := versions(w); rows != schemaVersion {
		t.Fatalf("repairing recorded the version again: %d rows", rows)
	}
}

// The main database's settings hold from the first statement, whatever the
// path looks like, and cannot be changed.
func TestOpenLocksConfiguration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	for _, path := range []string{Memory, filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "a#b.duckdb"), filepath.Join(dir, "q &a=b+c.duckdb")} {
		w, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if _, err := os.Stat(path); path != Memory && err != nil {
			t.Errorf("the workspace is not where it was asked for: %v", err)
		}
		for _, kv := range settings {
			var got string
			if err := w.DB().QueryRow(`SELECT current_setting(?)::VARCHAR`, kv[0]).Scan(&got); err != nil || got != kv[1] {
				t.Errorf("%s: %s = %q, %v; want %s", path, kv[0], got, err, kv[1])
			}
		}
		_, err = w.DB().Exec(`SET autoload_known_extensions = true`)
		if err == nil || !strings.Contains(err.Error(), "locked") {
			t.Errorf("%s: SET after open: %v", path, err)
		}
		w.Close()
	}
}

func TestScratchAttachedOnFirstSort(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	attached := func() bool {
		var n int
		if err := w.DB().QueryRow(`SELECT count(*) FROM duckdb_databases() WHERE database_name = ?`, scratchDB).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	if attached() {
		t.Fatal("the scratch database was attached before anything asked for an ordering")
	}
	var b strings.Builder
	b.WriteString("id,score\n")
	for i := range 3 * shallowOffset {
		b.WriteString(strings.Repeat("1", 1+i%3) + "," + strings.Repeat("7", 1+i%5) + "\n")
	}
	mustImport(t, w, writeFile(t, t.TempDir(), "s.csv", b.String()), ImportOptions{})
	if _, err := w.Rows(ctx, Page{Table: "s", OrderBy: "score", Offset: shallowOffset + 5, Limit: 3}); err != nil {
		t.Fatal(err)
	}
	if !attached() {
		t.Fatal("a deep sorted page did not use the scratch database")
	}
}

// Open says whether exports left temporary files on record, so that a command
// sweeps for them only then.
func TestOpenSeesRecordedExportTemps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if w, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if w.ExportTempsRecorded() {
		t.Fatal("a workspace with no export in flight reported temporary files")
	}
	if _, err := w.DB().Exec(`INSERT INTO segscope.export_temps VALUES ('/tmp/.x.csv.segscope-export-1-1.tmp', now())`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if w, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if !w.ExportTempsRecorded() {
		t.Fatal("a recorded temporary file was not seen on open")
	}
}
