package segments

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/segments/rule"
)

// freshSample is the sample data set generated as of today, so that rules
// relative to now (ago(90 days)) select what they would on the day of a demo.
func freshSample(t *testing.T) *query.Workspace {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	opts := sampledata.DefaultOptions()
	opts.Rows, opts.AsOf = 5000, time.Now()
	if _, err := sampledata.Generate(ctx, opts, dir); err != nil {
		t.Fatal(err)
	}
	ws, err := query.Open(ctx, query.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for _, name := range []string{sampledata.SubscribersFile, sampledata.CreatorsFile} {
		if _, err := ws.Import(ctx, filepath.Join(dir, name), query.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

func TestTemplatesFitTheSampleTables(t *testing.T) {
	ctx := context.Background()
	ws := freshSample(t)
	want := map[string][]string{
		"subscribers": {"churn_risk", "lapsed", "new_customers", "high_value"},
		"creators":    {"lapsed", "new_customers", "high_value", "champions", "cannot_lose", "one_time_buyers"},
	}
	for table, names := range want {
		schema, err := Schema(ctx, ws, table)
		if err != nil {
			t.Fatal(err)
		}
		total, err := ws.Count(ctx, table, "")
		if err != nil {
			t.Fatal(err)
		}
		offered, _ := Templates(schema)
		fitted, err := Fit(ctx, ws, table)
		if err != nil {
			t.Fatal(err)
		}
		tuned := fitted.Templates
		if len(tuned) != len(offered) {
			t.Fatalf("%s: Fit offers %d templates, Templates %d", table, len(tuned), len(offered))
		}
		var got []string
		for i, tpl := range tuned {
			got = append(got, tpl.Name)
			if tpl.Title == "" || tpl.Description == "" {
				t.Errorf("%s %s: no title or description", table, tpl.Name)
			}
			for _, r := range []string{offered[i].Rule, tpl.Rule} {
				where, err := Filter(ctx, ws, table, r)
				if err != nil {
					t.Errorf("%s %s: %q does not compile: %v", table, tpl.Name, r, err)
					continue
				}
				n, err := ws.Count(ctx, table, where)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 || n == total {
					t.Errorf("%s %s: %q selects %d of %d rows", table, tpl.Name, r, n, total)
				}
			}
		}
		if !slices.Equal(got, names) {
			t.Errorf("%s: templates %v, want %v", table, got, names)
		}
	}
}

func TestTemplatesRules(t *testing.T) {
	s := rule.Schema{Table: "subs", Columns: []rule.Column{
		{Name: "id", Type: rule.TypeNumber},
		{Name: "Days Since Login", Type: rule.TypeNumber},
		{Name: "watch_hours_30d", Type: rule.TypeNumber},
		{Name: "watch_hours_prev_30d", Type: rule.TypeNumber},
		{Name: "completionRate30d", Type: rule.TypeNumber},
		{Name: "completion_rate_prior", Type: rule.TypeNumber},
		{Name: "completion_rate", Type: rule.TypeNumber},
		{Name: "churned", Type: rule.TypeBool},
		{Name: "monthly_price", Type: rule.TypeNumber},
	}}
	got := map[string]string{}
	offered, _ := Templates(s)
	for _, tpl := range offered {
		got[tpl.Name] = tpl.Rule
	}
	want := map[string]string{
		"churn_risk": `"Days Since Login" > 7 and (watch_hours_30d < watch_hours_prev_30d * 0.5 or completion_rate < completion_rate_prior * 0.75) and not churned`,
		"lapsed":     `"Days Since Login" >= 30 and not churned`,
		"high_value": `monthly_price >= 15 and not churned`,
	}
	if len(got) != len(want) {
		t.Fatalf("templates %v, want %v", got, want)
	}
	for name, r := range want {
		if got[name] != r {
			t.Errorf("%s:\n got %s\nwant %s", name, got[name], r)
		}
	}

	// Without the columns a template needs, it is not offered, and says why.
	ts, unfit := Templates(rule.Schema{Table: "t", Columns: []rule.Column{
		{Name: "plan", Type: rule.TypeString}, {Name: "Join Date", Type: rule.TypeString},
	}})
	if len(ts) != 0 {
		t.Fatalf("templates for a table of plans: %+v", ts)
	}
	var titles []string
	for _, u := range unfit {
		titles = append(titles, u.Title)
		if u.Why == "" {
			t.Errorf("%s does not say why it does not fit", u.Title)
		}
		if u.Title == "New" && !strings.Contains(u.Why, "Join Date holds text, not dates") {
			t.Errorf("New does not point at the text join date: %q", u.Why)
		}
	}
	if want := []string{"Churn risk", "Lapsed", "New", "High value", "RFM"}; !slices.Equal(titles, want) {
		t.Errorf("unfit %v, want %v", titles, want)
	}
}

func TestFloorSignificant(t *testing.T) {
	for in, want := range map[float64]float64{16.99: 16, 144: 140, 3: 3, 1234.5: 1200, 0.756: 0.75, 0: 0, 99.99: 99} {
		if got := floorSignificant(in); got != want {
			t.Errorf("floorSignificant(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestTuneTemplatesUsesTheTable(t *testing.T) {
	ctx := context.Background()
	ws := freshSample(t)
	schema, err := Schema(ctx, ws, "creators")
	if err != nil {
		t.Fatal(err)
	}
	offered, _ := Templates(schema)
	tuned, err := TuneTemplates(ctx, ws, "creators", offered)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ws.Query(ctx, "SELECT quantile_cont(total_spent, 0.75) FROM creators", 1)
	if err != nil {
		t.Fatal(err)
	}
	q75 := res.Rows[0][0].(float64)
	for _, tpl := range tuned {
		if tpl.Name != "high_value" {
			continue
		}
		v := tpl.Cutoffs[0].Value
		if v > q75 || v < q75*0.9 {
			t.Fatalf("high value cutoff %v, upper quartile %v", v, q75)
		}
		if !strings.HasPrefix(tpl.Rule, "total_spent >= ") {
			t.Fatalf("rule %q", tpl.Rule)
		}
		return
	}
	t.Fatal("no high value template for creators")
}
