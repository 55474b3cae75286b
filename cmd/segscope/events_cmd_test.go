package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments/events/eventstest"
)

// csvValue runs a one-value query through the CLI.
func csvValue(t *testing.T, ws, q string) string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(mustRun(t, ws, "--no-sample", "query", q, "--format", "csv")), "\n")
	return lines[len(lines)-1]
}

func TestEventsSetupThroughTheCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ws := filepath.Join(dir, "w.duckdb")
	orders := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(orders, []byte(eventstest.Retail(3000, 11)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "--no-sample", "import", orders)
	// Notes for people go to stdout with the table format.
	said, errOut, err := run(t, ws, "--no-sample", "events", "setup", "--table", "orders", "--key", "CustomerID", "--time", "InvoiceDate",
		"--audience", "customers", "--amount", "Quantity * UnitPrice", "--reason", "retail test")
	if err != nil {
		t.Fatalf("setup: %v\n%s", err, errOut)
	}
	out := mustRun(t, ws, "--no-sample", "events", "list", "--format", "json")
	var list []struct {
		Table, Audience string
		Derived         bool
		Stats           struct{ Events, People, Keyless int64 }
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	people := csvValue(t, ws, "select count(distinct CustomerID) from orders where CustomerID is not null")
	keyless := csvValue(t, ws, "select count(*) from orders where CustomerID is null")
	if len(list) != 1 || !list[0].Derived || list[0].Audience != "customers" || counts.Format(list[0].Stats.People) != thousandsOf(t, people) {
		t.Fatalf("list %+v; %s customers", list, people)
	}
	// The table output says it in plain words; the setup said it too.
	sentence := "events of " + thousandsOf(t, people) + " customers (" + thousandsOf(t, keyless) + " rows without a CustomerID not counted)"
	if !strings.Contains(said, sentence) || !strings.Contains(said, "made customers from the events") {
		t.Errorf("setup output lacks %q:\n%s", sentence, said)
	}
	if got := csvValue(t, ws, "select count(*) from customers"); got != people {
		t.Errorf("customers %s, distinct customers %s", got, people)
	}
	if tables := mustRun(t, ws, "--no-sample", "tables", "--format", "csv"); !strings.Contains(tables, "customers,"+people+",6,CustomerID") {
		t.Errorf("tables:\n%s", tables)
	}
	// The historical data's note points at as-of; as-of sets and shows it.
	if !strings.Contains(said, "segscope as-of 2011-12") {
		t.Errorf("no as-of hint for events of 2011:\n%s", said)
	}
	if out := mustRun(t, ws, "--no-sample", "as-of"); !strings.Contains(out, "as of now") {
		t.Errorf("as-of unset: %q", out)
	}
	if out := mustRun(t, ws, "--no-sample", "as-of", "2011-12-10", "--reason", "data ends 2011-12-09"); !strings.Contains(out, "as of 2011-12-10") {
		t.Errorf("as-of set: %q", out)
	}
	// The error starts with the command, not the value: the error box
	// capitalises its first letter, which made "yesterday" read "Yesterday".
	if _, _, err := run(t, ws, "--no-sample", "as-of", "yesterday"); err == nil || !strings.HasPrefix(err.Error(), `as-of: "yesterday" is not a date`) {
		t.Errorf("as-of yesterday: %v", err)
	}
	if _, _, err := run(t, ws, "--no-sample", "as-of", "12/10/2011"); err == nil || !strings.Contains(err.Error(), "2011-12-10") {
		t.Errorf("bad as-of: %v", err)
	}
	if out := mustRun(t, ws, "--no-sample", "as-of", "--format", "json"); !strings.Contains(out, `"as_of": "2011-12-10"`) {
		t.Errorf("as-of json: %q", out)
	}
	audit := mustRun(t, ws, "--no-sample", "audit", "--format", "csv")
	for _, action := range []string{"events.setup", "settings.as_of"} {
		if !strings.Contains(audit, action) {
			t.Errorf("audit lacks %s:\n%s", action, audit)
		}
	}

	// A re-import through the CLI makes the audience again from the new rows.
	if err := os.WriteFile(orders, []byte(eventstest.Retail(900, 12)), 0o644); err != nil {
		t.Fatal(err)
	}
	said, errOut, err = run(t, ws, "--no-sample", "import", orders)
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, errOut)
	}
	people = csvValue(t, ws, "select count(distinct CustomerID) from orders where CustomerID is not null")
	if got := csvValue(t, ws, "select count(*) from customers"); got != people {
		t.Errorf("after re-import: customers %s, distinct customers %s", got, people)
	}
	if !strings.Contains(said, "events of "+thousandsOf(t, people)+" customers") {
		t.Errorf("re-import does not say what the events hold now:\n%s", said)
	}

	// A re-import that breaks the setup keeps the import and fails clearly.
	os.WriteFile(orders, []byte("InvoiceNo,Quantity\r\nA1,3\r\n"), 0o644)
	_, _, err = run(t, ws, "--no-sample", "import", orders)
	if err == nil || !strings.Contains(err.Error(), "orders was imported, but") || !strings.Contains(err.Error(), "still holds the events as they were") {
		t.Errorf("broken refresh: %v", err)
	}
	if got := csvValue(t, ws, "select count(*) from orders"); got != "1" {
		t.Errorf("the import was not kept: %s rows", got)
	}

	said, _, err = run(t, ws, "--no-sample", "events", "remove", "orders", "--reason", "done")
	if err != nil || !strings.Contains(said, "customers, made from its events, stays as it is") {
		t.Errorf("remove: %v\n%s", err, said)
	}
	if out := mustRun(t, ws, "--no-sample", "events", "list", "--format", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("list after remove: %s", out)
	}
}

