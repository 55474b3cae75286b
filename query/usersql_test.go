package query

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQueryIsReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	mustImport(t, w, writeFile(t, dir, "people.csv", peopleCSV), ImportOptions{})
	secret := writeFile(t, dir, "secret.csv", "password\nhunter2\n")
	outside := filepath.Join(dir, "written.csv")

	refused := []string{
		`drop table people`,
		`delete from people`,
		`update people set name = 'x'`,
		`insert into people values (9, 'x', 1, 'basic')`,
		`create table copy_of as select * from people`,
		`copy people to '` + outside + `'`,
		`attach '` + filepath.Join(dir, "other.duckdb") + `' as other`,
		`install httpfs`,
		`load httpfs`,
		`set enable_external_access = true`,
		`pragma disable_checkpoint_on_shutdown`,
		`select 1; drop table people`,
		`select * from read_csv('` + secret + `')`,
		`select * from '` + secret + `'`,
		`select * from read_text('` + secret + `')`,
		`select * from (select * from read_blob('` + secret + `'))`,
		`select * from glob('` + dir + `/*')`,
		`select * from people where name in (select content from read_text('` + secret + `'))`,
		`select * from query('drop table people')`,
		`with x as (select * from '` + secret + `') select * from x`,
		`select * from sniff_csv('` + secret + `')`,
		`call pragma_version()`,
		`checkpoint`,
		`export database '` + dir + `'`,
	}
	for _, q := range refused {
		if _, err := w.Query(ctx, q, 100); err == nil {
			t.Errorf("ran %q", q)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q leaked file contents in its error: %v", q, err)
		}
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("a refused query wrote a file")
	}
	if n, err := w.Count(ctx, "people", ""); err != nil || n != 4 {
		t.Fatalf("people has %d rows after refused queries, %v", n, err)
	}
	if _, err := w.Query(ctx, `drop table people`, 10); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("drop: %v, want ErrReadOnly", err)
	}

	allowed := map[string]int{
		`select * from people order by person_id`:                              4,
		`select plan, count(*) from people group by plan`:                      3,
		`with p as (select * from people) select * from p where age > 30`:      2,
		`select * from main.people, range(2)`:                                  8,
		`select table_name from duckdb_tables() where table_name = 'people'`:   1,
		`select action from segscope.audit`:                                    1,
		`select * from information_schema.columns where table_name = 'people'`: 4,
		`select unnest([1, 2, 3])`:                                             3,
		`summarize people`:                                                     4,
	}
	for q, want := range allowed {
		res, err := w.Query(ctx, q, 100)
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		if len(res.Rows) != want {
			t.Errorf("%q: %d rows, want %d", q, len(res.Rows), want)
		}
	}
	res, err := w.Query(ctx, `select * from range(1000)`, 10)
	if err != nil || len(res.Rows) != 10 || !res.Truncated {
		t.Fatalf("limit: %d rows, truncated=%v, %v", len(res.Rows), res.Truncated, err)
	}
	if _, err := w.Query(ctx, `selec 1`, 10); err == nil || !strings.Contains(err.Error(), "syntax error") {
		t.Fatalf("syntax error: %v", err)
	}
}

func TestTrimStatementEnd(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"select 1":                               "select 1",
		"select 1;":                              "select 1",
		"select 1 ; ;\n":                         "select 1",
		"select 1 -- note; more\n;":              "select 1",
		"select 1 /* ; */ ;":                     "select 1",
		"select ';' ;":                           "select ';'",
		`select "a;b" from t; -- x`:              `select "a;b" from t`,
		"select 'it''s';":                        "select 'it''s'",
		"select $$;$$ ;":                         "select $$;$$",
		"select 1 -- unterminated comment":       "select 1",
		"select 1 /* unterminated":               "select 1 /* unterminated",
		"with a as (select 1) select * from a;;": "with a as (select 1) select * from a",
	} {
		if got := trimStatementEnd(in); got != want {
			t.Errorf("trimStatementEnd(%q) = %q, want %q", in, got, want)
		}
	}
}

// The header counter the query runner watches moves on a checkpoint and only then.
func TestCheckpointIteration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.DB().ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	first, err := checkpointIteration(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `CREATE TABLE t AS SELECT 1 AS x`); err != nil {
		t.Fatal(err)
	}
	if now, err := checkpointIteration(path); err != nil || now != first {
		t.Fatalf("after a write without a checkpoint: %d (was %d), %v", now, first, err)
	}
	if _, err := w.DB().ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	if now, err := checkpointIteration(path); err != nil || now <= first {
		t.Fatalf("after a checkpoint: %d (was %d), %v", now, first, err)
	}
	if _, err := checkpointIteration(writeFile(t, t.TempDir(), "not.duckdb", strings.Repeat("x", 3*4096))); err == nil {
		t.Fatal("a file that is not DuckDB's gave a checkpoint number")
	}
}
