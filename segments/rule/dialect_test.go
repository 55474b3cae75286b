package rule_test

import (
	"bufio"
	"compress/gzip"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/segments/rule"
)

var update = flag.Bool("update", false, "rewrite the dialect golden files")

// The dialect corpus (testdata/dialect_corpus.txt) is run by every dialect
// test: DuckDB and PostgreSQL must select the same people for each rule
// (TestPostgresDifferential), and the other dialects' SQL is kept as golden
// files (TestDialectGolden).
//
// Its format: "== TABLE" starts the rules of an audience table; "NAME :=
// RULE" defines a segment that later rules may use (and is a rule of the
// corpus itself); "now: RULE" is compiled against the current time rather
// than the fixture's as-of time; "edge: RULE" may select nobody or
// everyone, which any other rule must not (a rule that keeps or drops every
// row would agree across engines whatever the SQL said). Lines starting with
// # are comments.
type corpusRule struct {
	Line    int
	Table   string
	Segment string // set for a definition
	Text    string
	Now     bool
	Edge    bool
}

func readCorpus(t *testing.T) []corpusRule {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "dialect_corpus.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusRule
	table := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "== "):
			table = strings.TrimPrefix(line, "== ")
			continue
		}
		r := corpusRule{Line: n, Table: table}
		if rest, ok := strings.CutPrefix(line, "now:"); ok {
			r.Now, line = true, strings.TrimSpace(rest)
		}
		if rest, ok := strings.CutPrefix(line, "edge:"); ok {
			r.Edge, line = true, strings.TrimSpace(rest)
		}
		if name, text, ok := strings.Cut(line, " := "); ok && !strings.ContainsAny(name, " '(") {
			r.Segment, line = name, text
		}
		r.Text = line
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fixtureAsOf is when the fixture's events and dates are counted from.
var fixtureAsOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// audiences are the fixture's audience tables with their keys and event
// tables (event table, its key, its time column).
var audiences = map[string]struct {
	key    string
	events [][3]string
}{
	"subscribers":      {"subscriber_id", [][3]string{{"purchases", "customer", "bought_at"}}},
	`odd "people"; --`: {"Id", [][3]string{{`line items "2026"`, "who", "when"}}},
}

