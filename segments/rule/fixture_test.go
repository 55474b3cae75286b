package rule_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/segments/rule"
)

// The test table covers every Type, a column name with a space, one with a
// double quote, NULLs in every column and a value that looks like SQL.
// Times are relative to now so that ago() results do not drift.
const createTable = `
CREATE TABLE t (
	id INTEGER, plan VARCHAR, days_since_login INTEGER, completion_rate DOUBLE,
	revenue DECIMAL(18,3), active BOOLEAN, signup_date DATE, last_login TIMESTAMP,
	last_seen TIMESTAMPTZ, "full name" VARCHAR, "weird""score" BIGINT, email VARCHAR,
	name VARCHAR, tags VARCHAR[]
);
INSERT INTO t VALUES
	(1, 'premium', 45, 0.2, 120.5, true, DATE '2025-01-15', CAST(current_timestamp - INTERVAL 45 DAY AS TIMESTAMP),
	 current_timestamp - INTERVAL 45 DAY, 'Ann Lee', 10, 'ann@gmail.com', 'Ann', ['a']),
	(2, 'family', 10, 0.9, 80, true, DATE '2025-06-01', CAST(current_timestamp - INTERVAL 10 DAY AS TIMESTAMP),
	 current_timestamp - INTERVAL 10 DAY, 'Bob Stone', 20, 'bob@yahoo.com', 'Bob', NULL),
	(3, 'basic', 90, 0.1, 0, false, DATE '2024-12-31', CAST(current_timestamp - INTERVAL 90 DAY AS TIMESTAMP),
	 current_timestamp - INTERVAL 90 DAY, 'Cara Diaz', 30, 'cara@gmail.com', 'O''Brien', []),
	(4, 'premium', 5, 0.5, 300.25, true, DATE '2026-01-01', CAST(current_timestamp - INTERVAL 5 DAY AS TIMESTAMP),
	 current_timestamp - INTERVAL 5 DAY, 'Dan Wu', NULL, 'dan@work.io', 'Dan', NULL),
	(5, 'trial', 31, 0.35, NULL, false, DATE '2026-02-10', CAST(current_timestamp - INTERVAL 31 DAY AS TIMESTAMP),
	 current_timestamp - INTERVAL 31 DAY, NULL, 50, NULL, 'x'' or 1=1 --', NULL),
	(6, 'family', NULL, NULL, 50, NULL, NULL, NULL, NULL, 'Eve Adams', 60, 'eve@gmail.com', 'Eve', NULL);
`

const tableRows = 6

var testSchema = rule.Schema{Table: "t", Columns: []rule.Column{
	{Name: "id", Type: rule.TypeNumber},
	{Name: "plan", Type: rule.TypeString},
	{Name: "days_since_login", Type: rule.TypeNumber},
	{Name: "completion_rate", Type: rule.TypeNumber},
	{Name: "revenue", Type: rule.TypeNumber},
	{Name: "active", Type: rule.TypeBool},
	{Name: "signup_date", Type: rule.TypeDate},
	{Name: "last_login", Type: rule.TypeTimestamp},
	{Name: "last_seen", Type: rule.TypeTimestamp},
	{Name: "full name", Type: rule.TypeString},
	{Name: `weird"score`, Type: rule.TypeNumber},
	{Name: "email", Type: rule.TypeString},
	{Name: "name", Type: rule.TypeString},
	{Name: "tags", Type: rule.TypeOther},
}}

var segments = map[string]string{
	"trialists":       "plan = 'trial'",
	"dormant":         "last_login < ago(30 days)",
	"dormant_premium": "segment('dormant') and plan = 'premium'",
	"gmail":           "email contains '@gmail'",
	"cycle_a":         "active and segment('cycle_b')",
	"cycle_b":         "segment('cycle_c') or plan = 'x'",
	"cycle_c":         "segment('cycle_a')",
	"self":            "segment('self')",
	"broken":          "plan = 1",
	"broken_parent":   "active and segment('broken')",
	"deep1":           "segment('deep2')",
	"deep2":           "segment('deep3')",
	"deep3":           "segment('deep4')",
	"deep4":           "segment('deep5')",
	"deep5":           "segment('deep6')",
	"deep6":           "active",
}

func resolve(name string) (string, error) {
	if r, ok := segments[name]; ok {
		return r, nil
	}
	return "", errors.New("no such segment")
}

func openDB(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	// One connection: an in-memory database is private to its connection.
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Exec(createTable); err != nil {
		tb.Fatal(err)
	}
	return db
}

func count(db *sql.DB, where string) (int, error) {
	var n int
	err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM t WHERE %s", where)).Scan(&n)
	return n, err
}
