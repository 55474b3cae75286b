package segments

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/rule"
)

// telcoExport is shaped like a telco churn export: a camelCase customer ID,
// Yes/No columns, tenure in months, a contract type, monthly and total
// charges (blank for customers in their first month) and the churn outcome,
// spelled as Yes/No or as true/false.
func telcoExport(n int, churnYes, churnNo string) string {
	rng := rand.New(rand.NewPCG(7, 43))
	yesNo := func(p float64) string {
		if rng.Float64() < p {
			return "Yes"
		}
		return "No"
	}
	var b strings.Builder
	b.WriteString("customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,Contract,PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn\n")
	for i := range n {
		contract := []string{"Month-to-month", "Month-to-month", "One year", "Two year"}[rng.IntN(4)]
		tenure := rng.IntN(73)
		monthly := 18.25 + float64(rng.IntN(10050))/100
		total := fmt.Sprintf("%.2f", monthly*float64(tenure))
		if tenure == 0 {
			total = " "
		}
		risk := 0.05
		if contract == "Month-to-month" {
			risk += 0.25
		}
		if tenure <= 12 {
			risk += 0.2
		}
		if monthly > 70 {
			risk += 0.1
		}
		churn := churnNo
		if rng.Float64() < risk {
			churn = churnYes
		}
		fmt.Fprintf(&b, "%04d-%s,%s,%d,%s,%s,%d,%s,%s,%s,%s,%.2f,%s,%s\n",
			1000+i, strings.ToUpper(fmt.Sprintf("%05x", rng.IntN(1<<20))), []string{"Female", "Male"}[rng.IntN(2)],
			rng.IntN(6)/5, yesNo(0.5), yesNo(0.3), tenure, yesNo(0.9), contract, yesNo(0.6),
			[]string{"Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"}[rng.IntN(4)],
			monthly, total, churn)
	}
	return b.String()
}

// streamingCSV is shaped like a streaming service's user base: dates of
// joining and of the last payment, relative to today so that "in the last 90
// days" selects some and not all.
func streamingCSV(n int, date func(time.Time) string) string {
	rng := rand.New(rand.NewPCG(11, 5))
	today := time.Now()
	var b strings.Builder
	b.WriteString("User ID,Subscription Type,Monthly Revenue,Join Date,Last Payment Date,Country,Age,Gender,Device,Plan Duration\n")
	for i := range n {
		joined := today.AddDate(0, 0, -rng.IntN(900))
		paid := today.AddDate(0, 0, -rng.IntN(80))
		if paid.Before(joined) {
			paid = joined
		}
		fmt.Fprintf(&b, "%d,%s,%d,%s,%s,%s,%d,%s,%s,1 Month\n", i+1,
			[]string{"Basic", "Standard", "Premium"}[rng.IntN(3)], 10+rng.IntN(6), date(joined), date(paid),
			[]string{"United States", "Canada", "United Kingdom", "Spain", "Brazil"}[rng.IntN(5)], 26+rng.IntN(26),
			[]string{"Male", "Female"}[rng.IntN(2)], []string{"Smartphone", "Tablet", "Smart TV", "Laptop"}[rng.IntN(4)])
	}
	return b.String()
}

// mallCSV is shaped like a small mall-customers list: income in thousands and
// a spending score from 1 to 100, with units in the column names.
func mallCSV(n int) string {
	rng := rand.New(rand.NewPCG(3, 9))
	var b strings.Builder
	b.WriteString("CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%s,%d,%d,%d\n", i+1, []string{"Male", "Female"}[rng.IntN(2)], 18+rng.IntN(52), 15+rng.IntN(123), 1+rng.IntN(99))
	}
	return b.String()
}

