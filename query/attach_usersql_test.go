package query_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// attachedBesideSecrets is a workspace file with the sample and an attached
// Parquet file, orders, whose directory also holds a secret: the private
// instance for user SQL may open the attached file, and must open nothing else.
func attachedBesideSecrets(t *testing.T) (ws *query.Workspace, attached, secret, marker string) {
	t.Helper()
	ctx := context.Background()
	ws = querytest.SampleCopy(t, "subscribers")
	dir := t.TempDir()
	marker = "BESIDE" + strings.ToUpper(filepath.Base(dir))
	secret = filepath.Join(dir, "neighbour.csv")
	if err := os.WriteFile(secret, []byte("id,secret\n1,"+marker+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	attached = filepath.Join(dir, "orders.parquet")
	if _, err := ws.DB().ExecContext(ctx, `COPY (SELECT range AS order_id, range % 3 AS store FROM range(30)) TO `+query.QuoteString(attached)+` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Attach(ctx, attached, query.AttachOptions{}); err != nil {
		t.Fatal(err)
	}
	return ws, attached, secret, marker
}

// The hostile suite through Query on a workspace with an attached table, plus
// statements aimed at the attached file's directory.
func TestHostileSQLWithAttachedTable(t *testing.T) {
	ctx := context.Background()
	secrets := querytest.PlantSecrets(t)
	ws, attached, secret, marker := attachedBesideSecrets(t)
	before, err := os.ReadFile(attached)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ws.Query(ctx, `select store, count(*) from orders group by store order by store`, 10)
	if err != nil || render(res) != "store count_star() \n0 10 \n1 10 \n2 10 " {
		t.Fatalf("the attached table through user SQL: %q, %v", render(res), err)
	}
	q := query.QuoteString
	dir := filepath.Dir(attached)
	aimed := []string{
		`select * from read_csv(` + q(secret) + `)`,
		`select * from ` + q(secret),
		`select * from read_text(` + q(attached+"/../neighbour.csv") + `)`,
		`select * from read_text(` + q(dir+"/./neighbour.csv") + `)`,
		`select * from read_parquet(` + q(attached) + `)`,
		`select * from read_csv(` + q(dir+"/*.csv") + `)`,
		`select * from glob(` + q(dir+"/*") + `)`,
		`copy orders to ` + q(attached) + ` (format parquet)`,
		`copy (select 1 as order_id) to ` + q(attached) + ` (format parquet, use_tmp_file false)`,
		`attach ` + q(attached) + ` as x`,
		`create or replace view orders as select * from read_csv(` + q(secret) + `)`,
	}
	for _, sql := range aimed {
		res, err := ws.Query(ctx, sql, 10)
		if err == nil {
			t.Errorf("%s\nran: %s", sql, render(res))
		}
		if text := render(res) + " " + errText(err); strings.Contains(text, marker) {
			t.Errorf("%s\nleaked the neighbour: %s", sql, text)
		}
	}
	for _, h := range querytest.HostileStatements(secrets) {
		res, err := ws.Query(ctx, h.SQL, 100)
		secrets.Check(t, h, render(res), err)
	}
	secrets.Untouched(t)
	if after, _ := os.ReadFile(attached); string(after) != string(before) {
		t.Fatal("the attached file was written")
	}
}

// Layer 1 alone (the allow-list of statements skipped): the private instance
// given the attached file reads it, and no other file, not even its neighbour.
func TestLockedInstanceReadsOnlyAttachedFiles(t *testing.T) {
	ctx := context.Background()
	secrets := querytest.PlantSecrets(t)
	ws, attached, secret, marker := attachedBesideSecrets(t)
	run := func(sql string) (string, error) {
		conn, closeAll, err := ws.OpenLockedInstance(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer closeAll()
		var n int64
		var text string
		err = conn.QueryRowContext(ctx, sql).Scan(&text)
		_ = n
		return text, err
	}
	if got, err := run(`select count(*)::VARCHAR from orders`); err != nil || got != "30" {
		t.Fatalf("the attached view on the locked instance: %q, %v", got, err)
	}
	q := query.QuoteString
	dir := filepath.Dir(attached)
	for _, sql := range []string{
		`select string_agg(secret, ',') from read_csv(` + q(secret) + `)`,
		`select content from read_text(` + q(attached+"/../neighbour.csv") + `)`,
		`select content from read_text(` + q(dir+"/./neighbour.csv") + `)`,
		`select string_agg(file, ',') from glob(` + q(dir+"/*") + `)`,
		`select string_agg(secret, ',') from read_csv(` + q(filepath.Join(secrets.Dir, "secret.csv")) + `)`,
		`select content from read_text(` + q(filepath.Join(secrets.Dir, "secret.txt")) + `)`,
	} {
		got, err := run(sql)
		if err == nil || strings.Contains(got, marker) || strings.Contains(got, secrets.Marker) {
			t.Errorf("%s\nread %q (%v)", sql, got, err)
		}
	}
	secrets.Untouched(t)
}

// A query on an attached table whose file changed is not run on the new
// content: the file is no longer allowed, and the error says why.
func TestQueryOnChangedAttachedFile(t *testing.T) {
	ctx := context.Background()
	ws, attached, _, _ := attachedBesideSecrets(t)
	if _, err := ws.DB().ExecContext(ctx, `COPY (SELECT range AS order_id, 9 AS store FROM range(5)) TO `+query.QuoteString(attached)+` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	res, err := ws.Query(ctx, `select count(*) from orders`, 10)
	if err == nil || !strings.Contains(err.Error(), "orders.parquet changed since it was attached") {
		t.Fatalf("query on a changed attached file: %q, %v", render(res), err)
	}
	// The rest of the workspace still answers.
	if _, err := ws.Query(ctx, `select count(*) from subscribers`, 10); err != nil {
		t.Fatal(err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
