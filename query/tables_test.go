package query

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The listing reads the catalog, segscope's metadata and the row counts apart
// and matches them in Go: every table the workspace holds appears once, in
// name order, with the key and source segscope recorded (none for a table made
// outside it), and metadata of a table that is gone shows nothing.
func TestTablesMatchCatalogAndMetadata(t *testing.T) {
	t.Parallel()
	w := openMemory(t)
	ctx := context.Background()
	dir := t.TempDir()
	people := writeFile(t, dir, "people.csv", "person_id,name\n1,a\n2,b\n3,c\n")
	mustImport(t, w, people, ImportOptions{})
	mustImport(t, w, writeFile(t, dir, "visits.csv", "page,seconds\nx,1\ny,2\n"), ImportOptions{Key: SurrogateKey})
	for _, stmt := range []string{
		`CREATE TABLE main.alpha AS SELECT range AS n, 'v' AS s FROM range(5)`,
		`CREATE TEMP TABLE scratchpad AS SELECT 1 AS x`,
		`CREATE TABLE main.gone AS SELECT 1 AS x`,
	} {
		if _, err := w.DB().ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.SetKey(ctx, "gone", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `DROP TABLE main.gone`); err != nil {
		t.Fatal(err)
	}
	// Re-importing people keeps one metadata row for it, with the new source.
	again := writeFile(t, t.TempDir(), "people.csv", "person_id,name\n1,a\n2,b\n3,c\n4,d\n")
	mustImport(t, w, again, ImportOptions{Table: "people"})

	got, err := w.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []TableInfo{
		{Name: "alpha", Rows: 5, Columns: 2},
		{Name: "people", Rows: 4, Columns: 2, Key: "person_id", Source: again},
		{Name: "visits", Rows: 2, Columns: 3, Key: SurrogateKey, Source: filepath.Join(dir, "visits.csv")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tables\n got %+v\nwant %+v", got, want)
	}

	one, err := w.Table(ctx, "people")
	if err != nil || !reflect.DeepEqual(one, want[1]) {
		t.Fatalf("Table(people) = %+v, %v", one, err)
	}
	_, err = w.Table(ctx, "gone")
	if !errors.Is(err, ErrNoTable) || !strings.Contains(err.Error(), "alpha, people, visits") {
		t.Fatalf("Table(gone) = %v", err)
	}
	names, err := w.TableNames(ctx)
	if err != nil || !reflect.DeepEqual(names, []string{"alpha", "people", "visits"}) {
		t.Fatalf("TableNames = %v, %v", names, err)
	}
}
