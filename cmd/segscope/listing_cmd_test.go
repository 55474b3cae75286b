package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/events/eventstest"
)

// `segscope tables` answers from the listing kept in the workspace when the file
// is as the last command left it (query/listing.go). After each command that
// changes tables its listing must be what DuckDB itself says, counted afresh by
// another program.
func TestTablesAfterEachWriteThroughTheCLI(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	dir := t.TempDir()
	listed := func() map[string]int64 {
		t.Helper()
		var tables []query.TableInfo
		if err := json.Unmarshal([]byte(mustRun(t, ws, "tables", "--format", "json")), &tables); err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, tb := range tables {
			out[tb.Name] = tb.Rows
		}
		return out
	}
	check := func(step string) map[string]int64 {
		t.Helper()
		got, want := listed(), countedOutside(t, ws)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("after %s: tables lists %v, DuckDB counts %v", step, got, want)
		}
		// Listed again with nothing changed between: the kept listing.
		if again := listed(); fmt.Sprint(again) != fmt.Sprint(want) {
			t.Fatalf("after %s, listed again: %v, DuckDB counts %v", step, again, want)
		}
		return got
	}
	before := check("seeding")

	email := strings.TrimSpace(mustRun(t, ws, "query", "--reveal", "--format", "csv",
		"SELECT email FROM subscribers WHERE subscriber_id = 200"))
	email = strings.TrimSpace(strings.TrimPrefix(email, "email"))
	mustRun(t, ws, "subject", "erase", "--email", email, "--reason", "DSR-1")
	if got := check("an erasure"); got["subscribers"] != before["subscribers"]-1 {
		t.Fatalf("the erasure left %d subscribers of %d", got["subscribers"], before["subscribers"])
	}

	orders := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(orders, []byte(eventstest.Retail(500, 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "import", orders)
	check("an import")
	mustRun(t, ws, "events", "setup", "--table", "orders", "--key", "CustomerID", "--time", "InvoiceDate",
		"--audience", "customers", "--reason", "test")
	if got := check("deriving an audience"); got["customers"] == 0 {
		t.Fatalf("no derived audience listed: %v", got)
	}

	visits := filepath.Join(dir, "visits.csv")
	if err := os.WriteFile(visits, []byte("visit_id,page\nV1,home\nV2,plans\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "attach", visits)
	check("an attach")

	outsideExec(t, ws, `CREATE TABLE main.made_outside AS SELECT 1 AS a`, `DELETE FROM main.creators WHERE customer_id IN (SELECT customer_id FROM main.creators LIMIT 3)`)
	if got := check("changes by another program"); got["made_outside"] != 1 || got["creators"] != before["creators"]-3 {
		t.Fatalf("changes by another program not listed: %v", got)
	}
}

// outsideExec changes the workspace file through duckdb-go directly.
func outsideExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// countedOutside is every table's and view's row count in the workspace's
// main schema, as another program reading the file through duckdb-go finds it.
func countedOutside(t *testing.T, path string) map[string]int64 {
	t.Helper()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()
		UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := db.QueryRow(`SELECT count(*) FROM main.` + query.QuoteIdent(n)).Scan(&c); err != nil {
			t.Fatal(err)
		}
		out[n] = c
	}
	return out
}
