package query

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzFormats are the file names the fuzzed bytes are imported under, picked by
// the input's first number: each name sends them down another reader.
var fuzzFormats = []string{"people.csv", "people.tsv", "people.json", "people.txt"}

// FuzzImport hands arbitrary bytes to the importer as a CSV, TSV, JSON or text
// file. Whatever they are, the import either fails with one line saying why and
// leaves the workspace as it was, or makes a table holding the rows it counted,
// with a key that is unique and never empty, which pages and profiles.
// Seeds are the bad-input classes of the product's specification; run with
// go test ./query -run X -fuzz FuzzImport -fuzztime 60s to look further.
func FuzzImport(f *testing.F) {
	const csv, tsv, json, txt = 0, 1, 2, 3
	seeds := []struct {
		format uint8
		data   string
	}{
		{csv, peopleCSV},
		{csv, "id;name;amount\r\n001;Ann;12,5\r\n002;Bob;\r\n"},
		{csv, "id,name,age\n1,a,3\n2,b\n3,c,5,6\n4,d,7\n"},
		{csv, "id,name\n1,\"ok\"\n2,\"unterminated\n3,fine\n"},
		{csv, "id,name\n1,caf\xe9\n2,na\xefve\n"},
		{csv, "\xef\xbb\xbfid,name\n1,bom\n"},
		{csv, "\x00\x01\x02\x03garbage\x00\xff"},
		{csv, ""},
		{csv, "id,name\n"},
		{csv, "id,\"\"\"; DROP TABLE existing; --\",name,name,,\n1,x,a,b,c,d\n"},
		{csv, "Customer ID,Signed Up,Active\n1.0,03/04/2023,Yes\n,15/11/2022,No\n3.0,31/12/2021,Yes\n"},
		{csv, "x\n" + strings.Repeat("y", 100_000) + "\n"},
		{tsv, "a\tb\n1\t2\n"},
		{json, `[{"id": 1, "tags": ["a"], "n": {"x": 1}}, {"id": 2}]`},
		{json, `{"id": 1}` + "\n" + `{"id": "two"}` + "\n"},
		{json, strings.Repeat("[", 5000) + strings.Repeat("]", 5000)},
		{txt, "id|name\n1|a\n"},
	}
	for _, s := range seeds {
		f.Add(s.format, []byte(s.data))
	}
	ctx := context.Background()
	w := openMemory(f)
	dir := f.TempDir()
	mustImport(f, w, writeFile(f, dir, "existing.csv", peopleCSV), ImportOptions{})
	f.Fuzz(func(t *testing.T, pick uint8, data []byte) {
		path := filepath.Join(dir, fuzzFormats[int(pick)%len(fuzzFormats)])
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		before := takeSnapshot(t, w)
		res, err := w.Import(ctx, path, ImportOptions{Table: "fuzzed"})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("the error is not one line: %q", err)
			}
			if after := takeSnapshot(t, w); !before.equal(after) {
				t.Fatalf("a failed import changed the workspace: %+v -> %+v", before, after)
			}
			return
		}
		var rows, keys, distinct int64
		key := QuoteIdent(res.Key)
		if err := w.DB().QueryRowContext(ctx, `SELECT count(*), count(`+key+`), count(DISTINCT `+key+`) FROM main.fuzzed`).Scan(&rows, &keys, &distinct); err != nil {
			t.Fatal(err)
		}
		if rows != res.Rows || keys != rows || distinct != rows {
			t.Fatalf("%d rows (import said %d), %d keys, %d distinct: the key %q is not unique and whole", rows, res.Rows, keys, distinct, res.Key)
		}
		cols, err := w.Columns(ctx, "fuzzed")
		if err != nil || len(cols) != res.Columns {
			t.Fatalf("columns %d (import said %d): %v", len(cols), res.Columns, err)
		}
		if _, err := w.Rows(ctx, Page{Table: "fuzzed", Limit: 50}); err != nil {
			t.Fatalf("first page: %v", err)
		}
		for _, c := range cols {
			if _, err := w.ProfileColumn(ctx, "fuzzed", c.Name, ""); err != nil {
				t.Fatalf("profile of %q (%s): %v", c.Name, c.Type, err)
			}
		}
	})
}
