package segments

import (
	"context"
	"testing"
	"time"

	"github.com/segscope/segscope/segments/events"
)

// The questions of an online-retail export (float customer IDs with
// blanks, cancellations, day-first dates), asked as event conditions of the
// derived customers and by hand of the imported order lines.
func TestRetailEventRulesMatchHandWrittenSQL(t *testing.T) {
	ctx := context.Background()
	ws := retailRFM(t)
	if err := events.SetAsOf(ctx, ws, time.Date(2011, 12, 10, 0, 0, 0, 0, time.UTC), "the export's last day"); err != nil {
		t.Fatal(err)
	}
	const keyed = `SELECT "CustomerID" AS k, count(*) AS lines, sum("Quantity" * "UnitPrice") AS spend, max("InvoiceDate") AS last,
		count(*) FILTER (WHERE "InvoiceDate" > TIMESTAMP '2011-12-10' - INTERVAL 90 DAY AND "InvoiceDate" <= TIMESTAMP '2011-12-10') AS recent,
		count(*) FILTER (WHERE "Quantity" < 0) AS cancelled
		FROM orders WHERE "CustomerID" IS NOT NULL GROUP BY 1`
	for _, tc := range []struct{ rule, hand string }{
		{"count(orders) >= 5", `SELECT count(*) FROM (` + keyed + `) WHERE lines >= 5`},
		{"sum(orders.Quantity * orders.UnitPrice) > 1000", `SELECT count(*) FROM (` + keyed + `) WHERE spend > 1000`},
		{"last(orders) < date '2011-09-01'", `SELECT count(*) FROM (` + keyed + `) WHERE last < DATE '2011-09-01'`},
		{"count(orders in last 90 days) = 0", `SELECT count(*) FROM customers c LEFT JOIN (` + keyed + `) o ON o.k = c."CustomerID" WHERE coalesce(o.recent, 0) = 0`},
		{"any(orders where Quantity < 0) and none(orders in last 90 days)", `SELECT count(*) FROM (` + keyed + `) WHERE cancelled > 0 AND recent = 0`},
	} {
		p, err := PreviewRule(ctx, ws, "customers", tc.rule)
		if err != nil {
			t.Fatalf("%s: %v", tc.rule, err)
		}
		var want int64
		if err := ws.DB().QueryRowContext(ctx, tc.hand).Scan(&want); err != nil {
			t.Fatalf("%s by hand: %v", tc.rule, err)
		}
		if p.Count != want || want == 0 || want == p.Total {
			t.Errorf("%s: %d of %d customers, by hand %d", tc.rule, p.Count, p.Total, want)
		}
	}
}