// dialectFixture is a DuckDB database holding the sample's subscribers, a
// table of hostile names and values, and an event table for each.
func dialectFixture(t *testing.T) *sql.DB {
	t.Helper()
	db := openDB(t)
	csv := filepath.Join(t.TempDir(), "subscribers.csv")
	gz, err := sampledata.Files.Open("subscribers.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	zr, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(csv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	out.Close()
	stmts := []string{
		`CREATE TABLE subscribers AS SELECT * FROM read_csv(` + quoteLit(csv) + `)`,
		// Purchases of most subscribers (none for every seventh), at
		// times spread over two years before the as-of date; some without
		// a customer, an amount or a product.
		`CREATE TABLE purchases AS
		 SELECT CASE WHEN i = 3 AND subscriber_id % 11 = 0 THEN NULL ELSE subscriber_id END AS customer,
		        TIMESTAMP '2026-11-01' - to_minutes(CAST(hash(subscriber_id, i) % 1051200 AS BIGINT)) AS bought_at,
		        CASE WHEN (subscriber_id + i) % 13 = 0 THEN NULL ELSE CAST((hash(i, subscriber_id) % 20000) / 100.0 AS DECIMAL(10, 2)) END AS amount,
		        CAST(1 + (subscriber_id * 7 + i) % 4 AS INTEGER) AS qty,
		        CASE (subscriber_id + i) % 6 WHEN 0 THEN 'Premium Plan' WHEN 1 THEN '50% off_deal' WHEN 2 THEN 'gift\card'
		             WHEN 3 THEN 'Éclair box' WHEN 4 THEN NULL ELSE 'basic' END AS product,
		        (subscriber_id + i) % 5 = 0 AS refunded
		 FROM subscribers, range(0, CAST(subscriber_id % 6 AS BIGINT)) r(i)
		 WHERE subscriber_id % 7 <> 0`,
		`CREATE TABLE "odd ""people""; --" (
		   "Id" VARCHAR, "select" VARCHAR, "Mixed Case" INTEGER, "naïve col" DOUBLE, "pct%_col" VARCHAR,
		   "joined on" DATE, "seen at" TIMESTAMP, "ok?" BOOLEAN, "price" DECIMAL(12, 3))`,
		`INSERT INTO "odd ""people""; --"
		 SELECT 'k' || lpad(CAST(i AS VARCHAR), 3, '0'),
		        CASE i % 9 WHEN 0 THEN NULL WHEN 1 THEN 'a%b' WHEN 2 THEN 'a_b' WHEN 3 THEN 'a\b' WHEN 4 THEN 'O''Brien'
		             WHEN 5 THEN 'Zoë' WHEN 6 THEN 'zebra' WHEN 7 THEN 'ÉCOLE' ELSE '' END,
		        CASE WHEN i % 10 = 0 THEN NULL ELSE CAST(i % 17 - 8 AS INTEGER) END,
		        CASE WHEN i % 12 = 0 THEN NULL ELSE (i % 23) / 4.0 - 2 END,
		        CASE i % 5 WHEN 0 THEN '100%' WHEN 1 THEN 'x_y' WHEN 2 THEN NULL WHEN 3 THEN '\%' ELSE 'plain' END,
		        CASE WHEN i % 8 = 0 THEN NULL ELSE DATE '2026-11-01' - CAST(i * 5 AS INTEGER) END,
		        CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '2026-11-01 12:00' - to_hours(CAST(i * 31 AS BIGINT)) END,
		        CASE WHEN i % 6 = 0 THEN NULL ELSE i % 3 = 0 END,
		        CASE WHEN i % 9 = 0 THEN NULL ELSE CAST(i * 1.125 AS DECIMAL(12, 3)) END
		 FROM range(0, 240) r(i)`,
		`CREATE TABLE "line items ""2026""" AS
		 SELECT CASE WHEN j = 2 AND i % 5 = 0 THEN NULL ELSE 'k' || lpad(CAST(i AS VARCHAR), 3, '0') END AS who,
		        DATE '2026-11-01' - CAST((i * 13 + j * 29) % 400 AS INTEGER) AS "when",
		        CASE WHEN j = 1 AND i % 4 = 0 THEN NULL ELSE (i * j) % 50 / 2.0 END AS amt,
		        CASE (i + j) % 4 WHEN 0 THEN 'Refund' WHEN 1 THEN 'sale' WHEN 2 THEN NULL ELSE 'SALE_x' END AS note
		 FROM range(0, 240) r(i), range(0, CAST(i % 4 AS BIGINT)) s(j)`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
	return db
}

func quoteLit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// duckColumns reads a table's columns with DuckDB's type names.
func duckColumns(t *testing.T, db *sql.DB, table string) (names, types []string) {
	t.Helper()
	rows, err := db.Query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n, ty string
		if err := rows.Scan(&n, &ty); err != nil {
			t.Fatal(err)
		}
		names, types = append(names, n), append(types, ty)
	}
	if len(names) == 0 {
		t.Fatalf("no table %s", table)
	}
	return names, types
}

func ruleColumns(t *testing.T, db *sql.DB, table string) []rule.Column {
	names, types := duckColumns(t, db, table)
	cols := make([]rule.Column, len(names))
	for i := range names {
		cols[i] = rule.Column{Name: names[i], Type: rule.TypeFromDuckDB(types[i])}
	}
	return cols
}

// fixtureSchema is an audience table of the fixture as rules see it.
func fixtureSchema(t *testing.T, db *sql.DB, table string) rule.Schema {
	a, ok := audiences[table]
	if !ok {
		t.Fatalf("the corpus names %q, which is not an audience of the fixture", table)
	}
	s := rule.Schema{Table: table, Columns: ruleColumns(t, db, table), Key: a.key, AsOf: fixtureAsOf}
	for _, e := range a.events {
		s.Events = append(s.Events, rule.EventTable{Name: e[0], Key: e[1], Time: e[2], Columns: ruleColumns(t, db, e[0])})
	}
	return s
}

// compileCorpus compiles each rule of the corpus for d, in order, with the
// definitions before it as its segments. A rule d cannot express gives its
// error instead of SQL.
func compileCorpus(t *testing.T, db *sql.DB, corpus []corpusRule, d *rule.Dialect) (sqls []string, errs []error) {
	schemas := map[string]rule.Schema{}
	defined := map[string]string{}
	for _, r := range corpus {
		s, ok := schemas[r.Table]
		if !ok {
			s = fixtureSchema(t, db, r.Table)
			schemas[r.Table] = s
		}
		if r.Now {
			s.AsOf = time.Time{}
		}
		resolve := func(name string) (string, error) {
			if text, ok := defined[r.Table+"\x00"+name]; ok {
				return text, nil
			}
			return "", fmt.Errorf("not defined above line %d", r.Line)
		}
		sql, err := rule.CompileFor(d, r.Segment, r.Text, s, resolve)
		sqls, errs = append(sqls, sql), append(errs, err)
		if r.Segment != "" {
			defined[r.Table+"\x00"+r.Segment] = r.Text
		}
	}
	return sqls, errs
}

// TestDialectGolden keeps each dialect's SQL for the whole corpus in
// testdata/dialect_NAME.golden (go test -run TestDialectGolden -update
// rewrites them): a change to what any engine is sent shows up in review.
func TestDialectGolden(t *testing.T) {
	db := dialectFixture(t)
	corpus := readCorpus(t)
	for _, d := range rule.Dialects {
		t.Run(d.Name, func(t *testing.T) {
			sqls, errs := compileCorpus(t, db, corpus, d)
			var b strings.Builder
			for i, r := range corpus {
				fmt.Fprintf(&b, "-- line %d, %s: %s\n", r.Line, r.Table, r.Text)
				if errs[i] != nil {
					fmt.Fprintf(&b, "error: %v\n\n", errs[i])
					continue
				}
				b.WriteString(sqls[i] + "\n\n")
			}
			path := filepath.Join("testdata", "dialect_"+d.Name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./segments/rule -run TestDialectGolden -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("the %s SQL of the corpus differs from %s (rerun with -update if the change is meant):\n%s",
					d.Name, path, firstDifference(string(want), b.String()))
			}
		})
	}
}

func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d\nwant %s\n got %s", i+1, wl, gl)
		}
	}
	return ""
}

