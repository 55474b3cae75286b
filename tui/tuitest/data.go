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
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
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
var Customers = querytest.NewFixture(func(tb testing.TB, path string) *query.Workspace {
	ws := querytest.EmptyFile(tb, path)
	ImportTables(tb, ws)
	Define(tb, ws, Segments...)
	return ws
})

// AnalysisSegments span three kinds of consent data: events in a table of
// their own (subscribers), opt-in columns (creators) and none (customers).
var AnalysisSegments = []segments.Definition{
	{Name: "big_buyers", Table: "creators", Rule: "total_spent > 200"},
	{Name: "churn_risk", Table: "subscribers", Rule: "days_since_login > 7 and watch_hours_30d < watch_hours_prev_30d / 2"},
	{Name: "gold_customers", Table: "customers", Rule: "plan = 'gold'"},
	{Name: "premium", Table: "subscribers", Rule: "plan in ('premium', 'family')"},
}

// SampleTables fills ws with the embedded sample data and its consent
// setups, the customers table and AnalysisSegments.
func SampleTables(tb testing.TB, ws *query.Workspace) {
	tb.Helper()
	if err := consent.New(ws).SetupSample(context.Background()); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "customers.csv")
	if err := os.WriteFile(path, []byte(CustomersCSV(120)), 0o644); err != nil {
		tb.Fatal(err)
	}
	if _, err := ws.Import(context.Background(), path, query.ImportOptions{}); err != nil {
		tb.Fatal(err)
	}
	Define(tb, ws, AnalysisSegments...)
}

// Sample is a fixture with the sample data (SampleTables).
var Sample = querytest.NewFixture(func(tb testing.TB, path string) *query.Workspace {
	ws := querytest.SampleFile(tb, path)
	SampleTables(tb, ws)
	return ws
})

// TelcoRows is shaped like a telco churn export: a camelCase ID, a contract
// type, Yes/No columns, tenure in months and the churn outcome.
func TelcoRows(n int) string {
	var b strings.Builder
	b.WriteString("customerID,gender,SeniorCitizen,Partner,tenure,Contract,MonthlyCharges,Churn\n")
	for i := range n {
		contract := []string{"Month-to-month", "Month-to-month", "One year", "Two year"}[i%4]
		churn := "No"
		if contract == "Month-to-month" && i%3 == 0 || i%11 == 0 {
			churn = "Yes"
		}
		fmt.Fprintf(&b, "%04d-%c%c%c%c,%s,%d,%s,%d,%s,%.2f,%s\n", 1000+i, 'A'+rune(i%26), 'A'+rune(i*7%26), 'A'+rune(i*3%26), 'A'+rune(i*5%26),
			[]string{"Female", "Male"}[i%2], i%5/4, []string{"Yes", "No"}[i%3/2], i*7%72, contract, 20+float64(i*37%100), churn)
	}
	return b.String()
}

// MegabyteRule is a pasted rule of a little over a megabyte.
var MegabyteRule = "plan = '" + strings.Repeat("x", 1<<20) + "'"

// Refusal is what the console says when text would make a rule n
// characters long.
func Refusal(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return "a rule can be at most 10,000 characters; this one is " + s
}

// TelcoCSV is shaped like a telco churn export: a camelCase id column, mixed
// case names, blank cells in a numeric column, Yes/No answers and CRLF line
// endings.
func TelcoCSV(n int) string {
	var b strings.Builder
	b.WriteString("customerID,gender,tenure,Contract,MonthlyCharges,TotalCharges,Churn\r\n")
	contracts := []string{"Month-to-month", "One year", "Two year"}
	for i := 1; i <= n; i++ {
		tenure := (i * 7) % 72
		monthly := 20 + float64((i*13)%90) + 0.05*float64(i%20)
		total := fmt.Sprintf("%.2f", monthly*float64(tenure))
		if tenure == 0 || i%17 == 0 {
			total = " " // as the real export has it: a space, not an empty cell
		}
		gender := "Female"
		if i%2 == 0 {
			gender = "Male"
		}
		churn := "No"
		if i%4 == 0 {
			churn = "Yes"
		}
		fmt.Fprintf(&b, "%04d-%s,%s,%d,%s,%.2f,%s,%s\r\n", 1000+i*37, strings.ToUpper(fmt.Sprintf("%05x", i*7919))[:5],
			gender, tenure, contracts[i%3], monthly, total, churn)
	}
	return b.String()
}

// WriteFile writes body to name in a fresh directory and returns its path.
func WriteFile(tb testing.TB, name, body string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}
