package query

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportFormats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(peopleCSV))
	zw.Close()

	csvPath := writeFile(t, dir, "people.csv", peopleCSV)
	parquetPath := filepath.Join(dir, "people.parquet")
	mustImport(t, w, csvPath, ImportOptions{Table: "staging"})
	if _, err := w.DB().ExecContext(ctx, `COPY main.staging TO `+QuoteString(parquetPath)+` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, content string }{
		{"people.csv", peopleCSV},
		{"people.tsv", strings.ReplaceAll(peopleCSV, ",", "\t")},
		{"semicolons.txt", strings.ReplaceAll(peopleCSV, ",", ";")},
		{"people.json", `[{"person_id":1,"name":"Ann","age":34,"plan":"premium"},{"person_id":2,"name":"Bob","age":19,"plan":"basic"},{"person_id":3,"name":"Cid","age":null,"plan":"family"},{"person_id":4,"name":"Dee","age":52,"plan":"premium"}]`},
		{"people.ndjson", "{\"person_id\":1,\"name\":\"Ann\",\"age\":34,\"plan\":\"premium\"}\n{\"person_id\":2,\"name\":\"Bob\",\"age\":19,\"plan\":\"basic\"}\n{\"person_id\":3,\"name\":\"Cid\",\"plan\":\"family\"}\n{\"person_id\":4,\"name\":\"Dee\",\"age\":52,\"plan\":\"premium\"}\n"},
		{"people.csv.gz", gz.String()},
	}
	paths := map[string]string{"people.parquet": parquetPath}
	for _, c := range cases {
		paths[c.name] = writeFile(t, dir, c.name, c.content)
	}
	for name, path := range paths {
		t.Run(name, func(t *testing.T) {
			res := mustImport(t, w, path, ImportOptions{})
			if res.Rows != 4 || res.Rejected != 0 || res.Key != "person_id" || res.Columns != 4 {
				t.Fatalf("got %+v, want 4 rows, 4 columns, key person_id", res)
			}
			if len(res.SHA256) != 64 {
				t.Fatalf("sha256 %q", res.SHA256)
			}
			n, err := w.Count(ctx, res.Table, `"plan" = 'premium'`)
			if err != nil || n != 2 {
				t.Fatalf("premium count = %d, %v", n, err)
			}
		})
	}
	if got := TableNameFromPath(paths["people.csv.gz"]); got != "people" {
		t.Fatalf("table name from .csv.gz = %q", got)
	}
}

func TestImportRecordsAndReplaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	path := writeFile(t, dir, "people.csv", peopleCSV)
	first := mustImport(t, w, path, ImportOptions{})
	if first.Replaced {
		t.Fatal("first import reported a replacement")
	}
	writeFile(t, dir, "people.csv", peopleCSV+"5,Eve,41,basic\n")
	second := mustImport(t, w, path, ImportOptions{})
	if !second.Replaced || second.Rows != 5 || second.SHA256 == first.SHA256 {
		t.Fatalf("re-import: %+v", second)
	}
	var imports int
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*) FROM segscope.imports WHERE table_name = 'people'`).Scan(&imports); err != nil || imports != 2 {
		t.Fatalf("import records = %d, %v", imports, err)
	}
	log, err := w.AuditLog(ctx, AuditFilter{Action: ActionImport})
	if err != nil || len(log) != 2 || log[0].Subject != "people" || !strings.Contains(log[0].Details, second.SHA256) {
		t.Fatalf("audit = %+v, %v", log, err)
	}
	// The source is only read.
	data, _ := os.ReadFile(path)
	if string(data) != peopleCSV+"5,Eve,41,basic\n" {
		t.Fatal("source file changed")
	}
}

func TestImportPathIsNotAGlob(t *testing.T) {
	t.Parallel()
	w := openMemory(t)
	dir := t.TempDir()
	writeFile(t, dir, "a.csv", "id,v\n1,x\n2,y\n3,z\n")
	for _, name := range []string{"?.csv", "[a].csv", "*.csv", "it's.csv"} {
		path := writeFile(t, dir, name, "id,v\n9,only\n")
		res := mustImport(t, w, path, ImportOptions{Table: "t"})
		if res.Rows != 1 {
			t.Fatalf("%s read %d rows: the path was treated as a pattern", name, res.Rows)
		}
	}
}

func TestImportBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	mustImport(t, w, writeFile(t, dir, "existing.csv", peopleCSV), ImportOptions{})

	var truncGz bytes.Buffer
	zw := gzip.NewWriter(&truncGz)
	zw.Write([]byte(strings.Repeat(peopleCSV[len("person_id,name,age,plan\n"):], 2000)))
	zw.Close()
	parquet := filepath.Join(dir, "good.parquet")
	if _, err := w.DB().ExecContext(ctx, `COPY (SELECT range AS id FROM range(1000)) TO `+QuoteString(parquet)+` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	pq, _ := os.ReadFile(parquet)
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)

	failures := []struct {
		name, file, content, want string
	}{
		{"missing path", "nope.csv", "", "no such file"},
		{"directory", "adir", "", "is a directory"},
		{"empty file", "empty.csv", "", "is empty"},
		{"header only", "header.csv", "id,name\n", "no data rows"},
		{"binary named csv", "binary.csv", "\x00\x01\x02\x03garbage\x00\xff", "binary file"},
		{"wrong extension", "sheet.xlsx", "PK\x03\x04", "unsupported file type .xlsx"},
		{"not parquet", "fake.parquet", "id,name\n1,a\n", "not a Parquet file"},
		{"truncated parquet", "cut.parquet", string(pq[:len(pq)/2]), "cut.parquet"},
		{"truncated gzip", "cut.csv.gz", truncGz.String()[:truncGz.Len()/2], "truncated or corrupt gzip"},
		{"not gzip", "plain.csv.gz", peopleCSV, "not gzip-compressed"},
		{"bad json", "bad.json", `[{"a": 1}, {"a": `, "bad.json"},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join(dir, f.file)
			if f.content != "" || f.name == "empty file" {
				writeFile(t, dir, f.file, f.content)
			}
			before := takeSnapshot(t, w)
			_, err := w.Import(ctx, path, ImportOptions{Table: "existing"})
			if err == nil {
				t.Fatal("imported without an error")
			}
			if !strings.Contains(err.Error(), f.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: want one line containing %q", err, f.want)
			}
			if after := takeSnapshot(t, w); !before.equal(after) {
				t.Fatalf("workspace changed: %+v -> %+v", before, after)
			}
		})
	}

	partial := []struct {
		name, file, content string
		rows, rejected      int64
		note                string
	}{
		{"ragged rows", "ragged.csv", "id,name,age\n1,a,3\n2,b\n3,c,5,6\n4,d,7\n", 2, 2, "rejected"},
		{"bad quoting", "quotes.csv", "id,name\n1,\"ok\"\n2,\"unterminated\n3,fine\n", 3, 0, "quoting is inconsistent"},
		{"non-UTF-8", "latin.csv", "id,name\n1,caf\xe9\n2,na\xefve\n", 2, 0, "Latin-1"},
		{"parquet named csv", "really.csv", string(pq), 1000, 0, "Parquet despite"},
	}
	for _, p := range partial {
		t.Run(p.name, func(t *testing.T) {
			res, err := w.Import(ctx, writeFile(t, dir, p.file, p.content), ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != p.rows || res.Rejected != p.rejected || !strings.Contains(strings.Join(res.Summary(), ";"), p.note) {
				t.Fatalf("got rows=%d rejected=%d notes=%q; want %d, %d, %q", res.Rows, res.Rejected, res.Summary(), p.rows, p.rejected, p.note)
			}
		})
	}

	t.Run("hostile and duplicate column names", func(t *testing.T) {
		content := "id,\"\"\"; DROP TABLE existing; --\",name,name\n1,x,a,b\n2,y,c,d\n"
		res := mustImport(t, w, writeFile(t, dir, "hostile.csv", content), ImportOptions{})
		cols, err := w.Columns(ctx, res.Table)
		if err != nil || len(cols) != 4 || cols[1].Name != `"; DROP TABLE existing; --` || cols[2].Name == cols[3].Name {
			t.Fatalf("columns %+v, %v", cols, err)
		}
		if _, err := w.Table(ctx, "existing"); err != nil {
			t.Fatal("a hostile column name dropped a table")
		}
		if _, err := w.ProfileColumn(ctx, res.Table, cols[1].Name, ""); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("invalid table name", func(t *testing.T) {
		_, err := w.Import(ctx, filepath.Join(dir, "existing.csv"), ImportOptions{Table: `x"; drop`})
		if err == nil || !strings.Contains(err.Error(), "not a valid table name") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestImportCancelled(t *testing.T) {
	t.Parallel()
	w := openMemory(t)
	path := writeFile(t, t.TempDir(), "people.csv", peopleCSV)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := takeSnapshot(t, w)
	if _, err := w.Import(ctx, path, ImportOptions{}); err == nil {
		t.Fatal("cancelled import succeeded")
	}
	if !before.equal(takeSnapshot(t, w)) {
		t.Fatal("cancelled import changed the workspace")
	}
}
