package rule_test

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/segments/rule"
)

// The event fixture has the shape of an online-retail export: customers
// 1-400, invoice lines for customers 1-350 (so 351-400 never ordered), lines
// without a customer, cancellations with negative quantities, and times on
// both sides of the as-of date.
const createEvents = `
CREATE TABLE customers AS SELECT CAST(i AS BIGINT) AS "CustomerID", (i % 3 = 0) AS vip, 'c' || i AS name FROM range(1, 401) r(i);
CREATE TABLE orders AS SELECT
	CASE WHEN i % 17 = 0 THEN NULL ELSE CAST((i * 7919) % 350 + 1 AS BIGINT) END AS "CustomerID",
	'INV' || (i // 3) AS "InvoiceNo",
	CASE WHEN i % 11 = 0 THEN -1 ELSE i % 7 + 1 END AS "Quantity",
	((i % 13) + 1) * 1.25 AS "UnitPrice",
	TIMESTAMP '2011-01-01 09:30:00' + INTERVAL (CASE WHEN (i * 7919) % 350 + 1 > 300 THEN i % 200 ELSE i % 400 END) DAY AS "InvoiceDate"
FROM range(0, 5000) r(i);
CREATE TABLE notes AS SELECT CAST(i % 50 AS BIGINT) AS who, 'x' AS body FROM range(0, 100) r(i);
`

var eventAsOf = time.Date(2011, 12, 10, 0, 0, 0, 0, time.UTC)

func eventSchema(asOf time.Time) rule.Schema {
	return rule.Schema{
		Table: "customers",
		Key:   "CustomerID",
		Columns: []rule.Column{
			{Name: "CustomerID", Type: rule.TypeNumber}, {Name: "vip", Type: rule.TypeBool}, {Name: "name", Type: rule.TypeString},
		},
		Events: []rule.EventTable{{
			Name: "orders", Key: "CustomerID", Time: "InvoiceDate",
			Columns: []rule.Column{
				{Name: "CustomerID", Type: rule.TypeNumber}, {Name: "InvoiceNo", Type: rule.TypeString},
				{Name: "Quantity", Type: rule.TypeNumber}, {Name: "UnitPrice", Type: rule.TypeNumber},
				{Name: "InvoiceDate", Type: rule.TypeTimestamp},
			},
		}, {
			Name: "notes", Key: "who",
			Columns: []rule.Column{{Name: "who", Type: rule.TypeNumber}, {Name: "body", Type: rule.TypeString}},
		}},
		AsOf: asOf,
	}
}