// TestDialectDuckDBUnchanged: compiling for DuckDB through CompileFor is
// Compile, byte for byte, across the corpus.
func TestDialectDuckDBUnchanged(t *testing.T) {
	db := dialectFixture(t)
	corpus := readCorpus(t)
	sqls, errs := compileCorpus(t, db, corpus, rule.DuckDB)
	defined := map[string]string{}
	schemas := map[string]rule.Schema{}
	for i, r := range corpus {
		s, ok := schemas[r.Table]
		if !ok {
			s = fixtureSchema(t, db, r.Table)
			schemas[r.Table] = s
		}
		if r.Now {
			s.AsOf = time.Time{}
		}
		got, err := rule.Compile(r.Text, s, func(name string) (string, error) { return defined[name], nil })
		if err != nil || errs[i] != nil {
			t.Fatalf("line %d: %v / %v", r.Line, err, errs[i])
		}
		if got != sqls[i] {
			t.Errorf("line %d: Compile gives\n%s\nCompileFor(DuckDB)\n%s", r.Line, got, sqls[i])
		}
		if r.Segment != "" {
			defined[r.Segment] = r.Text
		}
	}
}

// TestDialectCannotExpress: what an engine cannot write with the rule's
// meaning is an error naming the construct and the engine.
func TestDialectCannotExpress(t *testing.T) {
	long := strings.Repeat("x", 64)
	s := rule.Schema{Table: "t", Columns: []rule.Column{{Name: "a", Type: rule.TypeString}, {Name: "b", Type: rule.TypeString}, {Name: long, Type: rule.TypeNumber}}}
	tests := []struct {
		d          *rule.Dialect
		src, wants string
	}{
		{rule.BigQuery, "a like b", "like with a pattern that is not written out cannot be written in bigquery SQL"},
		{rule.Databricks, "a not ilike lower(b)", "ilike with a pattern that is not written out cannot be written in databricks SQL"},
		{rule.Postgres, long + " > 1", "longer than the 63 bytes postgres keeps"},
	}
	for _, tc := range tests {
		_, err := rule.CompileFor(tc.d, "", tc.src, s, nil)
		if err == nil || !strings.Contains(err.Error(), tc.wants) {
			t.Errorf("%s: %q gives %v, want an error saying %q", tc.d.Name, tc.src, err, tc.wants)
		}
	}
	// The same rules are fine where the engine can write them.
	for _, ok := range []struct {
		d   *rule.Dialect
		src string
	}{{rule.Postgres, "a like b"}, {rule.Postgres, "a not ilike lower(b)"}, {rule.Snowflake, long + " > 1"}} {
		if _, err := rule.CompileFor(ok.d, "", ok.src, s, nil); err != nil {
			t.Errorf("%s: %q: %v", ok.d.Name, ok.src, err)
		}
	}
	if _, err := rule.DialectNamed("oracle"); err == nil || !strings.Contains(err.Error(), "duckdb, postgres, bigquery, snowflake, databricks") {
		t.Errorf("DialectNamed(oracle) = %v", err)
	}
}
