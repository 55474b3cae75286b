package segments

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/segments/events"
)

// An audience with an event table gets templates measured from its events,
// each selecting some of its people and not all, with the high-value cut-off
// measured on the people's spend.
func TestTemplatesUseEventConditions(t *testing.T) {
	ctx := context.Background()
	ws := retailRFM(t)
	if err := events.SetAsOf(ctx, ws, time.Date(2011, 12, 10, 0, 0, 0, 0, time.UTC), "the data's last day"); err != nil {
		t.Fatal(err)
	}
	fit, err := Fit(ctx, ws, "customers")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	total, err := ws.Count(ctx, "customers", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range fit.Templates {
		names = append(names, tpl.Name)
		if !strings.Contains(tpl.Rule, "(orders") {
			t.Errorf("%s does not use the orders: %s", tpl.Name, tpl.Rule)
		}
		p, err := PreviewRule(ctx, ws, "customers", tpl.Rule)
		if err != nil {
			t.Fatalf("%s: %v", tpl.Name, err)
		}
		if p.Count == 0 || p.Count == total {
			t.Errorf("%s selects %d of %d: %s", tpl.Name, p.Count, total, tpl.Rule)
		}
	}
	if got := strings.Join(names, ","); got != "churn_risk,lapsed,new_customers,high_value,champions,cannot_lose,one_time_buyers" {
		t.Errorf("templates %s; unfit %v", got, fit.Unfit)
	}
	var q75 float64
	if err := ws.DB().QueryRow(`SELECT quantile_cont(s, 0.75) FROM (SELECT sum("Quantity" * "UnitPrice") AS s FROM orders
		WHERE "CustomerID" IS NOT NULL GROUP BY "CustomerID")`).Scan(&q75); err != nil {
		t.Fatal(err)
	}
	for _, tpl := range fit.Templates {
		if tpl.Name == "high_value" && tpl.Cutoffs[0].Value != floorSignificant(q75) {
			t.Errorf("high value cut-off %v, the spend's 75th percentile %v", tpl.Cutoffs[0].Value, q75)
		}
	}
}
