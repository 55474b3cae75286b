package events_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/events/eventstest"
	"github.com/segscope/segscope/segments/rule"
)

var ctx = context.Background()

// retail is a workspace with the online-retail fixture imported as orders.
func retail(t *testing.T, lines int, seed uint64) *query.Workspace {
	t.Helper()
	ws := querytest.Empty(t)
	importRetail(t, ws, lines, seed)
	return ws
}

func importRetail(t *testing.T, ws *query.Workspace, lines int, seed uint64) {
	t.Helper()
	if _, err := ws.Import(ctx, eventstest.WriteRetail(t, lines, seed), query.ImportOptions{Table: "orders"}); err != nil {
		t.Fatal(err)
	}
}

var ordersSetup = events.Config{Table: "orders", Key: "CustomerID", Time: "InvoiceDate", Audience: "customers", Amount: "Quantity * UnitPrice"}

func setup(t *testing.T, ws *query.Workspace, c events.Config) events.Entry {
	t.Helper()
	e, err := events.Setup(ctx, ws, c, events.Options{Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func scalar[T any](t *testing.T, ws *query.Workspace, q string) T {
	t.Helper()
	var v T
	if err := ws.DB().QueryRowContext(ctx, q).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// handAudience is the derived audience written by hand.
const handAudience = `SELECT CustomerID, min(InvoiceDate) AS f, max(InvoiceDate) AS l, count(*) AS n,
	count(DISTINCT CAST(InvoiceDate AS DATE)) AS d, sum(Quantity * UnitPrice) AS s
	FROM orders WHERE CustomerID IS NOT NULL GROUP BY CustomerID`

// checkDerived compares the derived audience with handAudience, person by
// person, and its totals with the keyed events'.
func checkDerived(t *testing.T, ws *query.Workspace) {
	t.Helper()
	people := scalar[int64](t, ws, `SELECT count(DISTINCT CustomerID) FROM orders WHERE CustomerID IS NOT NULL`)
	if got := scalar[int64](t, ws, `SELECT count(*) FROM customers`); got != people || people == 0 {
		t.Errorf("customers has %d rows; %d distinct customers have events", got, people)
	}
	differ := scalar[int64](t, ws, `SELECT count(*) FROM customers c FULL JOIN (`+handAudience+`) h USING (CustomerID)
		WHERE c.first_seen IS DISTINCT FROM h.f OR c.last_seen IS DISTINCT FROM h.l OR c.events IS DISTINCT FROM h.n
		OR c.active_days IS DISTINCT FROM h.d OR abs(c.amount - h.s) > 1e-6 OR c.amount IS NULL <> (h.s IS NULL)`)
	if differ != 0 {
		t.Errorf("%d customers differ from the hand-written aggregate", differ)
	}
	got := scalar[float64](t, ws, `SELECT sum(amount) FROM customers`)
	want := scalar[float64](t, ws, `SELECT sum(Quantity * UnitPrice) FROM orders WHERE CustomerID IS NOT NULL`)
	if math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("sum of amount over customers %f; over keyed events %f", got, want)
	}
	if n := scalar[int64](t, ws, `SELECT sum(events) FROM customers`); n != scalar[int64](t, ws, `SELECT count(*) FROM orders WHERE CustomerID IS NOT NULL`) {
		t.Errorf("sum of events over customers %d is not the keyed events' count", n)
	}
}

func TestDerivedAudience(t *testing.T) {
	ws := retail(t, 4000, 1)
	e := setup(t, ws, ordersSetup)
	checkDerived(t, ws)
	if !e.Derived {
		t.Error("customers was made from the events but the entry is not marked derived")
	}
	info, err := ws.Table(ctx, "customers")
	if err != nil {
		t.Fatal(err)
	}
	if info.Key != "CustomerID" {
		t.Errorf("customers' key is %q, want CustomerID", info.Key)
	}
	cols, err := ws.Columns(ctx, "customers")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cols {
		names = append(names, c.Name)
	}
	if want := []string{"CustomerID", "first_seen", "last_seen", "events", "active_days", "amount"}; !slices.Equal(names, want) {
		t.Errorf("customers' columns %v, want %v", names, want)
	}
	keyless := scalar[int64](t, ws, `SELECT count(*) FROM orders WHERE CustomerID IS NULL`)
	s := e.Stats
	if s.Keyless != keyless || keyless == 0 || s.Rows != 4000 || s.Events != 4000-keyless ||
		s.People != scalar[int64](t, ws, `SELECT count(*) FROM customers`) || s.Outside != 0 {
		t.Errorf("stats %+v; %d rows without a customer", s, keyless)
	}
	if s.First == nil || !s.First.Equal(scalar[time.Time](t, ws, `SELECT min(InvoiceDate) FROM orders WHERE CustomerID IS NOT NULL`)) {
		t.Errorf("first event %v", s.First)
	}
	sentence := e.Sentence()
	for _, want := range []string{"orders: " + counts.Format(s.Events) + " events of " + counts.Format(s.People) + " customers",
		counts.Format(keyless) + " rows without a CustomerID not counted"} {
		if !strings.Contains(sentence, want) {
			t.Errorf("sentence %q lacks %q", sentence, want)
		}
	}
	log, err := ws.AuditLog(ctx, query.AuditFilter{Action: events.ActionSetup})
	if err != nil || len(log) != 1 || log[0].Subject != "orders" || !strings.Contains(log[0].Details, `"reason":"test"`) {
		t.Errorf("audit %+v, %v", log, err)
	}
	listed, err := events.List(ctx, ws)
	if err != nil || len(listed) != 1 || listed[0].Config != e.Config || listed[0].Stats.People != s.People {
		t.Errorf("list %+v, %v", listed, err)
	}
}

// Without --time the audience has no first_seen, last_seen or active_days;
// without --amount no amount.
func TestDerivedWithoutTimeOrAmount(t *testing.T) {
	ws := retail(t, 500, 2)
	setup(t, ws, events.Config{Table: "orders", Key: "customerid", Audience: "buyers"})
	cols, err := ws.Columns(ctx, "buyers")
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 2 || cols[0].Name != "CustomerID" || cols[1].Name != "events" {
		t.Errorf("buyers' columns %+v, want CustomerID (as the events spell it) and events", cols)
	}
}

func TestReimportRefreshesDerivedAudience(t *testing.T) {
	ws := retail(t, 3000, 1)
	setup(t, ws, ordersSetup)
	before := scalar[int64](t, ws, `SELECT count(*) FROM customers`)
	importRetail(t, ws, 1200, 7) // fewer lines, other customers
	refreshed, err := events.AfterImport(ctx, ws, "orders")
	if err != nil {
		t.Fatal(err)
	}
	checkDerived(t, ws)
	after := scalar[int64](t, ws, `SELECT count(*) FROM customers`)
	if after == before {
		t.Fatalf("the re-import left %d customers: the fixture should have changed them", after)
	}
	if len(refreshed) != 1 || refreshed[0].Stats.People != after || refreshed[0].Stats.Rows != 1200 {
		t.Errorf("refreshed %+v", refreshed)
	}
	e, err := events.Get(ctx, ws, "orders")
	if err != nil || e.Stats.People != after || !e.Derived {
		t.Errorf("stored %+v, %v", e, err)
	}
	if log, _ := ws.AuditLog(ctx, query.AuditFilter{Action: events.ActionRefresh}); len(log) != 1 {
		t.Errorf("%d refresh entries in the audit log, want 1", len(log))
	}
	// The key survives the table being made again.
	if info, _ := ws.Table(ctx, "customers"); info.Key != "CustomerID" {
		t.Errorf("key after refresh %q", info.Key)
	}
}

// An import of a table no event table involves changes nothing.
func TestAfterImportOfOtherTable(t *testing.T) {
	ws := retail(t, 300, 1)
	refreshed, err := events.AfterImport(ctx, ws, "orders")
	if err != nil || refreshed != nil {
		t.Errorf("no registry yet: %v, %v", refreshed, err)
	}
	setup(t, ws, ordersSetup)
	querytest.ImportCSV(t, ws, "other", "id,x\n1,2\n")
	refreshed, err = events.AfterImport(ctx, ws, "other")
	if err != nil || refreshed != nil {
		t.Errorf("unrelated table: %v, %v", refreshed, err)
	}
}

// A re-import that breaks the setup (the key column gone) says so, names the
// stale audience, and leaves the import and the audience as they were.
func TestReimportThatBreaksSetup(t *testing.T) {
	ws := retail(t, 600, 1)
	setup(t, ws, ordersSetup)
	before := scalar[int64](t, ws, `SELECT count(*) FROM customers`)
	querytest.ImportCSV(t, ws, "orders", "InvoiceNo,Quantity,InvoiceDate,UnitPrice\nA1,1,2011-01-01,2.5\n")
	_, err := events.AfterImport(ctx, ws, "orders")
	if err == nil {
		t.Fatal("no error for a re-import without the key column")
	}
	for _, want := range []string{"CustomerID", "customers, made from them, still holds the events as they were before this import", "events setup --table orders"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got := scalar[int64](t, ws, `SELECT count(*) FROM customers`); got != before {
		t.Errorf("customers has %d rows after a failed refresh, had %d", got, before)
	}
	if n := scalar[int64](t, ws, `SELECT count(*) FROM orders`); n != 1 {
		t.Errorf("the import was undone: orders has %d rows", n)
	}
}

// A file imported over a derived audience is the audience from then on.
func TestImportOverDerivedAudience(t *testing.T) {
	ws := retail(t, 600, 1)
	setup(t, ws, ordersSetup)
	querytest.ImportCSV(t, ws, "customers", "CustomerID,name\n12346,Ann\n12347,Bo\n")
	refreshed, err := events.AfterImport(ctx, ws, "customers")
	if err != nil {
		t.Fatal(err)
	}
	if len(refreshed) != 1 || refreshed[0].Derived || refreshed[0].Stats.Outside == 0 {
		t.Fatalf("refreshed %+v", refreshed)
	}
	importRetail(t, ws, 700, 3)
	if _, err := events.AfterImport(ctx, ws, "orders"); err != nil {
		t.Fatal(err)
	}
	if n := scalar[int64](t, ws, `SELECT count(*) FROM customers`); n != 2 {
		t.Errorf("the imported audience was replaced by events: %d rows", n)
	}
}

// An existing audience is used as it is: the events are matched to it and
// those of people it lacks are counted.
func TestGivenAudience(t *testing.T) {
	ws := retail(t, 2000, 4)
	var b strings.Builder
	b.WriteString("customer_id,segment\n")
	for id := 12346; id < 12346+200; id++ { // half of the fixture's customers
		fmt.Fprintf(&b, "%d,a\n", id)
	}
	querytest.ImportCSV(t, ws, "people", b.String())
	before := scalar[int64](t, ws, `SELECT count(*) FROM people`)
	e := setup(t, ws, events.Config{Table: "orders", Key: "CustomerID", Time: "InvoiceDate", Audience: "people"})
	if e.Derived {
		t.Error("an existing audience marked derived")
	}
	outside := scalar[int64](t, ws, `SELECT count(*) FROM orders WHERE CustomerID IS NOT NULL AND CustomerID NOT IN (SELECT customer_id FROM people)`)
	if e.Stats.Outside != outside || outside == 0 {
		t.Errorf("outside %d, want %d", e.Stats.Outside, outside)
	}
	// People are the audience's people with events, as the sentence says
	// ("N events of P people"): keys it lacks are counted by Outside only.
	people := scalar[int64](t, ws, `SELECT count(DISTINCT CustomerID) FROM orders WHERE CustomerID IN (SELECT customer_id FROM people)`)
	if e.Stats.People != people || people == scalar[int64](t, ws, `SELECT count(DISTINCT CustomerID) FROM orders`) {
		t.Errorf("people %d, want %d", e.Stats.People, people)
	}
	if got := scalar[int64](t, ws, `SELECT count(*) FROM people`); got != before {
		t.Errorf("the audience changed: %d rows, had %d", got, before)
	}
	if !strings.Contains(e.Sentence(), "of people not in people") {
		t.Errorf("sentence %q does not count the events of people outside the audience", e.Sentence())
	}
}

func TestNoTimeCounted(t *testing.T) {
	ws := retail(t, 1000, 5)
	if _, err := ws.DB().ExecContext(ctx, `UPDATE orders SET InvoiceDate = NULL WHERE StockCode LIKE '%A'`); err != nil {
		t.Fatal(err)
	}
	e := setup(t, ws, ordersSetup)
	want := scalar[int64](t, ws, `SELECT count(*) FROM orders WHERE CustomerID IS NOT NULL AND InvoiceDate IS NULL`)
	if e.Stats.NoTime != want || want == 0 {
		t.Errorf("events without a time %d, want %d", e.Stats.NoTime, want)
	}
	if !strings.Contains(e.Sentence(), counts.Format(want)+" events with no InvoiceDate") {
		t.Errorf("sentence %q does not count the events without a time", e.Sentence())
	}
	checkDerived(t, ws)
}

// Bad setups are refused with an error that says what is wrong, and leave
// the workspace as it was: no registry entry, no audience, no audit entry.
func TestBadSetupChangesNothing(t *testing.T) {
	ws := retail(t, 800, 6)
	querytest.ImportCSV(t, ws, "members", "member_id,name\nM12346,Ann\nM12347,Bo\n")
	if _, err := ws.DB().ExecContext(ctx, `CREATE TABLE main.unkeyed AS SELECT 1 AS x`); err != nil {
		t.Fatal(err)
	}
	querytest.ImportCSV(t, ws, "texttimes", "CustomerID,seen\n1,yesterday\n2,2011-01-01\n")
	querytest.ImportCSV(t, ws, "strangers", "customer_id,name\n1,Ann\n2,Bo\n")
	querytest.ImportCSV(t, ws, "positions", "pid,name\n12346,Ann\n12346,Ann\n12347,Bo\n")
	cases := []struct {
		name string
		c    events.Config
		want []string
	}{
		{"key types differ", events.Config{Table: "orders", Key: "CustomerID", Audience: "members"},
			[]string{"orders.CustomerID holds whole numbers (BIGINT)", "members.member_id holds text (VARCHAR)",
				"make the audience from the events under a new name"}},
		{"no such time column", events.Config{Table: "orders", Key: "CustomerID", Time: "OrderDate", Audience: "customers"},
			[]string{`no column "OrderDate"`, "InvoiceDate"}},
		{"time column of numbers", events.Config{Table: "orders", Key: "CustomerID", Time: "Quantity", Audience: "customers"},
			[]string{"orders.Quantity holds whole numbers (BIGINT), not dates or times"}},
		{"time column of text", events.Config{Table: "texttimes", Key: "CustomerID", Time: "seen", Audience: "customers"},
			[]string{"texttimes.seen holds text, not dates or times (1 of 2 values", "import it again"}},
		{"amount of text", events.Config{Table: "orders", Key: "CustomerID", Audience: "customers", Amount: "Quantity * Country"},
			[]string{"Country holds text (VARCHAR), not numbers"}},
		{"amount not arithmetic", events.Config{Table: "orders", Key: "CustomerID", Audience: "customers", Amount: "Quantity > 0"},
			[]string{`"Quantity > 0" is not arithmetic`}},
		{"amount misspelt", events.Config{Table: "orders", Key: "CustomerID", Audience: "customers", Amount: "Quantty * UnitPrice"},
			[]string{`no column "Quantty" (did you mean Quantity?)`}},
		{"amount with SQL in it", events.Config{Table: "orders", Key: "CustomerID", Audience: "customers", Amount: `"1); DROP TABLE orders; --"`},
			[]string{`no column "1); DROP TABLE orders; --"`}},
		{"no such table", events.Config{Table: "ordres", Key: "CustomerID", Audience: "customers"},
			[]string{`there is no table "ordres"`, "orders"}},
		{"no such key", events.Config{Table: "orders", Key: "Customer", Audience: "customers"},
			[]string{`no column "Customer"`}},
		{"key of decimals", events.Config{Table: "orders", Key: "UnitPrice", Audience: "customers"},
			[]string{"decimal numbers may be rounded"}},
		{"audience without a key", events.Config{Table: "orders", Key: "CustomerID", Audience: "unkeyed"},
			[]string{"unkeyed has no key column", "segscope key unkeyed"}},
		{"no event matches a person", events.Config{Table: "orders", Key: "CustomerID", Audience: "strangers"},
			[]string{"no CustomerID of orders is a key of strangers (customer_id)", "no event would count"}},
		{"audience keyed by position", events.Config{Table: "orders", Key: "CustomerID", Audience: "positions"},
			[]string{"no CustomerID of orders is a key of positions (row_id", "the row's position", "segscope key positions COLUMN"}},
		{"audience is the events", events.Config{Table: "orders", Key: "CustomerID", Audience: "orders"},
			[]string{"can't be the audience of its own events"}},
		{"audience name not valid", events.Config{Table: "orders", Key: "CustomerID", Audience: "Customers!"},
			[]string{"not a valid table name"}},
	}
	tables, _ := ws.TableNames(ctx)
	audit, _ := ws.AuditLog(ctx, query.AuditFilter{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := events.Setup(ctx, ws, tc.c, events.Options{Reason: "bad", AsOf: &time.Time{}})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if l, _ := events.List(ctx, ws); len(l) != 0 {
				t.Errorf("registry holds %+v", l)
			}
			if now, _ := ws.TableNames(ctx); !slices.Equal(now, tables) {
				t.Errorf("tables %v, were %v", now, tables)
			}
			if now, _ := ws.AuditLog(ctx, query.AuditFilter{}); len(now) != len(audit) {
				t.Errorf("%d audit entries, were %d", len(now), len(audit))
			}
			if n := scalar[int64](t, ws, `SELECT count(*) FROM orders`); n != 800 {
				t.Errorf("orders has %d rows", n)
			}
		})
	}
}

// A setup whose writing fails part-way (here: the audit chain's table is
// gone) leaves no derived audience behind.
func TestFailedWriteLeavesNoAudience(t *testing.T) {
	ws := retail(t, 300, 1)
	if _, err := ws.DB().ExecContext(ctx, `ALTER TABLE segscope.audit RENAME TO audit_gone`); err != nil {
		t.Fatal(err)
	}
	if _, err := events.Setup(ctx, ws, ordersSetup, events.Options{}); err == nil {
		t.Fatal("setup succeeded without an audit log")
	}
	if names, _ := ws.TableNames(ctx); slices.Contains(names, "customers") {
		t.Error("customers was made by a setup that failed")
	}
	if _, err := ws.DB().ExecContext(ctx, `ALTER TABLE segscope.audit_gone RENAME TO audit`); err != nil {
		t.Fatal(err)
	}
	if l, _ := events.List(ctx, ws); len(l) != 0 {
		t.Errorf("registry holds %+v", l)
	}
}

func TestSeveralEventTablesAndSchema(t *testing.T) {
	ws := retail(t, 1000, 8)
	setup(t, ws, ordersSetup)
	querytest.ImportCSV(t, ws, "views", "CustomerID,title,seen\n12346,A,2011-05-01 10:00\n12347,B,2011-06-01 11:00\n")
	setup(t, ws, events.Config{Table: "views", Key: "CustomerID", Time: "seen", Audience: "customers"})
	asOf := time.Date(2011, 12, 10, 0, 0, 0, 0, time.UTC)
	if err := events.SetAsOf(ctx, ws, asOf, "the data ends on 2011-12-09"); err != nil {
		t.Fatal(err)
	}
	s, err := segments.Schema(ctx, ws, "customers")
	if err != nil {
		t.Fatal(err)
	}
	if s.Key != "CustomerID" || !s.AsOf.Equal(asOf) || len(s.Events) != 2 {
		t.Fatalf("schema key %q, as of %v, events %+v", s.Key, s.AsOf, s.Events)
	}
	if o := s.Events[0]; o.Name != "orders" || o.Key != "CustomerID" || o.Time != "InvoiceDate" || len(o.Columns) != 9 {
		t.Errorf("orders in the schema: %+v", o)
	}
	if v := s.Events[1]; v.Name != "views" || v.Time != "seen" {
		t.Errorf("views in the schema: %+v", v)
	}
	// The event tables belong to their audience only.
	other, err := segments.Schema(ctx, ws, "orders")
	if err != nil || len(other.Events) != 0 || other.Key != "row_id" || !other.AsOf.Equal(asOf) {
		t.Errorf("orders' own schema: %+v, %v", other, err)
	}
	// A rule with an event condition counts as the hand-written SQL does.
	where, err := segments.Filter(ctx, ws, "customers", "count(orders in last 90 days) = 0")
	if err != nil {
		t.Fatal(err)
	}
	n, err := ws.Count(ctx, "customers", where)
	if err != nil {
		t.Fatal(err)
	}
	want := scalar[int64](t, ws, `SELECT count(*) FROM customers WHERE CustomerID NOT IN (SELECT CustomerID FROM orders
		WHERE CustomerID IS NOT NULL AND InvoiceDate > TIMESTAMP '2011-12-10' - INTERVAL 90 DAY AND InvoiceDate <= TIMESTAMP '2011-12-10')`)
	if n != want || want == 0 {
		t.Errorf("lapsed customers %d, hand-written %d", n, want)
	}
	// Removing one leaves the other, the table and the audience.
	removed, err := events.Remove(ctx, ws, "views", "not needed")
	if err != nil || removed.Table != "views" {
		t.Fatal(removed, err)
	}
	if s, _ = segments.Schema(ctx, ws, "customers"); len(s.Events) != 1 {
		t.Errorf("after removing views: %+v", s.Events)
	}
	// What Schema keeps between compilations follows every change.
	if err := events.SetAsOf(ctx, ws, time.Time{}, "live again"); err != nil {
		t.Fatal(err)
	}
	if s, _ = segments.Schema(ctx, ws, "customers"); !s.AsOf.IsZero() {
		t.Errorf("as of %v after setting it back to now", s.AsOf)
	}
	if err := ws.SetKey(ctx, "customers", query.SurrogateKey); err != nil {
		t.Fatal(err)
	}
	if s, _ = segments.Schema(ctx, ws, "customers"); s.Key != query.SurrogateKey {
		t.Errorf("key %q after SetKey", s.Key)
	}
	if _, err := events.Remove(ctx, ws, "views", ""); err == nil || !strings.Contains(err.Error(), "not an event table") {
		t.Errorf("second remove: %v", err)
	}
	if log, _ := ws.AuditLog(ctx, query.AuditFilter{Action: events.ActionRemove}); len(log) != 1 {
		t.Errorf("%d remove entries", len(log))
	}
}

func TestAsOf(t *testing.T) {
	ws := querytest.Empty(t)
	if a, err := events.AsOf(ctx, ws); err != nil || !a.IsZero() {
		t.Fatalf("fresh workspace as of %v, %v", a, err)
	}
	day, err := events.ParseAsOf("2011-12-10")
	if err != nil || rule.AsOfDate(day) != "2011-12-10" {
		t.Fatal(day, err)
	}
	if err := events.SetAsOf(ctx, ws, day, "historical data"); err != nil {
		t.Fatal(err)
	}
	if a, _ := events.AsOf(ctx, ws); !a.Equal(day) {
		t.Errorf("as of %v, want %v", a, day)
	}
	now, _ := events.ParseAsOf("now")
	if err := events.SetAsOf(ctx, ws, now, "live data"); err != nil {
		t.Fatal(err)
	}
	if a, _ := events.AsOf(ctx, ws); !a.IsZero() {
		t.Errorf("as of %v after now", a)
	}
	log, _ := ws.AuditLog(ctx, query.AuditFilter{Action: events.ActionAsOf})
	if len(log) != 2 || !strings.Contains(log[0].Details, `"as_of":"now","previous":"2011-12-10"`) {
		t.Errorf("audit %+v", log)
	}
	for _, bad := range []string{"10/12/2011", "yesterday", "", "2011-12-10 14:30:15"} {
		if _, err := events.ParseAsOf(bad); err == nil || !strings.Contains(err.Error(), "2011-12-10") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// 0001-01-01 is Go's zero time, which means now: it was taken silently
	// as now; such years are refused rather than read as something else.
	for _, far := range []string{"0001-01-01", "0000-01-01", "0999-12-31"} {
		if _, err := events.ParseAsOf(far); err == nil || !strings.Contains(err.Error(), "before the year 1000") {
			t.Errorf("%q: %v", far, err)
		}
	}
	if tm, _ := events.ParseAsOf("2011-12-10 14:30"); rule.AsOfDate(tm) != "2011-12-10 14:30" {
		t.Errorf("time of day lost: %v", tm)
	}
}

// events setup --as-of sets the as-of time with the setup, in one step.
func TestSetupWithAsOf(t *testing.T) {
	ws := retail(t, 300, 1)
	day := time.Date(2011, 12, 10, 0, 0, 0, 0, time.UTC)
	if _, err := events.Setup(ctx, ws, ordersSetup, events.Options{AsOf: &day}); err != nil {
		t.Fatal(err)
	}
	if a, _ := events.AsOf(ctx, ws); !a.Equal(day) {
		t.Errorf("as of %v", a)
	}
}

// The fixture is what the tests say it is: float IDs with blanks, CRLF,
// day-first dates and cancellations.
func TestRetailFixtureShape(t *testing.T) {
	text := eventstest.Retail(2000, 1)
	if text != eventstest.Retail(2000, 1) {
		t.Fatal("the fixture is not deterministic")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
	if len(lines) != 2001 || lines[0] != eventstest.RetailHeader {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	var blanks, floats, cancelled int
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		switch {
		case f[6] == "":
			blanks++
		case strings.HasSuffix(f[6], ".0"):
			floats++
		}
		if strings.HasPrefix(f[0], "C") && strings.HasPrefix(f[3], "-") {
			cancelled++
		}
		if _, err := time.Parse("02/01/2006 15:04", f[4]); err != nil {
			t.Fatalf("date %q", f[4])
		}
	}
	if blanks == 0 || floats == 0 || cancelled == 0 {
		t.Errorf("blanks %d, float ids %d, cancellations %d", blanks, floats, cancelled)
	}
}

// Setting a derived audience up again with an amount makes it again with the
// column, and the workspace's cached columns follow.
func TestSetupAgainChangesTheDerivedAudience(t *testing.T) {
	ws := retail(t, 700, 3)
	c := ordersSetup
	c.Amount = ""
	setup(t, ws, c)
	if cols, _ := ws.Columns(ctx, "customers"); len(cols) != 5 {
		t.Fatalf("columns without an amount: %+v", cols)
	}
	e := setup(t, ws, ordersSetup)
	if !e.Derived {
		t.Error("setting up again dropped the derived mark")
	}
	cols, err := ws.Columns(ctx, "customers")
	if err != nil || len(cols) != 6 || cols[5].Name != "amount" {
		t.Fatalf("columns after adding the amount: %+v, %v", cols, err)
	}
	checkDerived(t, ws)
	log, _ := ws.AuditLog(ctx, query.AuditFilter{Action: events.ActionSetup})
	if len(log) != 2 || !strings.Contains(log[0].Details, `"previous":{`) {
		t.Errorf("the second setup's audit entry lacks the previous setup: %+v", log)
	}
}