func TestTemplatesFitRealShapedTables(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	iso := func(d time.Time) string { return d.Format("2006-01-02") }
	querytest.ImportCSV(t, ws, "telco", telcoExport(600, "Yes", "No"))
	querytest.ImportCSV(t, ws, "telco_bool", telcoExport(600, "true", "false"))
	querytest.ImportCSV(t, ws, "streaming", streamingCSV(500, iso))
	querytest.ImportCSV(t, ws, "streaming_text", streamingCSV(500, func(d time.Time) string { return d.Format("Jan 2nd 2006") }))
	querytest.ImportCSV(t, ws, "mall", mallCSV(200))

	telco := map[string][]string{
		"churn_risk":    {"tenure <= 12", "Contract ilike 'month%'", "MonthlyCharges >= "},
		"new_customers": {"tenure <= 3"},
		"high_value":    {"Charges >= "},
	}
	cases := []struct {
		table string
		want  map[string][]string // template → pieces of its rule
		unfit map[string]string   // template title → a piece of why
	}{
		{"telco", telco, map[string]string{"Lapsed": "last visit"}},
		{"telco_bool", telco, nil},
		{"streaming", map[string][]string{
			"lapsed":        {`"Last Payment Date" < ago(45 days)`},
			"new_customers": {`"Join Date" > ago(90 days)`},
			"high_value":    {`"Monthly Revenue" >= `},
		}, map[string]string{"Churn risk": "two of a tenure, a contract type and a monthly price"}},
		{"streaming_text", map[string][]string{
			"high_value": {`"Monthly Revenue" >= `},
		}, map[string]string{
			"Lapsed": "Last Payment Date holds text, not dates",
			"New":    "Join Date holds text, not dates",
		}},
		{"mall", map[string][]string{
			"high_value": {`"Spending Score (1-100)" >= `, `"Annual Income (k$)" >= `},
		}, map[string]string{"New": "join or signup date", "RFM": "order count"}},
	}
	for _, c := range cases {
		t.Run(c.table, func(t *testing.T) {
			fit, err := Fit(ctx, ws, c.table)
			if err != nil {
				t.Fatal(err)
			}
			for _, tpl := range fit.Templates {
				t.Logf("%s: %s", tpl.Name, tpl.Rule)
			}
			total, err := ws.Count(ctx, c.table, "")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, tpl := range fit.Templates {
				got[tpl.Name] = true
				pieces, wanted := c.want[tpl.Name]
				if !wanted {
					t.Errorf("unexpected template %s: %s", tpl.Name, tpl.Rule)
					continue
				}
				for _, p := range pieces {
					if !strings.Contains(tpl.Rule, p) {
						t.Errorf("%s rule %q lacks %q", tpl.Name, tpl.Rule, p)
					}
				}
				where, err := Filter(ctx, ws, c.table, tpl.Rule)
				if err != nil {
					t.Errorf("%s: %q does not compile: %v", tpl.Name, tpl.Rule, err)
					continue
				}
				n, err := ws.Count(ctx, c.table, where)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 || n == total {
					t.Errorf("%s: %q selects %d of %d rows", tpl.Name, tpl.Rule, n, total)
				}
				if strings.HasPrefix(c.table, "telco") {
					// A campaign to keep customers is for those who have not left yet.
					gone, err := ws.Count(ctx, c.table, "("+where+`) AND "Churn"::VARCHAR IN ('Yes', 'true')`)
					if err != nil {
						t.Fatal(err)
					}
					if gone != 0 {
						t.Errorf("%s: %q selects %d customers who already churned", tpl.Name, tpl.Rule, gone)
					}
				}
			}
			for name := range c.want {
				if !got[name] {
					t.Errorf("no %s template; unfit: %+v", name, fit.Unfit)
				}
			}
			why := map[string]string{}
			for _, u := range fit.Unfit {
				why[u.Title] = u.Why
			}
			for title, piece := range c.unfit {
				if !strings.Contains(why[title], piece) {
					t.Errorf("%s: why = %q, want it to mention %q", title, why[title], piece)
				}
			}
		})
	}
}

func TestColumnShapesTellYesNoAndUnique(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "telco", telcoExport(300, "Yes", "No"))
	shapes, err := ws.ColumnShapes(ctx, "telco")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]query.ColumnShape{}
	for _, s := range shapes {
		byName[s.Name] = s
	}
	// The import may keep Yes/No as text or make it a boolean.
	if s := byName["Churn"]; !(s.Yes == "Yes" && s.No == "No" || s.Yes == "true" && s.No == "false") {
		t.Errorf("Churn: %+v", s)
	}
	if s := byName["SeniorCitizen"]; s.Yes != "1" || s.No != "0" {
		t.Errorf("SeniorCitizen: %+v", s)
	}
	if s := byName["Contract"]; s.Yes != "" || s.Unique() || s.Distinct != 3 {
		t.Errorf("Contract: %+v", s)
	}
	if s := byName["customerID"]; !s.Unique() || s.Rows != 300 {
		t.Errorf("customerID: %+v", s)
	}
	if s := byName["gender"]; s.Yes != "" || s.Unique() {
		t.Errorf("gender: %+v", s)
	}
}

func TestTemplatesSpellChurnAndTenureAsTheColumnsDo(t *testing.T) {
	s := rule.Schema{Table: "t", Columns: []rule.Column{
		{Name: "Customer Id", Type: rule.TypeString},
		{Name: "tenure_days", Type: rule.TypeNumber},
		{Name: "Contract Type", Type: rule.TypeString},
		{Name: "Exited", Type: rule.TypeNumber},
		{Name: "UnitPrice", Type: rule.TypeNumber},
	}}
	got := map[string]string{}
	offered, _ := Templates(s)
	for _, tpl := range offered {
		got[tpl.Name] = tpl.Rule
	}
	want := map[string]string{
		// Two signals are enough; a unit price is a product's, not the customer's.
		"churn_risk":    `tenure_days <= 365 and "Contract Type" ilike 'month%' and Exited = 0`,
		"new_customers": `tenure_days <= 91 and Exited = 0`,
	}
	if len(got) != len(want) {
		t.Fatalf("templates %v, want %v", got, want)
	}
	for name, r := range want {
		if got[name] != r {
			t.Errorf("%s:\n got %s\nwant %s", name, got[name], r)
		}
	}

	s.Columns[3] = rule.Column{Name: "Churn", Type: rule.TypeString}
	offered, _ = Templates(s)
	if len(offered) == 0 || !strings.HasSuffix(offered[0].Rule, "and Churn = 'No'") {
		t.Errorf("a text churn column: %+v", offered)
	}
}
