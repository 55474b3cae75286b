package events_test

import (
	"fmt"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/events"
)

// benchOrders is a workspace holding querytest.Rows() order lines of about
// one customer per thirty lines, one line in five without a customer, a year
// of invoice times and a quantity and price to multiply: the shape of the
// online-retail export at benchmark sizes. The rows are made by DuckDB, not
// imported: the benchmark measures what happens after the import.
func benchOrders(b *testing.B) *query.Workspace {
	b.Helper()
	ws := querytest.Empty(b)
	n := querytest.Rows()
	people := max(n/30, 1)
	_, err := ws.DB().ExecContext(ctx, fmt.Sprintf(`CREATE TABLE main.orders AS SELECT
		CAST(i AS BIGINT) AS InvoiceNo,
		CASE WHEN i %% 5 = 0 THEN NULL ELSE CAST(hash(i) %% %d AS BIGINT) + 12346 END AS CustomerID,
		TIMESTAMP '2010-12-01 08:00:00' + to_seconds(CAST(hash(i * 7) %% 32140800 AS BIGINT)) AS InvoiceDate,
		CAST(1 + i %% 24 AS BIGINT) AS Quantity,
		CAST((i * 13) %% 2000 AS DOUBLE) / 100 AS UnitPrice
		FROM range(%d) t(i)`, people, n))
	if err != nil {
		b.Fatal(err)
	}
	return ws
}

// rawDerive is the derived audience written by hand, as an analyst would.
const rawDerive = `CREATE OR REPLACE TABLE main.raw_customers AS SELECT CustomerID, min(InvoiceDate) AS first_seen,
	max(InvoiceDate) AS last_seen, count(*) AS events, count(DISTINCT CAST(InvoiceDate AS DATE)) AS active_days,
	sum(Quantity * UnitPrice) AS amount FROM main.orders WHERE CustomerID IS NOT NULL GROUP BY CustomerID`

// BenchmarkDeriveVsRaw runs events setup deriving the audience (checks,
// derivation, the key, the counts of the events, the registry and the audit
// entry) and the hand-written CREATE TABLE AS by turns on one load of the data
// (see the export benchmarks' benchExportVsRaw), reporting each side's
// seconds per run and their ratio.
func BenchmarkDeriveVsRaw(b *testing.B) {
	ws := benchOrders(b)
	derive := func() {
		if _, err := events.Setup(ctx, ws, ordersSetup, events.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	raw := func() {
		if _, err := ws.DB().ExecContext(ctx, rawDerive); err != nil {
			b.Fatal(err)
		}
	}
	byTurns(b, derive, raw)
}

// The twin answers the same question: the benchmark's audience is the
// hand-written one, row for row.
func TestRawDeriveAgrees(t *testing.T) {
	ws := retail(t, 2500, 9)
	setup(t, ws, ordersSetup)
	if _, err := ws.DB().ExecContext(ctx, rawDerive); err != nil {
		t.Fatal(err)
	}
	// Sums of DOUBLE may differ in the last bits with the order they are added in.
	differ := scalar[int64](t, ws, `SELECT count(*) FROM customers c FULL JOIN raw_customers r USING (CustomerID)
		WHERE c.first_seen IS DISTINCT FROM r.first_seen OR c.last_seen IS DISTINCT FROM r.last_seen
		OR c.events IS DISTINCT FROM r.events OR c.active_days IS DISTINCT FROM r.active_days
		OR c.amount IS NULL OR r.amount IS NULL OR abs(c.amount - r.amount) > 1e-9 * abs(r.amount)`)
	if differ != 0 || scalar[int64](t, ws, `SELECT count(*) FROM raw_customers`) == 0 {
		t.Errorf("%d customers differ between segscope's audience and the hand-written one", differ)
	}
}
