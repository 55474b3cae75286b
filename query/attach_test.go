package query

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeParquet writes rows made by a SELECT to a Parquet file through DuckDB.
func writeParquet(t testing.TB, w *Workspace, path, selectSQL string) string {
	t.Helper()
	if _, err := w.DB().ExecContext(context.Background(), `COPY (`+selectSQL+`) TO `+QuoteString(path)+` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAttachParquet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	path := writeParquet(t, w, filepath.Join(dir, "orders.parquet"),
		`SELECT range AS order_id, range % 7 AS store, 'note ' || range AS note FROM range(1000)`)
	res, err := w.Attach(ctx, path, AttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Table != "orders" || res.Rows != 1000 || res.Key != "order_id" || !res.Attached || res.Check != CheckSHA256 || res.Columns != 3 {
		t.Fatalf("result %+v", res)
	}
	if !strings.HasPrefix(res.Summary()[0], "attached orders from ") {
		t.Fatalf("summary %q", res.Summary())
	}
	// A view, not a copy: nothing was loaded into the workspace.
	if kind, err := relationKind(ctx, w.DB(), "orders"); err != nil || kind != "view" {
		t.Fatalf("orders is a %q (%v), want a view", kind, err)
	}
	info, err := w.Table(ctx, "orders")
	if err != nil || !info.Attached || info.Rows != 1000 || info.Key != "order_id" || info.Columns != 3 || info.Problem != "" {
		t.Fatalf("Table = %+v, %v", info, err)
	}
	if n, err := w.Count(ctx, "orders", `"store" = 3`); err != nil || n != 143 {
		t.Fatalf("count store 3 = %d, %v", n, err)
	}
	// Browsing: plain pages, sorted pages near the end and deep in the middle.
	page, err := w.Rows(ctx, Page{Table: "orders", Offset: 10, Limit: 3})
	if err != nil || len(page.Rows) != 3 || FormatValue(page.Rows[0][0]) != "10" {
		t.Fatalf("page = %+v, %v", page, err)
	}
	page, err = w.Rows(ctx, Page{Table: "orders", OrderBy: "order_id", Desc: true, Offset: 0, Limit: 2})
	if err != nil || FormatValue(page.Rows[0][0]) != "999" || len(page.Columns) != 3 {
		t.Fatalf("sorted page = %+v, %v", page, err)
	}
	page, err = w.Rows(ctx, Page{Table: "orders", Where: `"store" = 0`, OrderBy: "order_id", Offset: 100, Limit: 2})
	if err != nil || FormatValue(page.Rows[0][0]) != "700" {
		t.Fatalf("filtered page = %+v, %v", page, err)
	}
	if p, err := w.ProfileColumn(ctx, "orders", "store", ""); err != nil || p.Distinct != 7 {
		t.Fatalf("profile: %+v, %v", p, err)
	}
	if _, err := w.ProfileTable(ctx, "orders"); err != nil {
		t.Fatalf("table profile: %v", err)
	}
	// The record and the audit entry.
	var files, hashed int
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*), count(sha256) FROM segscope.attached_files`).Scan(&files, &hashed); err != nil || files != 1 || hashed != 1 {
		t.Fatalf("attached_files: %d rows, %d hashed, %v", files, hashed, err)
	}
	log, err := w.AuditLog(ctx, AuditFilter{Action: ActionAttach})
	if err != nil || len(log) != 1 {
		t.Fatalf("audit = %+v, %v", log, err)
	}

	// An import of the same name replaces the view with a table, and back.
	csv := writeFile(t, dir, "orders.csv", "order_id,store\n1,2\n")
	if res := mustImport(t, w, csv, ImportOptions{}); !res.Replaced {
		t.Fatal("the import did not say it replaced the attached table")
	}
	if info, err := w.Table(ctx, "orders"); err != nil || info.Attached || info.Rows != 1 {
		t.Fatalf("after import: %+v, %v", info, err)
	}
	if res, err := w.Attach(ctx, path, AttachOptions{}); err != nil || !res.Replaced {
		t.Fatalf("attach over a table: %+v, %v", res, err)
	}
}