func openEventsDB(t *testing.T) *sql.DB {
	t.Helper()
	db := openDB(t)
	if _, err := db.Exec(createEvents); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestEventConditionsMatchHandWrittenSQL checks each event condition against
// the same question asked the other way, with a correlated subquery per
// customer, as a person writing DuckDB by hand would.
func TestEventConditionsMatchHandWrittenSQL(t *testing.T) {
	db := openEventsDB(t)
	s := eventSchema(eventAsOf)
	const asOf = "TIMESTAMP '2011-12-10'"
	// As of a date, the events after it have not happened yet.
	per := func(agg, where string) string {
		if !strings.Contains(where, "INTERVAL") {
			where += ` AND o."InvoiceDate" <= ` + asOf
		}
		return "(SELECT " + agg + " FROM orders o WHERE o.\"CustomerID\" = c.\"CustomerID\"" + where + ")"
	}
	window := func(days string) string {
		return ` AND o."InvoiceDate" > ` + asOf + ` - INTERVAL ` + days + ` DAY AND o."InvoiceDate" <= ` + asOf
	}
	tests := []struct{ rule, hand string }{
		{"count(orders) >= 5", per("count(*)", "") + " >= 5"},
		{"count(orders) = 0", per("count(*)", "") + " = 0"},
		{"count(orders where Quantity < 0) >= 1", per("count(*)", ` AND o."Quantity" < 0`) + " >= 1"},
		{"sum(orders.Quantity * orders.UnitPrice) > 300", per(`coalesce(sum(o."Quantity" * o."UnitPrice"), 0)`, "") + " > 300"},
		{"sum(orders.Quantity * orders.UnitPrice) < 50", per(`coalesce(sum(o."Quantity" * o."UnitPrice"), 0)`, "") + " < 50"},
		{"last(orders) < date '2011-09-01'", per(`max(o."InvoiceDate")`, "") + " < DATE '2011-09-01'"},
		{"last(orders) is null", per(`max(o."InvoiceDate")`, "") + " IS NULL"},
		{"first(orders) > ago(300 days)", per(`min(o."InvoiceDate")`, "") + " > " + asOf + " - INTERVAL 300 DAY"},
		{"count(orders in last 90 days) = 0", per("count(*)", window("90")) + " = 0"},
		{"none(orders in last 10 days)", per("count(*)", window("10")) + " = 0"},
		{"any(orders where Quantity < 0 in last 60 days)", per("count(*)", ` AND o."Quantity" < 0`+window("60")) + " > 0"},
		{"count(orders where Quantity < 0 in last 365 days) >= 2 or none(orders)",
			per("count(*)", ` AND o."Quantity" < 0`+window("365")) + " >= 2 OR " + per("count(*)", "") + " = 0"},
		{"count_distinct(orders.InvoiceNo) between 10 and 14", per(`count(DISTINCT o."InvoiceNo")`, "") + " BETWEEN 10 AND 14"},
		{"count_distinct(orders.InvoiceNo) not between 1 and 14", per(`count(DISTINCT o."InvoiceNo")`, "") + " NOT BETWEEN 1 AND 14"},
		{"avg(orders.UnitPrice) >= 9", per(`avg(o."UnitPrice")`, "") + " >= 9"},
		{"min(orders.Quantity) < 0", per(`min(o."Quantity")`, "") + " < 0"},
		{"max(orders.Quantity) in (7, 6)", per(`max(o."Quantity")`, "") + " IN (7, 6)"},
		{"count(orders) not in (13, 14, 15)", per("count(*)", "") + " NOT IN (13, 14, 15)"},
		{"5 <= count(orders)", "5 <= " + per("count(*)", "")},
		{"not (count(orders) >= 15)", "NOT (" + per("count(*)", "") + " >= 15)"},
		{"vip and count(orders in last 90 days) >= 1", "vip AND " + per("count(*)", window("90")) + " >= 1"},
		{"any(orders) = false", per("count(*)", "") + " = 0"},
		{"sum(orders.Quantity where InvoiceDate > date '2011-06-01') >= 40", per(`coalesce(sum(o."Quantity"), 0)`, ` AND o."InvoiceDate" > DATE '2011-06-01'`) + " >= 40"},
	}
	for _, tc := range tests {
		where, err := rule.Compile(tc.rule, s, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.rule, err)
			continue
		}
		var got, want int
		if err := db.QueryRow("SELECT count(*) FROM customers WHERE " + where).Scan(&got); err != nil {
			t.Errorf("%s: %v\n%s", tc.rule, err, where)
			continue
		}
		if err := db.QueryRow("SELECT count(*) FROM customers c WHERE " + tc.hand).Scan(&want); err != nil {
			t.Fatalf("hand-written SQL for %s: %v", tc.rule, err)
		}
		if got != want {
			t.Errorf("%s: %d customers, hand-written SQL %d\n%s", tc.rule, got, want, where)
		}
		if want == 0 || want == 400 {
			t.Errorf("%s: %d of 400 customers: the fixture does not tell this rule apart", tc.rule, want)
		}
	}
}

// A rule and its negation split the audience even with event conditions:
// people without events are decided, never unknown.
func TestEventConditionNegationSplits(t *testing.T) {
	db := openEventsDB(t)
	s := eventSchema(eventAsOf)
	for _, src := range []string{"count(orders) >= 12", "last(orders) > date '2011-11-01'", "sum(orders.Quantity) < 30",
		"avg(orders.UnitPrice) > 9", "none(orders in last 20 days)"} {
		var n int
		for _, r := range []string{src, "not (" + src + ")"} {
			where, err := rule.Compile(r, s, nil)
			if err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			var k int
			if err := db.QueryRow("SELECT count(*) FROM customers WHERE " + where).Scan(&k); err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			n += k
		}
		if n != 400 {
			t.Errorf("%s and its negation hold %d customers, not all 400", src, n)
		}
	}
}

