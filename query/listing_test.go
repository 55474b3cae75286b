package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// The listing kept in the workspace (listing.go) stands in for the catalog
// only while the file is as segscope last closed it. These tests change the
// workspace in every way segscope does, and from outside it, and check after
// each that the listing is the catalog's, in the session and after reopening.

func openFile(t *testing.T, path string) *Workspace {
	t.Helper()
	w, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	w.SetActor("tester")
	return w
}

// outside runs statements on the workspace file through duckdb-go directly,
// as another program would, and closes it.
func outside(t *testing.T, path string, stmts ...string) {
	t.Helper()
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			db.Close()
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// listingIs checks that Tables gives want (table → rows) and exactly what the
// catalog gives, and whether it came from the kept listing.
func listingIs(t *testing.T, w *Workspace, kept bool, want map[string]int64) {
	t.Helper()
	ctx := context.Background()
	tables, err := w.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.listing.Load() != nil; got != kept {
		t.Errorf("the kept listing is in use: %v, want %v", got, kept)
	}
	catalog, err := w.catalogTables(ctx, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tables, catalog) {
		t.Errorf("Tables differs from the catalog:\n got %+v\nwant %+v", tables, catalog)
	}
	got := map[string]int64{}
	for _, tb := range tables {
		got[tb.Name] = tb.Rows
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tables and rows %v, want %v", got, want)
	}
	for name := range want {
		if tb, err := w.Table(ctx, name); err != nil || tb.Rows != want[name] {
			t.Errorf("Table(%s) = %+v, %v", name, tb, err)
		}
	}
}

func TestKeptListingAfterEachKindOfWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	w := openFile(t, path)
	mustImport(t, w, writeFile(t, dir, "people.csv", peopleCSV), ImportOptions{})
	listingIs(t, w, false, map[string]int64{"people": 4})
	w.Close()

	csv := writeFile(t, dir, "visits.csv", "visit_id,person_id\nV1,1\nV2,2\nV3,9\n")
	steps := []struct {
		name  string
		write func(w *Workspace) error
		want  map[string]int64
	}{
		{"import a new table", func(w *Workspace) error {
			// A quote in the source, which the kept listing holds as SQL text.
			_, err := w.Import(ctx, writeFile(t, dir, "it's orders.csv", "order_id,amount\nO1,5\nO2,7\n"), ImportOptions{Table: "orders"})
			return err
		}, map[string]int64{"people": 4, "orders": 2}},
		{"import over a table", func(w *Workspace) error {
			_, err := w.Import(ctx, writeFile(t, dir, "people2.csv", "person_id,name\n7,Eve\n8,Fay\n9,Gus\n"), ImportOptions{Table: "people"})
			return err
		}, map[string]int64{"people": 3, "orders": 2}},
		// What a subject's erasure runs.
		{"delete rows", func(w *Workspace) error {
			return w.WriteTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `DELETE FROM main.people WHERE person_id = 8`)
				return err
			})
		}, map[string]int64{"people": 2, "orders": 2}},
		// What deriving an events audience runs.
		{"derive a table", func(w *Workspace) error {
			return w.WriteTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE main.buyers AS SELECT order_id FROM main.orders WHERE amount > 6`)
				return err
			})
		}, map[string]int64{"people": 2, "orders": 2, "buyers": 1}},
		{"attach files", func(w *Workspace) error {
			_, err := w.Attach(ctx, csv, AttachOptions{})
			return err
		}, map[string]int64{"people": 2, "orders": 2, "buyers": 1, "visits": 3}},
		{"drop a table", func(w *Workspace) error {
			_, err := w.DB().ExecContext(ctx, `DROP TABLE main.buyers`)
			return err
		}, map[string]int64{"people": 2, "orders": 2, "visits": 3}},
		{"import a table given a row-number key", func(w *Workspace) error {
			_, err := w.Import(ctx, writeFile(t, dir, "notes.csv", "note\nhello\nhello\n"), ImportOptions{})
			return err
		}, map[string]int64{"people": 2, "orders": 2, "visits": 3, "notes": 2}},
	}
	before := map[string]int64{"people": 4}
	for _, step := range steps {
		w := openFile(t, path)
		listingIs(t, w, true, before)
		before = step.want
		if err := step.write(w); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		// In the session that wrote, the catalog is read again.
		listingIs(t, w, false, step.want)
		if err := w.Close(); err != nil {
			t.Fatalf("%s: close: %v", step.name, err)
		}
		w = openFile(t, path)
		listingIs(t, w, true, step.want)
		if step.name == "attach files" {
			// The kept listing still checks attached files on every listing.
			os.WriteFile(csv, []byte("visit_id,person_id\nV1,1\n"), 0o644)
			if tb, err := w.Table(ctx, "visits"); err == nil || !strings.Contains(err.Error(), "changed since it was attached") || tb.Problem == "" {
				t.Errorf("a changed attached file through the kept listing: %+v, %v", tb, err)
			}
			os.WriteFile(csv, []byte("visit_id,person_id\nV1,1\nV2,2\nV3,9\n"), 0o644)
		}
		w.Close()
	}
}

func TestKeptListingSeesChangesFromOutside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	w := openFile(t, path)
	mustImport(t, w, writeFile(t, dir, "people.csv", peopleCSV), ImportOptions{})
	w.Close()
	w = openFile(t, path)
	listingIs(t, w, true, map[string]int64{"people": 4})
	w.Close()

	for _, c := range []struct {
		name  string
		stmts []string
		want  map[string]int64
	}{
		{"a table made", []string{`CREATE TABLE main.extra AS SELECT 1 AS a UNION ALL SELECT 2`}, map[string]int64{"people": 4, "extra": 2}},
		{"rows added", []string{`INSERT INTO main.people (person_id, name) VALUES (5, 'Ed')`}, map[string]int64{"people": 5, "extra": 2}},
		{"a view made", []string{`CREATE VIEW main.adults AS SELECT * FROM main.people WHERE age >= 18`}, map[string]int64{"people": 5, "extra": 2, "adults": 0}},
		{"a table and a view dropped", []string{`DROP TABLE main.extra`, `DROP VIEW main.adults`}, map[string]int64{"people": 5}},
		// Changes left in the write-ahead log, not yet in the file itself.
		{"a change left in the log", []string{`PRAGMA disable_checkpoint_on_shutdown`, `CREATE TABLE main.logged AS SELECT 1 AS a`}, map[string]int64{"people": 5, "logged": 1}},
	} {
		outside(t, path, c.stmts...)
		if c.name == "a change left in the log" {
			if info, err := os.Stat(path + ".wal"); err != nil || info.Size() == 0 {
				t.Fatalf("%s: the test needs the change in the log: %v", c.name, err)
			}
		}
		w := openFile(t, path)
		listingIs(t, w, false, c.want)
		w.Close()
		w = openFile(t, path)
		listingIs(t, w, true, c.want)
		w.Close()
	}
}

// A workspace of schema version 2 (before the kept listing) is migrated, listed
// from the catalog, and keeps a listing from its first close on.
func TestKeptListingMigration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	w := openFile(t, path)
	mustImport(t, w, writeFile(t, dir, "people.csv", peopleCSV), ImportOptions{})
	w.Close()
	// What version 2 left: no listing table, version 2 recorded last.
	outside(t, path, `DROP MACRO segscope.listing`, `DELETE FROM segscope.schema_version WHERE version > 2`,
		`CREATE TABLE main.extra AS SELECT 1 AS a`)

	ctx := context.Background()
	w = openFile(t, path)
	if v, err := w.SchemaVersion(ctx); err != nil || v != schemaVersion || !w.migrated {
		t.Fatalf("after migrating: version %d, %v, migrated %v", v, err, w.migrated)
	}
	listingIs(t, w, false, map[string]int64{"people": 4, "extra": 1})
	w.Close()
	w = openFile(t, path)
	defer w.Close()
	if w.migrated {
		t.Error("migrated twice")
	}
	listingIs(t, w, true, map[string]int64{"people": 4, "extra": 1})
}

// A metadata table dropped in a session is made again at the next open: the
// listing is not kept over a schema that is not whole.
func TestKeptListingNotOverABrokenSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w := openFile(t, path)
	w.Close()
	w = openFile(t, path)
	if _, err := w.DB().Exec(`DROP TABLE segscope.segments`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w = openFile(t, path)
	defer w.Close()
	if !w.migrated || segscopeTables(t, w) != allMetadataTables {
		t.Fatalf("the dropped table was not made again: migrated %v, tables %s", w.migrated, segscopeTables(t, w))
	}
	listingIs(t, w, false, map[string]int64{})
}

// Two handles on one file in a process share DuckDB's instance, so closing
// one does not checkpoint: the listing it recorded must not outlive that.
func TestKeptListingWithTwoHandles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	w := openFile(t, path)
	w.Close()
	a, b := openFile(t, path), openFile(t, path)
	mustImport(t, a, writeFile(t, dir, "people.csv", peopleCSV), ImportOptions{})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// Were this process killed now, another program opening the file would
	// replay the log and might checkpoint it to the recorded iteration: the
	// listing must already be marked stale beside the file.
	if _, err := os.Stat(path + staleSuffix); err != nil {
		t.Fatalf("a listing recorded for a checkpoint that did not happen is not marked stale: %v", err)
	}
	if readFileState(path).ok {
		t.Fatal("a file whose listing is marked stale is taken as in a known state")
	}
	listingIs(t, b, false, map[string]int64{"people": 4})
	if _, err := b.DB().Exec(`CREATE TABLE main.extra AS SELECT 1 AS a`); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	w = openFile(t, path)
	listingIs(t, w, true, map[string]int64{"people": 4, "extra": 1})
	w.Close()
	if _, err := os.Stat(path + staleSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the stale mark outlived a listing confirmed on close: %v", err)
	}
}