func TestAttachCSVGlob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	writeFile(t, dir, "events-1.csv", "customer_id,country,spend\nC1,DE,10.5\nC2,FR,3\n")
	writeFile(t, dir, "events-2.csv", "customer_id,country,spend\nC3,DE,7\n")
	writeFile(t, dir, "other.txt", "not part of it\n")
	pattern := filepath.Join(dir, "events-*.csv")
	if _, err := w.Attach(ctx, pattern, AttachOptions{Table: "events"}); err == nil || !strings.Contains(err.Error(), "--glob") {
		t.Fatalf("a pattern without --glob: %v, want a no-such-file error naming --glob", err)
	}
	res, err := w.Attach(ctx, pattern, AttachOptions{Table: "events", Glob: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 2 || res.Rows != 3 || res.Key != "customer_id" || res.Format != FormatCSV {
		t.Fatalf("result %+v", res)
	}
	if n, err := w.Count(ctx, "events", `"country" = 'DE' AND "spend" > 5`); err != nil || n != 2 {
		t.Fatalf("count = %d, %v", n, err)
	}
	tables, err := w.Tables(ctx)
	if err != nil || len(tables) != 1 || !tables[0].Attached || tables[0].Rows != 3 {
		t.Fatalf("Tables = %+v, %v", tables, err)
	}
	// A glob must be named; a pattern matching nothing is an error.
	if _, err := w.Attach(ctx, pattern, AttachOptions{Glob: true}); err == nil || !strings.Contains(err.Error(), "--as") {
		t.Fatalf("unnamed glob: %v", err)
	}
	if _, err := w.Attach(ctx, filepath.Join(dir, "nothing-*.csv"), AttachOptions{Table: "x", Glob: true}); err == nil || !strings.Contains(err.Error(), "no files match") {
		t.Fatalf("empty glob: %v", err)
	}
}

func TestAttachDetectsChangedFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	path := writeFile(t, dir, "people.csv", "person_id,plan\nP1,basic\nP2,pro\n")
	if _, err := w.Attach(ctx, path, AttachOptions{}); err != nil {
		t.Fatal(err)
	}
	// Touched but the same content: still fine (hashed sets are hashed again).
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Table(ctx, "people"); err != nil {
		t.Fatalf("touched, unchanged: %v", err)
	}
	// Same size, other content.
	if err := os.WriteFile(path, []byte("person_id,plan\nP1,basic\nP9,pro\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := w.Table(ctx, "people")
	if !errors.Is(err, ErrAttachedChanged) || !strings.Contains(err.Error(), "people.csv changed since it was attached (its content differs)") || !strings.Contains(err.Error(), "attach it again") {
		t.Fatalf("changed content: %v", err)
	}
	if _, err := w.Count(ctx, "people", ""); err != nil {
		t.Fatalf("Count has no check of its own: %v", err)
	}
	if _, err := w.Columns(ctx, "people"); !errors.Is(err, ErrAttachedChanged) {
		t.Fatalf("Columns of a changed table: %v", err)
	}
	// Another size; then gone. The listing still lists it, with the problem.
	os.WriteFile(path, []byte("person_id,plan\nP1,basic\n"), 0o644)
	tables, err := w.Tables(ctx)
	if err != nil || len(tables) != 1 || !strings.Contains(tables[0].Problem, "people.csv changed since it was attached (size 31 bytes, now 24)") {
		t.Fatalf("Tables = %+v, %v", tables, err)
	}
	os.Remove(path)
	if _, err := w.Table(ctx, "people"); err == nil || !strings.Contains(err.Error(), "people.csv is missing since it was attached") {
		t.Fatalf("missing: %v", err)
	}
}

// A set too big to hash is checked by modification time.
func TestAttachChecksMtimeOfBigSets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	path := writeFile(t, t.TempDir(), "people.csv", "person_id,plan\nP1,basic\nP2,pro\n")
	files := []attachedFile{{path: path}}
	info, _ := os.Stat(path)
	files[0].size, files[0].mtime = info.Size(), info.ModTime().UTC().Truncate(time.Microsecond)
	if err := w.checkFile(ctx, files[0]); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	os.Chtimes(path, later, later)
	if err := w.checkFile(ctx, files[0]); err == nil || !strings.Contains(err.Error(), "changed since it was attached (modified ") {
		t.Fatalf("touched file of an unhashed set: %v", err)
	}
}

func TestAttachRefusesHostilePaths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	writeFile(t, dir, "a.csv", "id,v\nA1,x\n")
	starred := writeFile(t, dir, "*.csv", "id,v\nB1,only\n")
	bracketDir := filepath.Join(dir, "[a]")
	os.Mkdir(bracketDir, 0o755)
	bracketed := writeFile(t, bracketDir, "b.csv", "id,v\nC1,x\n")
	link := filepath.Join(dir, "link.csv")
	os.Symlink(starred, link)
	jsonFile := writeFile(t, dir, "d.json", `[{"id": "D1"}]`)
	for _, c := range []struct {
		path string
		glob bool
		want string
	}{
		{starred, false, "would read as a pattern"},
		{bracketed, false, "would read as a pattern"},
		{link, false, "would read as a pattern"}, // a plain name that leads to one
		{filepath.Join(dir, "*.csv"), true, "would read as a pattern"},
		{dir, false, "is a directory"},
		{filepath.Join(dir, "[z"), true, "malformed"},
		{jsonFile, false, "attach reads Parquet and CSV"},
		{filepath.Join(dir, "missing.parquet"), false, "no such file"},
	} {
		if _, err := w.Attach(ctx, c.path, AttachOptions{Table: "t", Glob: c.glob}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("attach %s (glob %v): %v, want %q", c.path, c.glob, err, c.want)
		}
	}
	if _, err := w.Attach(ctx, filepath.Join(dir, "a.csv"), AttachOptions{Table: "t", Key: SurrogateKey}); err == nil {
		t.Error("a row-position key was accepted for an attached table")
	}
	if names, err := w.TableNames(ctx); err != nil || len(names) != 0 {
		t.Fatalf("refused attaches left tables %v, %v", names, err)
	}
}