// Without an as-of time, windows and ago() count back from the clock.
func TestEventWindowWithoutAsOfUsesNow(t *testing.T) {
	where, err := rule.Compile("count(orders in last 30 days) >= 1 and first(orders) > ago(2 years)", eventSchema(time.Time{}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(where, "2011") || !strings.Contains(where, "current_timestamp") {
		t.Errorf("windows should count back from now:\n%s", where)
	}
	db := openEventsDB(t)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM customers WHERE " + where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("no order is within 30 days of today, yet %d customers matched", n)
	}
}

func TestEventConditionErrors(t *testing.T) {
	s := eventSchema(eventAsOf)
	mismatched := eventSchema(eventAsOf)
	mismatched.Events[0].Columns[0].Type = rule.TypeString
	keyless := eventSchema(eventAsOf)
	keyless.Key = ""
	bare := eventSchema(eventAsOf)
	bare.Events = nil
	tests := []struct {
		s    rule.Schema
		src  string
		want string
	}{
		{s, "count(order) >= 1", `did you mean "orders"`},
		{s, "count(orders) + 1 > 2", "is a value worked out per person"},
		{s, "count(orders)", "is a value worked out per person"},
		{s, "count(orders) > vip", "can only be compared with a value"},
		{s, "count(orders) > count(notes)", "can only be compared with a value"},
		{s, "none(orders) > 1", "none(orders) is true/false, which has no order"},
		{s, "vip >= 0", `"vip" is true/false, which has no order`},
		{s, "sum(Quantity) > 1", "needs to know which event table"},
		{s, "sum(vip.x) > 1", `"vip" is a column of "customers"`},
		{s, "sum(nope.x) > 1", `unknown event table "nope"`},
		{s, "orders.Quantity > 1", "is a column of the event table"},
		{s, "customers.vip and count(orders) > 1", ""},
		{s, "count(orders where nope > 1) > 1", `unknown column "nope" in the event table "orders"`},
		{s, "count(orders where vip) > 1", `unknown column "vip" in the event table "orders"`},
		{s, "count(notes in last 30 days) > 1", `"notes" has no time column`},
		{s, "last(notes) > date '2020-01-01'", `"notes" has no time column`},
		{s, "count(orders where segment('x')) > 0", "segment() cannot be used inside an event aggregate"},
		{s, "sum(orders.InvoiceNo) > 1", "sum needs a number"},
		{s, "count(orders.Quantity) > 1", "count takes an event table, not a column"},
		{s, "count(orders where count(orders) > 1) > 1", "cannot be nested"},
		{s, "count(orders where sum(orders.Quantity) > 1) > 1", "cannot be nested"},
		{s, "sum(orders.Quantity where notes.body = 'x') > 1", "is another table"},
		{s, "count(orders in last 30 fortnights) > 1", `unknown unit "fortnights"`},
		{s, "count(orders in last days) > 1", "a whole number and a unit"},
		{s, "count(orders where Quantity > 1 in 30 days) > 1", `"(" and a list of values`},
		{s, "last(orders) > 5", "cannot compare"},
		{mismatched, "count(orders) > 1", `cannot match "customers"."CustomerID" (number) with "orders"."CustomerID" (string)`},
		{keyless, "any(orders)", "has no key column"},
		{bare, "any(orders)", `"customers" has no event tables`},
	}
	for _, tc := range tests {
		_, err := rule.Compile(tc.src, tc.s, nil)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.src, err)
		case tc.want == "":
		case err == nil:
			t.Errorf("%s: compiled, want an error containing %q", tc.src, tc.want)
		case !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s:\n got %v\nwant %q", tc.src, err, tc.want)
		}
	}
}

