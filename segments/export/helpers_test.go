package export

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

// now is "today" for every test: three weeks after the sample data's AsOf.
var now = time.Date(2026, time.November, 22, 12, 0, 0, 0, time.UTC)

const churnRule = "days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2"

func newExporter(ws *query.Workspace) *Exporter {
	return New(ws, Options{Version: "test", Now: func() time.Time { return now }})
}

func define(t testing.TB, ws *query.Workspace, name, table, rule string) {
	t.Helper()
	if _, err := segments.NewStore(ws).Define(context.Background(), segments.Definition{Name: name, Table: table, Rule: rule}); err != nil {
		t.Fatal(err)
	}
}

// setupOptIn confirms a table's consent as one opt-in column per channel
// (COLUMN=CHANNEL), with its country column: the setup a person would confirm
// for a small customer file.
func setupOptIn(t testing.TB, ws *query.Workspace, table string, columns map[string]string) {
	t.Helper()
	c := consent.Config{Table: table, Layout: consent.Wide, Policy: consent.DefaultPolicy()}
	c.Policy.CountryColumn = "country"
	for col, channel := range columns {
		c.Wide = append(c.Wide, consent.WideColumn{Column: col, Channel: channel})
	}
	consenttest.Setup(t, ws, c)
}

// keys runs a query returning one column and collects it as text.
func keys(t testing.TB, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// dirEntries lists a directory's file names.
func dirEntries(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// acknowledged is the reason given by the tests that are not about the
// compliance gate: the default policy gates their small fixtures (fewer than k
// members, a minor among the sample's subscribers). compliance_test.go tests the
// gate itself.
const acknowledged = "test fixture, not about the compliance gate"