// Bad setups fail with the reason, exit non-zero, and leave the workspace's
// tables, registry and audit log as they were.
func TestEventsSetupRefusalsThroughTheCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ws := filepath.Join(dir, "w.duckdb")
	orders := filepath.Join(dir, "orders.csv")
	os.WriteFile(orders, []byte(eventstest.Retail(500, 3)), 0o644)
	members := filepath.Join(dir, "members.csv")
	os.WriteFile(members, []byte("member_id,name\nM1,Ann\nM2,Bo\n"), 0o644)
	mustRun(t, ws, "--no-sample", "import", orders, members)
	tables := mustRun(t, ws, "--no-sample", "tables", "--format", "csv")
	audit := mustRun(t, ws, "--no-sample", "audit", "--format", "csv")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--table", "orders", "--key", "CustomerID", "--audience", "members"}, "members.member_id holds text (VARCHAR)"},
		{[]string{"--table", "orders", "--key", "CustomerID", "--time", "Country", "--audience", "customers"}, "orders.Country holds text, not dates or times"},
		{[]string{"--table", "orders", "--key", "CustomerID", "--audience", "customers", "--amount", "Description"}, "Description holds text (VARCHAR), not numbers"},
		{[]string{"--table", "sales", "--key", "CustomerID", "--audience", "customers"}, `there is no table "sales"`},
		{[]string{"--table", "orders", "--key", "CustomerID", "--audience", "customers", "--as-of", "soon"}, `--as-of: "soon" is not a date`},
	} {
		_, _, err := run(t, ws, append([]string{"--no-sample", "events", "setup"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	if now := mustRun(t, ws, "--no-sample", "tables", "--format", "csv"); now != tables {
		t.Errorf("tables changed:\n%s\n%s", tables, now)
	}
	if now := mustRun(t, ws, "--no-sample", "audit", "--format", "csv"); now != audit {
		t.Errorf("audit changed:\n%s", now)
	}
	if out := mustRun(t, ws, "--no-sample", "events", "list", "--format", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("list: %s", out)
	}
	if _, _, err := run(t, ws, "--no-sample", "events", "remove", "orders"); err == nil || !strings.Contains(err.Error(), "not an event table") {
		t.Errorf("remove of a table never set up: %v", err)
	}
}

// thousandsOf writes a count as the CLI's sentences do.
func thousandsOf(t *testing.T, s string) string {
	t.Helper()
	var n int64
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("%q is not a count", s)
	}
	return counts.Format(n)
}

// Removing an event table leaves the segments that count its events unable to
// compile; segment list still lists every segment, says which are broken and
// why, and fails so that a script notices.
func TestSegmentListWithASegmentBrokenByEventsRemove(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ws := filepath.Join(dir, "w.duckdb")
	orders := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(orders, []byte(eventstest.Retail(500, 5)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "--no-sample", "import", orders)
	mustRun(t, ws, "--no-sample", "events", "setup", "--table", "orders", "--key", "CustomerID", "--time", "InvoiceDate",
		"--audience", "customers", "--reason", "test")
	mustRun(t, ws, "--no-sample", "segment", "define", "buyers", "--table", "customers", "--rule", "count(orders) >= 2", "--create", "--reason", "test")
	mustRun(t, ws, "--no-sample", "segment", "define", "regulars", "--table", "customers", "--rule", "events >= 2", "--create", "--reason", "test")
	mustRun(t, ws, "--no-sample", "events", "remove", "orders", "--reason", "test")
	regulars := csvValue(t, ws, "select count(*) from customers where events >= 2")

	out, _, err := run(t, ws, "--no-sample", "segment", "list", "--format", "csv")
	if err == nil || !strings.Contains(err.Error(), "buyers") {
		t.Errorf("list with a broken segment: %v", err)
	}
	if !strings.Contains(out, "regulars,customers,"+regulars+",") {
		t.Errorf("the segment that still works is not listed with its size %s:\n%s", regulars, out)
	}
	if !strings.Contains(out, "buyers,customers,,") || !strings.Contains(out, "has no event tables") {
		t.Errorf("the broken segment is not listed with why:\n%s", out)
	}
	out, _, _ = run(t, ws, "--no-sample", "segment", "list", "--format", "json")
	var list []struct {
		Name  string
		Size  int64
		Error string
	}
	// The first value: the test's command prints its usage after an error.
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&list); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(list) != 2 || list[0].Name != "buyers" || !strings.Contains(list[0].Error, "has no event tables") || list[1].Error != "" {
		t.Errorf("json: %+v", list)
	}
}
