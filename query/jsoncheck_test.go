package query

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestJSONDepth(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, json string
		depth      int
	}{
		{"empty", ``, 0},
		{"scalar", `42`, 0},
		{"records", `[{"id":1,"tags":["a","b"]},{"id":2}]`, 3},
		{"brackets in a string", `[{"note":"[[[[{{{{"}]`, 2},
		{"escaped quote before brackets", `["say \"[[[[\" twice", 1]`, 1},
		{"escaped backslash ends the string", `["C:\\", [[1]]]`, 3},
		{"escaped quote in a key", `{"k\"}": {"x": [1]}}`, 3},
		{"stray closers", `]]]}}[[1]]`, 2},
		{"ndjson", "{\"a\":{\"b\":1}}\n{\"c\":[[[1]]]}\n", 4},
		{"deep", strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000), 100_000},
	}
	for _, c := range cases {
		got, err := jsonDepth(context.Background(), strings.NewReader(c.json))
		if err != nil || got != c.depth {
			t.Errorf("%s: depth %d, %v; want %d", c.name, got, err, c.depth)
		}
	}
}

func TestJSONDepthStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := jsonDepth(ctx, strings.NewReader("[[]]")); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

// deepJSON is a document nested levels deep, around one value.
func deepJSON(levels int) string {
	return strings.Repeat("[", levels) + "1" + strings.Repeat("]", levels)
}

func writeGzip(t *testing.T, dir, name, content string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(content))
	zw.Close()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportRefusesDeepJSON hands DuckDB's JSON reader the nesting that
// segfaults it: the import must refuse it, and the workspace must go on working
// (if the check failed, the test binary would die here).
func TestImportRefusesDeepJSON(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	const levels = 100_000
	files := []string{
		writeFile(t, dir, "deep.json", deepJSON(levels)),
		writeGzip(t, dir, "deep.json.gz", deepJSON(levels)),
		writeFile(t, dir, "deep.ndjson", `{"id":1}`+"\n"+`{"id":2,"v":`+deepJSON(levels-1)+"}\n"),
		writeGzip(t, dir, "deep.jsonl.gz", `{"id":1,"v":`+deepJSON(levels-1)+"}\n"),
	}
	before := takeSnapshot(t, w)
	for _, path := range files {
		_, err := w.Import(ctx, path, ImportOptions{Table: "deep"})
		want := "import " + path + ": the file nests 100,000 levels deep; segscope reads at most 256"
		if err == nil || err.Error() != want {
			t.Errorf("import %s: error %v, want %q", filepath.Base(path), err, want)
		}
	}
	if after := takeSnapshot(t, w); !before.equal(after) {
		t.Errorf("refused imports changed the workspace: %+v, then %+v", before, after)
	}
	ok := writeFile(t, dir, "people.json", `[{"id":1,"name":"Ann"},{"id":2,"name":"Bob"}]`)
	if res := mustImport(t, w, ok, ImportOptions{}); res.Rows != 2 {
		t.Errorf("after the refusals a plain file imported %d rows, want 2", res.Rows)
	}
}

// TestImportJSONNestingLimit: the limit itself imports (DuckDB reads it), one
// level more is refused, and brackets inside strings never count.
func TestImportJSONNestingLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	// The array of records and each record are two levels of the limit.
	atLimit := writeFile(t, dir, "at_limit.json", `[{"id":1,"v":`+deepJSON(MaxJSONDepth-2)+`},{"id":2,"v":null}]`)
	if res := mustImport(t, w, atLimit, ImportOptions{}); res.Rows != 2 {
		t.Errorf("%d levels: %d rows, want 2", MaxJSONDepth, res.Rows)
	}
	over := writeFile(t, dir, "over.json", `[{"id":1,"v":`+deepJSON(MaxJSONDepth-1)+`}]`)
	if _, err := w.Import(ctx, over, ImportOptions{}); err == nil || !strings.Contains(err.Error(), "the file nests 257 levels deep; segscope reads at most 256") {
		t.Errorf("%d levels: error %v", MaxJSONDepth+1, err)
	}
	quoted := strings.Repeat("[{", 50_000) + `\"` + strings.Repeat("]}", 50_000)
	inStrings := writeFile(t, dir, "in_strings.ndjson", `{"id":1,"note":"`+quoted+`"}`+"\n"+`{"id":2,"note":"]]"}`+"\n")
	res := mustImport(t, w, inStrings, ImportOptions{})
	var note string
	if err := w.db.QueryRowContext(ctx, `SELECT note FROM main.in_strings WHERE id = 1`).Scan(&note); err != nil || res.Rows != 2 || note != strings.ReplaceAll(quoted, `\"`, `"`) {
		t.Errorf("brackets in strings: %d rows, note of %d characters, %v", res.Rows, len(note), err)
	}
}

