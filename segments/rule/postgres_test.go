package rule_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/segscope/segscope/segments/rule"
)

// pgBin is where Debian's postgresql-15 package puts the server's programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// startPostgres starts a throwaway PostgreSQL server on a loopback port in a
// temporary directory, stopped and removed when the test ends, while the
// test goes on: Conn waits for it. Its default collation is ICU's en-US,
// which does not order text by bytes as DuckDB does, so the SQL must say how
// to compare. It skips the test only when the server's programs are not
// installed (.ci/run installs them). The caller defers Conn, so the server
// is running (and set to stop) before the test ends, however it ends.
func startPostgres(t *testing.T) *pgServer {
	t.Helper()
	for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(pgBin, p)); err != nil {
			t.Skipf("PostgreSQL 15 is not installed (%s/%s missing): apt-get install postgresql-15, as .ci/run does", pgBin, p)
		}
	}
	s := &pgServer{t: t, ready: make(chan struct{})}
	go func() {
		defer close(s.ready)
		s.conn, s.err = launchPostgres(t)
	}()
	return s
}

type pgServer struct {
	t     *testing.T
	ready chan struct{}
	conn  *pgx.Conn
	err   error
}

// Conn waits for the server and returns a connection to it.
func (s *pgServer) Conn() *pgx.Conn {
	<-s.ready
	if s.err != nil {
		s.t.Fatal(s.err)
	}
	return s.conn
}

func launchPostgres(t *testing.T) (*pgx.Conn, error) {
	// initdb refuses to run as root: the server runs as postgres, which
	// must own its directory and reach it, so it goes under /tmp rather
	// than a TMPDIR that may be root's alone.
	base := ""
	if os.Geteuid() == 0 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "segscope-pg-")
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs the postgres user to run the server: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(pgBin, name), args...)
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		// The server inherits whatever it is given: a pipe would keep the
		// test waiting for output until the server stops.
		log, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer log.Close()
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			out, _ := os.ReadFile(log.Name())
			return fmt.Errorf("%s: %w\n%s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
		"--locale-provider=icu", "--icu-locale=en-US", "--no-sync"); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", port, dir)
	if err := run("pg_ctl", "-D", data, "-o", opts, "-w", "-l", filepath.Join(dir, "server.log"), "start"); err != nil {
		return nil, err
	}
	t.Cleanup(func() { run("pg_ctl", "-D", data, "-m", "immediate", "stop") })
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port))
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn, nil
}

// pgType is the PostgreSQL type a DuckDB column is loaded as.
func pgType(t *testing.T, duck string) string {
	switch {
	case duck == "BIGINT", duck == "INTEGER", duck == "BOOLEAN", duck == "DATE", duck == "TIMESTAMP":
		return strings.ToLower(duck)
	case duck == "DOUBLE":
		return "double precision"
	case duck == "VARCHAR":
		return "text"
	case duck == "TIMESTAMP WITH TIME ZONE":
		return "timestamptz"
	case strings.HasPrefix(duck, "DECIMAL"):
		return "numeric" + strings.TrimPrefix(duck, "DECIMAL")
	}
	t.Fatalf("no PostgreSQL type for DuckDB's %s", duck)
	return ""
}

// copyToPostgres makes table in PostgreSQL with the same columns and rows:
// DuckDB writes CSV (an empty string quoted, NULL as nothing), which COPY
// reads the same way.
func copyToPostgres(t *testing.T, db *sql.DB, conn *pgx.Conn, table string) {
	t.Helper()
	ctx := context.Background()
	names, types := duckColumns(t, db, table)
	cols := make([]string, len(names))
	for i := range names {
		cols[i] = ident(t, rule.Postgres, names[i]) + " " + pgType(t, types[i])
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE "+ident(t, rule.Postgres, table)+" ("+strings.Join(cols, ", ")+")"); err != nil {
		t.Fatalf("create %s in PostgreSQL: %v", table, err)
	}
	csv := filepath.Join(t.TempDir(), "table.csv")
	if _, err := db.Exec(`COPY (SELECT * FROM ` + ident(t, rule.DuckDB, table) + `) TO ` + quoteLit(csv) + ` (HEADER, FORMAT csv)`); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(csv)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := conn.PgConn().CopyFrom(ctx, f, "COPY "+ident(t, rule.Postgres, table)+" FROM STDIN (FORMAT csv, HEADER true)"); err != nil {
		t.Fatalf("copy %s into PostgreSQL: %v", table, err)
	}
}

