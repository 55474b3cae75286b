package tuitest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/events"
)

// PurchasesCSV is the events of CustomersCSV(120)'s people: customer i has
// i%7 purchases, i days apart, each with an item, an amount and the email it
// was sent to (personal data); a few purchases have no customer.
func PurchasesCSV() string {
	var b strings.Builder
	b.WriteString("customer_id,at,item,amount,email\n")
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	for i := 1; i <= 120; i++ {
		for j := range i % 7 {
			fmt.Fprintf(&b, "%d,%s,item %d,%d.50,buyer%d@example.com\n", i, start.Add(time.Duration(i*j)*24*time.Hour).Format("2006-01-02 15:04:05"), j, 10+j*5, i)
		}
	}
	b.WriteString(",2026-03-01 09:00:00,lost,1.00,\n,2026-03-02 09:00:00,lost,1.00,\n")
	return b.String()
}

// Purchases is a fixture with the customers table (120 people) and their
// purchases (PurchasesCSV), not yet set up as events: tests that need them
// as events call SetUpPurchases.
var Purchases = querytest.NewFixture(func(tb testing.TB, path string) *query.Workspace {
	ws := querytest.EmptyFile(tb, path)
	for name, body := range map[string]string{"customers": CustomersCSV(120), "purchases": PurchasesCSV()} {
		file := WriteFile(tb, name+".csv", body)
		if _, err := ws.Import(context.Background(), file, query.ImportOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
	return ws
})

// SetUpPurchases sets purchases up as events of customers, timed by at, with
// the amount as their worth.
func SetUpPurchases(tb testing.TB, ws *query.Workspace) events.Entry {
	tb.Helper()
	e, err := events.Setup(context.Background(), ws, events.Config{Table: "purchases", Key: "customer_id", Time: "at", Audience: "customers", Amount: "amount"}, events.Options{Reason: "test"})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