func TestEventRuleColumnsAndTables(t *testing.T) {
	e, err := rule.Parse(`vip and count(orders where Quantity < 0) >= 1 and sum("orders"."UnitPrice") > 3 and none(notes)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rule.Columns(e), ","); got != "vip" {
		t.Errorf("Columns = %s, want only the audience's vip", got)
	}
	if got := strings.Join(rule.EventTables(e), ","); got != "orders,notes" {
		t.Errorf("EventTables = %s", got)
	}
}

func TestEventTokens(t *testing.T) {
	var kinds []string
	for _, tok := range rule.Tokens("count(orders where x > 1 in last 30 days) >= orders.n") {
		kinds = append(kinds, tok.Text+":"+tok.Kind.String())
	}
	got := strings.Join(kinds, " ")
	for _, want := range []string{"count:function", "where:keyword", "in:keyword", "last:keyword", "days:keyword", ".:punct"} {
		if !strings.Contains(got, want) {
			t.Errorf("tokens %s lack %s", got, want)
		}
	}
}

func TestMeasure(t *testing.T) {
	orders := eventSchema(eventAsOf).Events[0]
	text, sql, err := rule.Measure("Quantity * (UnitPrice - 1)", orders)
	if err != nil {
		t.Fatal(err)
	}
	if text != "orders.Quantity * (orders.UnitPrice - 1)" {
		t.Errorf("rule text = %s", text)
	}
	db := openEventsDB(t)
	var viaMeasure, byHand float64
	if err := db.QueryRow("SELECT sum(" + sql + ") FROM orders").Scan(&viaMeasure); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if err := db.QueryRow(`SELECT sum("Quantity" * ("UnitPrice" - 1)) FROM orders`).Scan(&byHand); err != nil {
		t.Fatal(err)
	}
	if viaMeasure != byHand {
		t.Errorf("measure sums to %v, by hand %v", viaMeasure, byHand)
	}
	// The rule text works inside an aggregate.
	if _, err := rule.Compile("sum("+text+") > 10", eventSchema(eventAsOf), nil); err != nil {
		t.Errorf("sum(%s): %v", text, err)
	}
	for src, want := range map[string]string{
		"InvoiceNo * 2":  "needs a number",
		"Quantity > 1":   "cannot be part of an amount",
		"count(orders)":  "cannot be part of an amount",
		"abs(Quantity)":  "cannot be part of an amount",
		"Quantiy * 2":    `did you mean "Quantity"`,
		"notes.body * 2": "is another table",
	} {
		if _, _, err := rule.Measure(src, orders); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Measure(%s) = %v, want an error containing %q", src, err, want)
		}
	}
}

func TestPerPerson(t *testing.T) {
	db := openEventsDB(t)
	s := eventSchema(eventAsOf)
	for measure, hand := range map[string]string{
		"count(orders in last 90 days)": `SELECT "CustomerID", count(*) FROM orders WHERE "CustomerID" IS NOT NULL
			AND "InvoiceDate" > TIMESTAMP '2011-12-10' - INTERVAL 90 DAY AND "InvoiceDate" <= TIMESTAMP '2011-12-10' GROUP BY 1`,
		"sum(orders.Quantity * orders.UnitPrice where Quantity > 0)": `SELECT "CustomerID", sum("Quantity" * "UnitPrice") FROM orders
			WHERE "CustomerID" IS NOT NULL AND "Quantity" > 0 AND "InvoiceDate" <= TIMESTAMP '2011-12-10' GROUP BY 1`,
	} {
		q, err := rule.PerPerson(measure, s)
		if err != nil {
			t.Fatalf("%s: %v", measure, err)
		}
		var got, want int
		db.QueryRow(`SELECT count(*) FROM (` + q + `)`).Scan(&got)
		db.QueryRow(`SELECT count(*) FROM (` + hand + `)`).Scan(&want)
		if got != want || got == 0 {
			t.Errorf("%s: %d people, by hand %d", measure, got, want)
		}
		var mismatched int
		if err := db.QueryRow(`SELECT count(*) FROM (` + q + `) a FULL JOIN (` + hand + `) h(k2, v2) ON a.k = h.k2 WHERE a.v IS DISTINCT FROM h.v2`).Scan(&mismatched); err != nil {
			t.Fatal(err)
		}
		if mismatched != 0 {
			t.Errorf("%s: %d people differ from the hand-written values", measure, mismatched)
		}
	}
	for measure, want := range map[string]string{
		"none(orders)":          "a measure is one event aggregate",
		"count(orders) > 1":     "a measure is one event aggregate",
		"count(nope)":           "unknown event table",
		"sum(orders.InvoiceNo)": "sum needs a number",
	} {
		if _, err := rule.PerPerson(measure, s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("PerPerson(%s) = %v, want %q", measure, err, want)
		}
	}
}

func TestExportedCompilesThroughTheSchema(t *testing.T) {
	s := eventSchema(eventAsOf)
	var asked []string
	s.Exported = func(segment string, w *rule.Window) (string, error) {
		asked = append(asked, segment)
		if w != nil {
			asked = append(asked, strconv.FormatInt(w.Amount, 10)+" "+w.Unit)
		}
		return "SELECT '7' AS k", nil
	}
	where, err := rule.Compile("vip and not exported('promo', in last 7 days)", s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(asked, ",") != "promo,7 day" || !strings.Contains(where, `(CAST("CustomerID" AS VARCHAR) IN (SELECT '7' AS k))`) {
		t.Errorf("asked %v; SQL %s", asked, where)
	}
	db := openEventsDB(t)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM customers WHERE " + where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// Customer 6 is a vip; capping it leaves the others.
	s2 := s
	s2.Exported = func(string, *rule.Window) (string, error) { return "SELECT '6' AS k", nil }
	capped, err := rule.Compile("vip and not exported('promo')", s2, nil)
	if err != nil {
		t.Fatal(err)
	}
	var vip, left int
	if err := db.QueryRow("SELECT count(*) FROM customers WHERE vip").Scan(&vip); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM customers WHERE " + capped).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != vip-1 || n != vip {
		t.Errorf("vip %d; capped by customer 6: %d; by customer 7 (not a vip): %d", vip, left, n)
	}
	for src, want := range map[string]string{
		"exported(promo)":                       "the segment's name as a string",
		"exported('promo', 7 days)":             "a window, like in last 7 days",
		"count(orders where exported('p')) > 1": "cannot be used inside an event aggregate",
	} {
		if _, err := rule.Compile(src, s, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
	if _, err := rule.CompileFor(rule.Postgres, "", "exported('promo')", s, nil); err == nil || !strings.Contains(err.Error(), "segscope's own records of exports") {
		t.Errorf("exported() in PostgreSQL: %v", err)
	}
	s.Exported = nil
	if _, err := rule.Compile("exported('promo')", s, nil); err == nil || !strings.Contains(err.Error(), "not available") {
		t.Errorf("without export records: %v", err)
	}
}

// As of a date, the events after it do not count; without an as-of time
// every event does.
func TestEventsAfterTheAsOfDoNotCount(t *testing.T) {
	db := openEventsDB(t)
	var later int
	if err := db.QueryRow(`SELECT count(DISTINCT "CustomerID") FROM orders WHERE "InvoiceDate" > TIMESTAMP '2011-12-10'`).Scan(&later); err != nil {
		t.Fatal(err)
	}
	if later == 0 {
		t.Fatal("the fixture has no events after the as-of date")
	}
	count := func(s rule.Schema, src string) int {
		where, err := rule.Compile(src, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM customers WHERE " + where).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	src := "last(orders) > date '2011-12-10'"
	if n := count(eventSchema(eventAsOf), src); n != 0 {
		t.Errorf("as of 2011-12-10, %d customers ordered after it", n)
	}
	if n := count(eventSchema(time.Time{}), src); n != later {
		t.Errorf("without an as-of time, %d customers ordered after 2011-12-10, by hand %d", n, later)
	}
	for _, bad := range []string{"count(orders in last 0 days) = 0", "exported('x', in last 0 days)"} {
		if _, err := rule.Compile(bad, eventSchema(eventAsOf), nil); err == nil || !strings.Contains(err.Error(), "a window needs at least 1") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestEventConditionsAreBounded(t *testing.T) {
	s := eventSchema(eventAsOf)
	many := strings.Repeat("count(orders) >= 1 and ", rule.MaxEventConditions-1) + "any(orders)"
	if _, err := rule.Compile(many, s, nil); err != nil {
		t.Fatalf("%d event measures: %v", rule.MaxEventConditions, err)
	}
	if _, err := rule.Compile(many+" and none(orders in last 3 days)", s, nil); err == nil || !strings.Contains(err.Error(), "at most 32 event measures; this one has 33") {
		t.Errorf("one more: %v", err)
	}
}
