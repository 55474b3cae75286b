package tuitest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
)

var (
	plans     = []string{"gold", "silver", "silver", "bronze", "free", "free", "free"}
	countries = []string{"US", "DE", "FR", "GB", "US", "ES"}
	firsts    = []string{"Ada", "Bruno", "Chiara", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas"}
	lasts     = []string{"Lovelace", "Mars", "Conti", "Patel", "Kaya", "Nazari", "Berg", "Roux", "Silva", "Weber"}
)

// CustomersCSV is a small audience table with every kind of column the
// console treats differently: a key, personal data, text, numbers, dates, nulls.
func CustomersCSV(n int) string {
	var b strings.Builder
	b.WriteString("customer_id,email,first_name,last_name,phone,plan,country,age,spend,signup_date,churned\n")
	for i := 1; i <= n; i++ {
		first, last := firsts[i%len(firsts)], lasts[(i*7)%len(lasts)]
		phone := fmt.Sprintf("+1 555 01%02d", i%100)
		if i%11 == 0 {
			phone = ""
		}
		fmt.Fprintf(&b, "%d,%s.%s%d@example.com,%s,%s,%s,%s,%s,%d,%.2f,2024-%02d-%02d,%t\n",
			i, strings.ToLower(first), strings.ToLower(last), i, first, last, phone,
			plans[i%len(plans)], countries[(i*5)%len(countries)], 18+(i*7)%60, float64((i*37)%500)+0.25*float64(i%4),
			1+i%12, 1+i%28, i%5 == 0)
	}
	return b.String()
}

// OrdersCSV is a second table, of orders by customers.
func OrdersCSV() string {
	var b strings.Builder
	b.WriteString("order_id,customer_id,amount\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "%d,%d,%.2f\n", 1000+i, 1+(i*13)%120, float64(i)*9.5)
	}
	return b.String()
}

// ImportTables imports the customers (120 rows) and orders tables into ws,
// from files named customers.csv and orders.csv.
func ImportTables(tb testing.TB, ws *query.Workspace) {
	tb.Helper()
	dir := tb.TempDir()
	for _, f := range []struct{ name, body string }{{"customers.csv", CustomersCSV(120)}, {"orders.csv", OrdersCSV()}} {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte(f.body), 0o644); err != nil {
			tb.Fatal(err)
		}
		if _, err := ws.Import(context.Background(), path, query.ImportOptions{}); err != nil {
			tb.Fatal(err)
		}
	}
}

// Segments are three segments of the customers table.
var Segments = []segments.Definition{
	{Name: "big_spenders", Table: "customers", Rule: "spend >= 400", Description: "the top of the spend range", Reason: "first cut"},
	{Name: "gold_us", Table: "customers", Rule: "plan = 'gold' and country = 'US'", Description: "gold plan in the US"},
	{Name: "young_free", Table: "customers", Rule: "plan = 'free' and age < 30"},
}

// Define stores segments, then sets their times to the fixed clock's day, so
// that views which show them do not change from run to run.
func Define(tb testing.TB, ws *query.Workspace, defs ...segments.Definition) {
	tb.Helper()
	ctx := context.Background()
	store := segments.NewStore(ws)
	for _, d := range defs {
		if _, err := store.Define(ctx, d); err != nil {
			tb.Fatal(err)
		}
	}
	at := Now().Add(-26 * time.Hour)
	for _, q := range []string{
		`UPDATE segscope.segments SET created_at = ?, updated_at = ?`,
		`UPDATE segscope.segment_versions SET created_at = ? + INTERVAL (version) HOUR`,
	} {
		args := []any{at, at}
		if strings.Contains(q, "versions") {
			args = args[:1]
		}
		if _, err := ws.DB().ExecContext(ctx, q, args...); err != nil {
			tb.Fatal(err)
		}
	}
}

// Customers is a fixture with the customers and orders tables and Segments.
var Customers = NewFixture(func(tb testing.TB, ws *query.Workspace) {
	ImportTables(tb, ws)
	Define(tb, ws, Segments...)
})
