package querytest

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
)

// Secrets are files planted where a hostile query could reach them. Each holds
// Marker; one file's name holds NameMarker and is reachable only by a glob, so
// an echoed directory listing shows up too.
type Secrets struct {
	Dir        string
	Marker     string
	NameMarker string
	files      []string
}

// PlantSecrets writes the secret files into a new directory and makes it the
// working directory for the test, so relative paths ('secret.csv') and
// DuckDB's replacement scans of bare names look there.
func PlantSecrets(tb testing.TB) Secrets {
	tb.Helper()
	s := Secrets{Dir: tb.TempDir(), Marker: "SECRET" + strings.ToUpper(rand.Text()), NameMarker: "NAMED" + strings.ToUpper(rand.Text())}
	write := func(name, content string) {
		path := filepath.Join(s.Dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("secret.csv", "id,secret\n1,"+s.Marker+"\n")
	write("secret.tsv", "id\tsecret\n1\t"+s.Marker+"\n")
	write("secret.json", `[{"id": 1, "secret": "`+s.Marker+`"}]`)
	write("secret.txt", s.Marker+"\n")
	write("subscribers", "id,secret\n1,"+s.Marker+"\n") // a file named like the table
	write("nested/deep/"+s.NameMarker+".json", `{"secret": "`+s.Marker+`"}`)
	gz, err := os.Create(filepath.Join(s.Dir, "secret.csv.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	zw := gzip.NewWriter(gz)
	fmt.Fprintf(zw, "id,secret\n1,%s\n", s.Marker)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	gz.Close()
	// DuckDB writes the Parquet file and the foreign database itself.
	maker, err := query.Open(context.Background(), query.Memory)
	if err != nil {
		tb.Fatal(err)
	}
	defer maker.Close()
	for _, stmt := range []string{
		`COPY (SELECT 1 AS id, ` + query.QuoteString(s.Marker) + ` AS secret) TO ` + query.QuoteString(filepath.Join(s.Dir, "secret.parquet")) + ` (FORMAT parquet)`,
		`ATTACH ` + query.QuoteString(filepath.Join(s.Dir, "secret.duckdb")) + ` AS planted`,
		`CREATE TABLE planted.secret AS SELECT ` + query.QuoteString(s.Marker) + ` AS secret`,
		`DETACH planted`,
	} {
		if _, err := maker.DB().ExecContext(context.Background(), stmt); err != nil {
			tb.Fatalf("plant secrets: %v", err)
		}
	}
	s.files = s.listing(tb)
	tb.Chdir(s.Dir)
	return s
}

func (s Secrets) listing(tb testing.TB) []string {
	tb.Helper()
	var files []string
	err := filepath.WalkDir(s.Dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, fmt.Sprintf("%s %d", path, info.Size()))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// Untouched fails the test if any file was created or changed size in the
// secrets directory (the working directory) since the secrets were planted.
func (s Secrets) Untouched(tb testing.TB) {
	tb.Helper()
	if now := s.listing(tb); !slices.Equal(now, s.files) {
		tb.Errorf("the secrets directory changed:\nbefore %v\nafter  %v", s.files, now)
	}
}

// HostileSQL is one statement of the adversarial suite. Runs marks the few
// that are harmless and must run, returning workspace data only (a CTE that
// merely borrows a file's name, a string that merely looks like a statement);
// every other one must be refused.
type HostileSQL struct {
	SQL string
	// Class is the kind of attack, as the suite groups them ("Writes and DDL",
	// "Replacement scans", ...; "Harmless" for the ones that run).
	Class string
	Runs  bool
}

// Check asserts what every path running user SQL owes a hostile statement:
// neither its output nor its error carries a secret, and it is refused unless
// it is one of the harmless ones.
func (s Secrets) Check(tb testing.TB, h HostileSQL, output string, err error) {
	tb.Helper()
	text := output
	if err != nil {
		text += "\n" + err.Error()
	}
	for _, secret := range []string{s.Marker, s.NameMarker, "planted"} {
		if strings.Contains(text, secret) {
			tb.Errorf("%s\nleaked %s:\n%s", h.SQL, secret, text)
		}
	}
	switch {
	case h.Runs && err != nil:
		tb.Errorf("%s\nwas refused but is harmless: %v", h.SQL, err)
	case !h.Runs && err == nil:
		tb.Errorf("%s\nran, want refused; output:\n%s", h.SQL, output)
	}
}

// HostileStatements is the adversarial suite, aimed at the secrets and at the
// sample's subscribers table.
func HostileStatements(s Secrets) []HostileSQL {
	abs := func(name string) string { return filepath.Join(s.Dir, name) }
	q := query.QuoteString
	classes := []struct {
		name    string
		refused []string
	}{
		{"Writes and DDL", []string{
			`drop table subscribers`,
			`delete from subscribers`,
			`update subscribers set plan = 'x'`,
			`insert into subscribers select * from subscribers limit 1`,
			`truncate subscribers`,
			`alter table subscribers rename to gone`,
			`create table stolen as select * from 'secret.csv'`,
			`create view v as select * from read_csv('secret.csv')`,
			`create macro m() as table from 'secret.csv'`,
			`create or replace table subscribers as select 1`,
			`create temp table t as select * from 'secret.csv'`,
			`create secret s (type s3, key_id 'x', secret 'y')`,
			`begin transaction`,
			`checkpoint`,
			`vacuum subscribers`,
			`select 1; drop table subscribers`,
			`select 1; select * from 'secret.csv'`,
		}},
		{"COPY, EXPORT, IMPORT", []string{
			`copy subscribers to 'stolen.csv'`,
			`copy (select * from subscribers) to ` + q(abs("stolen.parquet")) + ` (format parquet)`,
			`copy subscribers from 'secret.csv'`,
			`export database 'exported'`,
			`import database '.'`,
		}},
		{"ATTACH, DETACH, USE", []string{
			`attach 'secret.duckdb' as stolen`,
			`attach ` + q(abs("secret.duckdb")) + ` as stolen (read_only)`,
			`attach ':memory:' as scratch`,
			`detach segscope_scratch`,
			`use system`,
		}},
		{"Extensions", []string{
			`install httpfs`,
			`load httpfs`,
			`load 'secret.duckdb'`,
			`force install json`,
		}},
		{"PRAGMA, SET, RESET, CALL", []string{
			`pragma enable_profiling = 'json'`,
			`pragma profiling_output = 'profile.json'`,
			`pragma database_list`,
			`set enable_external_access = true`,
			`set disabled_filesystems = ''`,
			`set lock_configuration = false`,
			`reset lock_configuration`,
			`set file_search_path = ` + q(s.Dir),
			`set log_query_path = 'queries.log'`,
			`set memory_limit = '100GB'`,
			`call pragma_version()`,
			`call read_csv('secret.csv')`,
			`explain select * from 'secret.csv'`,
			`explain analyze select * from read_text('secret.txt')`,
		}},
		{"Table functions that reach files or run SQL text", []string{
			`select * from read_csv('secret.csv')`,
			`select * from read_csv_auto(` + q(abs("secret.csv")) + `)`,
			`select * from read_json('secret.json')`,
			`select * from read_json_auto('secret.json')`,
			`select * from read_ndjson_objects('secret.json')`,
			`select * from read_parquet('secret.parquet')`,
			`select * from parquet_scan('secret.parquet')`,
			`select * from parquet_metadata('secret.parquet')`,
			`select * from parquet_schema('secret.parquet')`,
			`select * from read_text('secret.txt')`,
			`select * from read_blob('secret.txt')`,
			`select * from glob('**/*')`,
			`select * from glob(` + q(s.Dir+"/**/*.json") + `)`,
			`select * from sniff_csv('secret.csv')`,
			`select * from query('select * from ''secret.csv''')`,
			`select * from query_table('secret.csv')`,
			`select * from duckdb_settings()`,
			`select * from duckdb_secrets()`,
			`select * from duckdb_databases()`,
		}},
		{"Replacement scans: a string or unknown name in FROM", []string{
			`select * from 'secret.csv'`,
			`select * from "secret.csv"`,
			`select * from ` + q(abs("secret.parquet")),
			`select * from 'secret.json'`,
			`select * from 'secret.csv.gz'`,
			`select * from 'secret.tsv'`,
			`select * from '*.csv'`,
			`select * from ` + q(s.Dir+"/**/*.json"),
			`select * from 'file://` + abs("secret.csv") + `'`,
			`select * from E'secret.csv'`,
			`select * from $$secret.csv$$`,
			`select * from 'subscribers'`,
			`from 'secret.csv'`,
			`from 'secret.csv' select secret`,
			`summarize 'secret.csv'`,
			`describe 'secret.csv'`,
			`show 'secret.csv'`,
			`select * from main."secret.csv"`,
			`select * from system.main."secret.csv"`,
			`select * from secret.csv`,
			`select * from segscope_scratch.main.anything`,
			`pivot 'secret.csv' on secret`,
		}},
		{"CTE and alias tricks", []string{
			`with "secret.csv" as (select * from 'secret.csv') select count(*) from "secret.csv"`,
			`with "secret.parquet" as (select * from 'secret.parquet') select * from "secret.parquet"`,
			`with "secret.json" as (select * from 'secret.json') select * from "secret.json"`,
			`with "` + s.Dir + `/**/*.json" as (select * from '` + s.Dir + `/**/*.json') select * from "` + s.Dir + `/**/*.json"`,
			`with "secret.csv" as (select * from "secret.csv") select * from "secret.csv"`,
			`with a as (select * from b), b as (select * from 'secret.csv') select * from a`,
			`with a as (select * from "secret.csv"), "secret.csv" as (select 1) select * from a`,
			`with x as (with "secret.csv" as (select 1) select 1) select * from x, "secret.csv"`,
			`select * from (with "secret.csv" as (select 1 as one) select * from "secret.csv"), "secret.csv"`,
			`with recursive "secret.csv" as (select * from "secret.csv" union all select 1) select * from "secret.csv" limit 1`,
			`with recursive t as (select * from 'secret.csv' union all select * from t) select * from t limit 1`,
			`with x as materialized (select * from read_csv('secret.csv')) select count(*) from x`,
			`with "subscribers" as (select * from 'subscribers') select * from "subscribers"`,
			`select * from subscribers as "secret.csv", "secret.csv"`,
		}},
		{"Nested subqueries", []string{
			`select * from subscribers where subscriber_id in (select id from 'secret.csv')`,
			`select (select secret from 'secret.csv')`,
			`select exists (from 'secret.json')`,
			`select * from subscribers, lateral (select * from read_csv('secret.csv'))`,
			`select email from subscribers union all select secret from 'secret.csv'`,
			`select * from (select * from (select * from (from 'secret.parquet')))`,
			`select list_transform([1], x -> (select secret from 'secret.csv'))`,
			`select * from subscribers positional join 'secret.csv'`,
			`select * from range(3) where (select count(*) from glob('*')) > 0`,
		}},
		{"Comments", []string{
			`select * from /* a comment */ 'secret.csv'`,
			`select 1 /* ; */ ; drop table subscribers`,
			"-- just a comment\ndrop table subscribers",
			`/* select */ copy subscribers to 'stolen.csv'`,
		}},
		{"Unicode look-alikes", []string{
			`with "ſecret.csv" as (select 1) select * from "secret.csv"`,           // long s
			`with "SECRET.CSV" as (select 1) select * from "secret.ᴄsv"`,           // small capital C
			"with \"secret\u200b.csv\" as (select 1) select * from \"secret.csv\"", // zero-width space
			`with "secrеt.csv" as (select 1) select * from "secret.csv"`,           // Cyrillic е
			"select * from read\u200b_csv('secret.csv')",
			`select * from rеad_csv('secret.csv')`, // Cyrillic е
			`select 1； drop table subscribers`,     // full-width semicolon
			`ＤＲＯＰ table subscribers`,
		}},
	}
	runs := []string{
		`select count(*) from subscribers`,
		`with "secret.csv" as (select plan from subscribers) select count(*) from "secret.csv"`,
		`with "SECRET.CSV" as (select 1 as one) select * from "secret.csv"`, // DuckDB folds ASCII case
		`with a as (select 1 as one), b as (select * from a) select * from b`,
		`with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) select * from t`,
		`select 1 -- ; drop table subscribers`,
		`select ';drop table subscribers'`,
		`select $$'; copy subscribers to 'stolen.csv'$$`,
		`select 'secret.csv' as looks_like_a_path`,
		`select count(*) from subscribers;`,
		`select * from main.subscribers limit 2`,
		`describe subscribers`,
	}
	var all []HostileSQL
	for _, c := range classes {
		for _, sql := range c.refused {
			all = append(all, HostileSQL{SQL: sql, Class: c.name})
		}
	}
	for _, sql := range runs {
		all = append(all, HostileSQL{SQL: sql, Class: "Harmless", Runs: true})
	}
	return all
}

// HostileSample is the suite's first statement of each attack class, the
// plainest of its kind, and the first harmless one. The engine (query) runs
// every statement of HostileStatements; the CLI and the SQL screen hand user
// SQL to the same locked entry point, so through them the sample shows that
// the routing reaches that engine (refusals come back, secrets stay untouched,
// errors don't echo them) without running the whole suite a third time.
func HostileSample(s Secrets) []HostileSQL {
	var sample []HostileSQL
	for _, h := range HostileStatements(s) {
		if len(sample) == 0 || sample[len(sample)-1].Class != h.Class {
			sample = append(sample, h)
		}
	}
	return sample
}

// SampleFile is a workspace file at path holding the sample tables named (all
// of them when none are), open as "tester" and closed when the test ends.
func SampleFile(tb testing.TB, path string, tables ...string) *query.Workspace {
	tb.Helper()
	ws, err := query.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	ws.SetActor("tester")
	tb.Cleanup(func() { ws.Close() })
	importSample(tb, ws, tables...)
	return ws
}