// A table with no key column is attached without one rather than given row
// positions; a key asked for must still be one.
func TestAttachWithoutAKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	path := writeFile(t, t.TempDir(), "flags.csv", "plan,active\nbasic,true\nbasic,false\n")
	res, err := w.Attach(ctx, path, AttachOptions{})
	if err != nil || res.Key != "" || !strings.HasPrefix(res.Summary()[1], "key: none: ") {
		t.Fatalf("keyless attach: %+v, %v", res, err)
	}
	if info, err := w.Table(ctx, "flags"); err != nil || info.Key != "" {
		t.Fatalf("Table = %+v, %v", info, err)
	}
	if _, err := w.Attach(ctx, path, AttachOptions{Key: "plan"}); err == nil || !strings.Contains(err.Error(), "not unique") {
		t.Fatalf("a repeated column as the key: %v", err)
	}
}

// Above attachKeyCheckRows the key is judged on a sample, which still catches
// a column repeated across files (a counter restarting in each part).
func TestAttachKeyOnASample(t *testing.T) {
	t.Parallel()
	// A thousandth of the real threshold and sample, in the same ratio to the
	// table: the sampled path on 12,000 rows instead of 12 million.
	defer func(rows, sample int64) { attachKeyCheckRows, attachKeySample = rows, sample }(attachKeyCheckRows, attachKeySample)
	attachKeyCheckRows, attachKeySample = attachKeyCheckRows/1000, attachKeySample/1000
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	for _, part := range []string{"1", "2"} {
		writeParquet(t, w, filepath.Join(dir, "part-"+part+".parquet"),
			`SELECT range AS part_row_id, range + `+part+`000000000 AS customer_id FROM range(6000)`)
	}
	res, err := w.Attach(ctx, filepath.Join(dir, "part-*.parquet"), AttachOptions{Table: "big", Glob: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Key != "customer_id" || !strings.Contains(res.KeyReason, "judged on the first 500 rows of 2 files (of the 12,000 rows), the rest not checked") {
		t.Fatalf("key %s (%s)", res.Key, res.KeyReason)
	}
	if _, err := w.Attach(ctx, filepath.Join(dir, "part-*.parquet"), AttachOptions{Table: "big", Glob: true, Key: "part_row_id"}); err == nil || !strings.Contains(err.Error(), "not unique") {
		t.Fatalf("a per-file counter as the key: %v", err)
	}
	// The key picker judges the same sample's way.
	cands, err := w.KeyCandidates(ctx, "big")
	if err != nil || len(cands) != 2 || cands[0].Column != "customer_id" || !cands[0].Chosen || cands[1].Usable {
		t.Fatalf("key candidates: %+v, %v", cands, err)
	}
}

func TestAttachParquetColumnsMustAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	writeParquet(t, w, filepath.Join(dir, "p1.parquet"), `SELECT range AS id, 'a' AS v FROM range(3)`)
	writeParquet(t, w, filepath.Join(dir, "p2.parquet"), `SELECT range AS id, 1.5 AS w FROM range(3)`)
	if _, err := w.Attach(ctx, filepath.Join(dir, "p*.parquet"), AttachOptions{Table: "p", Glob: true}); err == nil || !strings.Contains(err.Error(), "different columns") {
		t.Fatalf("mismatched parts: %v", err)
	}
}

// The key of an attached table changes as an imported one's does, but never
// to row positions (which would turn the view into a copy).
func TestSetKeyOfAttachedTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	path := writeFile(t, t.TempDir(), "people.csv", "person_id,code\nP1,A-1\nP2,A-2\n")
	if _, err := w.Attach(ctx, path, AttachOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := w.SetKey(ctx, "people", SurrogateKey); err == nil || !strings.Contains(err.Error(), "no fixed positions") {
		t.Fatalf("row_id as an attached table's key: %v", err)
	}
	if kind, _ := relationKind(ctx, w.DB(), "people"); kind != "view" {
		t.Fatalf("people is a %s after the refused key change", kind)
	}
	if err := w.SetKey(ctx, "people", "code"); err != nil {
		t.Fatal(err)
	}
	if info, err := w.Table(ctx, "people"); err != nil || info.Key != "code" || !info.Attached {
		t.Fatalf("after SetKey: %+v, %v", info, err)
	}
	cands, err := w.KeyCandidates(ctx, "people")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if c.Column == SurrogateKey {
			t.Fatalf("row_id offered for an attached table: %+v", cands)
		}
	}
}