func ident(t *testing.T, d *rule.Dialect, name string) string {
	q, err := d.Ident(name)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestPostgresDifferential runs every rule of the corpus on DuckDB and on a
// real PostgreSQL holding the same rows, and checks that both select the
// very same people, key by key.
func TestPostgresDifferential(t *testing.T) {
	server := startPostgres(t)
	defer server.Conn()
	db := dialectFixture(t)
	conn := server.Conn()
	ctx := context.Background()
	// "Now" is local time in both engines: the same zone in both.
	var zone string
	if err := db.QueryRow(`SELECT current_setting('TimeZone')`).Scan(&zone); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SET TimeZone = "+rule.Postgres.Literal(zone)); err != nil {
		t.Fatal(err)
	}
	for table, a := range audiences {
		copyToPostgres(t, db, conn, table)
		for _, e := range a.events {
			copyToPostgres(t, db, conn, e[0])
		}
	}
	// Plans from statistics, as a warehouse would have them.
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	corpus := readCorpus(t)
	if len(corpus) < 60 {
		t.Fatalf("the corpus has %d rules; it should have at least 60", len(corpus))
	}
	duckSQL, duckErrs := compileCorpus(t, db, corpus, rule.DuckDB)
	pgSQL, pgErrs := compileCorpus(t, db, corpus, rule.Postgres)
	sizes := map[string]int{}
	for table, a := range audiences {
		keys, err := duckKeys(db, table, a.key, "TRUE")
		if err != nil {
			t.Fatal(err)
		}
		sizes[table] = len(keys)
	}
	// DuckDB answers in its own goroutine while PostgreSQL does.
	type answer struct {
		keys []string
		err  error
	}
	duck := make([]answer, len(corpus))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, r := range corpus {
			if duckErrs[i] == nil {
				duck[i].keys, duck[i].err = duckKeys(db, r.Table, audiences[r.Table].key, duckSQL[i])
			}
		}
	}()
	pg := make([]answer, len(corpus))
	for i, r := range corpus {
		if pgErrs[i] == nil {
			pg[i].keys, pg[i].err = pgKeys(ctx, conn, r.Table, audiences[r.Table].key, pgSQL[i])
		}
	}
	<-done
	for i, r := range corpus {
		if duckErrs[i] != nil || pgErrs[i] != nil {
			t.Errorf("line %d: %s: DuckDB: %v; PostgreSQL: %v", r.Line, r.Text, duckErrs[i], pgErrs[i])
			continue
		}
		want, got := duck[i].keys, pg[i].keys
		if duck[i].err != nil {
			t.Errorf("line %d: DuckDB: %v\n%s", r.Line, duck[i].err, duckSQL[i])
			continue
		}
		if pg[i].err != nil {
			t.Errorf("line %d: %s: PostgreSQL: %v\n%s", r.Line, r.Text, pg[i].err, pgSQL[i])
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("line %d: %s\nDuckDB selects %d, PostgreSQL %d; first difference: %s\nPostgreSQL SQL: %s",
				r.Line, r.Text, len(want), len(got), firstKeyDifference(want, got), pgSQL[i])
			continue
		}
		if !r.Edge && (len(want) == 0 || len(want) == sizes[r.Table]) {
			t.Errorf("line %d: %s selects %d of %d rows: a rule that keeps or drops everyone proves nothing (mark it edge: if meant)",
				r.Line, r.Text, len(want), sizes[r.Table])
		}
	}
}

func duckKeys(db *sql.DB, table, key, where string) ([]string, error) {
	q := fmt.Sprintf("SELECT CAST(%s AS VARCHAR) FROM %s WHERE %s", quoteDuck(key), quoteDuck(table), where)
	rows, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out, rows.Err()
}

func quoteDuck(name string) string { q, _ := rule.DuckDB.Ident(name); return q }

func pgKeys(ctx context.Context, conn *pgx.Conn, table, key, where string) ([]string, error) {
	qt, err := rule.Postgres.Ident(table)
	if err != nil {
		return nil, err
	}
	qk, err := rule.Postgres.Ident(key)
	if err != nil {
		return nil, err
	}
	rows, err := conn.Query(ctx, fmt.Sprintf("SELECT CAST(%s AS text) FROM %s WHERE %s", qk, qt, where))
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

func firstKeyDifference(want, got []string) string {
	missing, extra := difference(want, got), difference(got, want)
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "only DuckDB has "+strings.Join(missing[:min(5, len(missing))], ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "only PostgreSQL has "+strings.Join(extra[:min(5, len(extra))], ", "))
	}
	return strings.Join(parts, "; ")
}

func difference(a, b []string) []string {
	var out []string
	for _, k := range a {
		if _, found := slices.BinarySearch(b, k); !found {
			out = append(out, k)
		}
	}
	return out
}