// TestImportJSONWithBOM: a byte order mark in front of JSON either imports the
// records as they are or is refused in words naming it; never one row holding
// the whole array.
func TestImportJSONWithBOM(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	files := map[string]string{
		"bom.ndjson": "\ufeff" + `{"id":1,"v":"a"}` + "\n" + `{"id":2,"v":"b"}` + "\n",
		"bom.json":   "\ufeff" + `[{"id":1,"v":"a"},` + "\n" + `{"id":2,"v":"b"}]`,
	}
	for name, content := range files {
		path := writeFile(t, dir, name, content)
		res, err := w.Import(ctx, path, ImportOptions{Table: "bom"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cols, err := w.Columns(ctx, "bom")
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 2 || len(cols) != 2 || cols[0].Name != "id" || cols[1].Name != "v" {
			t.Errorf("%s: imported %d rows of %v, want 2 rows of id, v", name, res.Rows, cols)
		}
	}
}

// TestJSONReadFormat reads files with and without a BOM through DuckDB with the
// format jsonReadFormat picks, and checks every one gives the records.
func TestJSONReadFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	records := `{"id":1,"v":"a"}` + "\n" + `{"id":2,"v":"b"}` + "\n"
	array := `[{"id":1,"v":"a"},` + "\n" + `{"id":2,"v":"b"}]`
	cases := []struct {
		name, content string
		format        Format
		want          string
	}{
		{"plain.ndjson", records, FormatNDJSON, "newline_delimited"},
		{"bom.ndjson", "\ufeff" + records, FormatNDJSON, "auto"},
		{"plain.json", array, FormatJSON, "array"},
		{"bom.json", "\ufeff" + array, FormatJSON, "array"},
		{"spaced.json", " \n\t" + array, FormatJSON, "array"},
		{"records.json", records, FormatJSON, "auto"},
		{"bomrecords.json", "\ufeff" + records, FormatJSON, "auto"},
	}
	for _, c := range cases {
		src := &sourceFile{path: writeFile(t, dir, c.name, c.content), format: c.format, head: []byte(c.content)}
		got := jsonReadFormat(src)
		if got != c.want {
			t.Errorf("%s: format %q, want %q", c.name, got, c.want)
		}
		q := `SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM read_json(` + QuoteString(src.path) + `, format = ` + QuoteString(got) + `)`
		var rows string
		if err := w.db.QueryRowContext(ctx, q).Scan(&rows); err != nil || rows != "1=a,2=b" {
			t.Errorf("%s read as %s: %q, %v", c.name, got, rows, err)
		}
	}
}

// TestImportOutOfRangeNumbers: 1e400 is beyond DOUBLE and a 60-digit integer
// beyond every integer type. In JSON and in CSV the file imports, or is refused
// in words; when it imports, the identifiers stay exact and the key is never the
// column that could not hold its values.
func TestImportOutOfRangeNumbers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	const huge = "123456789012345678901234567890123456789012345678901234567890"
	files := []string{
		writeFile(t, dir, "numbers.json", `[{"id":1,"big":1e400,"huge":`+huge+`},{"id":2,"big":2.5,"huge":5}]`),
		writeFile(t, dir, "numbers.ndjson", `{"id":1,"big":1e400,"huge":`+huge+`}`+"\n"+`{"id":2,"big":2.5,"huge":5}`+"\n"),
		writeFile(t, dir, "numbers.csv", "id,big,huge\n1,1e400,"+huge+"\n2,2.5,5\n"),
	}
	for _, path := range files {
		name := filepath.Base(path)
		res, err := w.Import(ctx, path, ImportOptions{Table: "numbers"})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "import "+path+": ") || strings.Contains(err.Error(), "Error:") {
				t.Errorf("%s: refused with %q, not in plain words naming the file", name, err)
			}
			continue
		}
		if res.Rows != 2 || res.Key != "id" {
			t.Errorf("%s: %d rows keyed by %q, want 2 keyed by id", name, res.Rows, res.Key)
		}
		cols, err := w.Columns(ctx, "numbers")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cols {
			names = append(names, c.Name)
		}
		if !slices.Equal(names, []string{"id", "big", "huge"}) {
			t.Errorf("%s: columns %v", name, names)
			continue
		}
		var id int64
		var big, hugeText string
		if err := w.db.QueryRowContext(ctx, `SELECT id, big::VARCHAR, huge::VARCHAR FROM main.numbers ORDER BY id LIMIT 1`).Scan(&id, &big, &hugeText); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if id != 1 {
			t.Errorf("%s: first id %d", name, id)
		}
		// The summary must account for every value that is not what the file says:
		// the import's own changes, or those outOfRangeChanges finds for it.
		explained := map[string]bool{}
		for _, c := range res.Changes {
			explained[c.Column] = true
		}
		found, err := outOfRangeChanges(ctx, w.db, "numbers", cols)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range found {
			explained[c.Column] = true
		}
		if big == "inf" && !explained["big"] {
			t.Errorf("%s: 1e400 became infinity without a word", name)
		}
		if hugeText != huge && !explained["huge"] {
			t.Errorf("%s: %s became %s (%s) without a word", name, huge, hugeText, cols[2].Type)
		}
	}
}
