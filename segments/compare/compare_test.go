package compare

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/segments"
)

func TestChurnedAgainstTheRest(t *testing.T) {
	ws, store := sampleWorkspace(t)
	define(t, store, "churn_risk", "subscribers", "churned = true")
	res, err := Segments(context.Background(), ws, store, "churn_risk", "")
	if err != nil {
		t.Fatal(err)
	}
	want := scalar(t, ws, `SELECT count(*) FROM subscribers WHERE churned`)
	if res.A.Size != want || res.A.Size+res.B.Size != res.BaseRows || res.BaseRows != 20_000 || !res.Rest || res.Overlap != nil {
		t.Fatalf("sizes: A %+v, B %+v of %d (want A %d)", res.A, res.B, res.BaseRows, want)
	}

	// The rule's own column comes first; the behaviour that goes with churning
	// follows, all of it significant.
	if res.Columns[0].Name != "churned" {
		t.Errorf("first column %s, want churned (the rule's own column)", res.Columns[0].Name)
	}
	var top []string
	for _, c := range res.Columns[1:7] {
		top = append(top, c.Name)
		if c.Mark != "***" {
			t.Errorf("%s: adjusted p %g, mark %q", c.Name, c.PAdjusted, c.Mark)
		}
	}
	for _, name := range []string{"watch_hours_30d", "days_since_login", "completion_rate_30d"} {
		if !slices.Contains(top, name) {
			t.Errorf("%s is not among the top columns %v", name, top)
		}
	}
	if c, _ := res.Column("watch_hours_30d"); c.Numeric.D >= 0 || c.Numeric.A.Mean >= c.Numeric.B.Mean {
		t.Errorf("churned subscribers should watch less: %+v", c.Numeric)
	}

	skipped := map[string]string{}
	for _, s := range res.Skipped {
		skipped[s.Column] = s.Reason
	}
	for _, name := range []string{"subscriber_id", "email", "phone", "first_name", "last_name"} {
		if _, compared := res.Column(name); compared || skipped[name] == "" {
			t.Errorf("%s should be skipped, not compared (skipped: %v)", name, skipped)
		}
	}
	if skipped["subscriber_id"] != "key column" || skipped["email"] != "personal data" {
		t.Errorf("skip reasons: %v", skipped)
	}
	if len(res.Columns)+len(res.Skipped) != 25 {
		t.Errorf("%d compared and %d skipped of 25 columns", len(res.Columns), len(res.Skipped))
	}
}

func TestOverlapMatchesSQL(t *testing.T) {
	ws, store := sampleWorkspace(t)
	define(t, store, "premium", "subscribers", "plan in ('premium', 'family')")
	define(t, store, "heavy", "subscribers", "watch_hours_30d > 40")
	res, err := Segments(context.Background(), ws, store, "premium", "heavy")
	if err != nil {
		t.Fatal(err)
	}
	const a, b = `plan IN ('premium', 'family')`, `watch_hours_30d > 40`
	want := Overlap{
		Both:  scalar(t, ws, `SELECT count(*) FROM subscribers WHERE `+a+` AND `+b),
		AOnly: scalar(t, ws, `SELECT count(*) FROM subscribers WHERE `+a+` AND NOT (`+b+`)`),
		BOnly: scalar(t, ws, `SELECT count(*) FROM subscribers WHERE `+b+` AND NOT (`+a+`)`),
	}
	want.Jaccard = float64(want.Both) / float64(want.Both+want.AOnly+want.BOnly)
	if want.Both == 0 || want.AOnly == 0 || want.BOnly == 0 {
		t.Fatalf("the segments should overlap partly: %+v", want)
	}
	if res.Overlap == nil || *res.Overlap != want || res.Rest {
		t.Fatalf("overlap %+v, hand-written SQL %+v", res.Overlap, want)
	}
	if res.A.Size != want.Both+want.AOnly || res.B.Size != want.Both+want.BOnly || res.B.Name != "heavy" {
		t.Errorf("sizes A %+v, B %+v", res.A, res.B)
	}

	// Rows in both segments count on both sides.
	c, _ := res.Column("watch_hours_30d")
	if c.Numeric.A.N != res.A.Size || c.Numeric.B.N != res.B.Size {
		t.Errorf("watch hours counted %d and %d, want the sides' sizes", c.Numeric.A.N, c.Numeric.B.N)
	}
	plan, _ := res.Column("plan")
	var inA, inB int64
	for _, v := range plan.Categorical.Values {
		inA += v.CountA
		inB += v.CountB
	}
	if inA != res.A.Size || inB != res.B.Size {
		t.Errorf("plan counted %d and %d, want the sides' sizes", inA, inB)
	}
}

func TestSegmentsOfDifferentTables(t *testing.T) {
	ctx := context.Background()
	ws, store := sampleWorkspace(t)
	if _, err := ws.ImportFS(ctx, sampledata.Files, "creators.csv", "creators"); err != nil {
		t.Fatal(err)
	}
	define(t, store, "churn_risk", "subscribers", "churned = true")
	define(t, store, "big_spenders", "creators", "total_spent > 200")
	_, err := Segments(ctx, ws, store, "churn_risk", "big_spenders")
	if err == nil || !strings.Contains(err.Error(), "compare churn_risk with big_spenders") ||
		!strings.Contains(err.Error(), "subscribers") || !strings.Contains(err.Error(), "creators") {
		t.Fatalf("error %v", err)
	}
}

func TestUnknownSegment(t *testing.T) {
	ws, store := sampleWorkspace(t)
	_, err := Segments(context.Background(), ws, store, "nobody", "")
	if !errors.Is(err, segments.ErrNotFound) || !strings.Contains(err.Error(), "compare nobody with the rest of its table") {
		t.Fatalf("error %v", err)
	}
}

func TestEmptySegment(t *testing.T) {
	ws, store := sampleWorkspace(t)
	define(t, store, "nobody", "subscribers", "age > 500")
	res, err := Segments(context.Background(), ws, store, "nobody", "")
	if err != nil {
		t.Fatal(err)
	}
	if res.A.Size != 0 || res.B.Size != res.BaseRows || len(res.Columns) != 0 {
		t.Fatalf("result %+v", res)
	}
	if len(res.Skipped) != 25 {
		t.Errorf("%d columns skipped, want all 25", len(res.Skipped))
	}
	for _, s := range res.Skipped[1:] {
		if s.Reason != "nobody has no rows" && s.Reason != "personal data" {
			t.Errorf("skipped %+v", s)
		}
	}
}

func TestCancelled(t *testing.T) {
	ws, store := sampleWorkspace(t)
	define(t, store, "churn_risk", "subscribers", "churned = true")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Segments(ctx, ws, store, "churn_risk", ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}

	// Past the segment store, each of the aggregate queries stops too.
	cols, err := ws.Columns(context.Background(), "subscribers")
	if err != nil {
		t.Fatal(err)
	}
	r := request{table: "subscribers", inA: "churned", inB: "NOT churned"}
	personal, err := ws.PersonalData(context.Background(), "subscribers")
	if err != nil {
		t.Fatal(err)
	}
	p := newPlan(cols, personal, "subscriber_id")
	if _, err := r.totals(ctx, ws.DB(), p); !errors.Is(err, context.Canceled) {
		t.Errorf("totals: error %v, want context.Canceled", err)
	}
	if _, err := r.categories(ctx, ws.DB(), p.categorical); !errors.Is(err, context.Canceled) {
		t.Errorf("categories: error %v, want context.Canceled", err)
	}
}

func TestCategoryLimit(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("id,grp,fifty,sixty,code\n")
	for i := range 300 {
		fmt.Fprintf(&csv, "%d,%c,v%d,v%d,c%d\n", i, 'a'+rune(i%2), i%MaxCategories, i%(MaxCategories+10), i)
	}
	ws, store := openWorkspace(t)
	querytest.ImportCSV(t, ws, "codes", csv.String())
	define(t, store, "odd", "codes", "grp = 'b'")
	res, err := Segments(context.Background(), ws, store, "odd", "")
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := res.Column("fifty"); !ok || len(c.Categorical.Values) != MaxCategories {
		t.Errorf("a column of %d values should be compared: %+v", MaxCategories, c)
	}
	want := []Skipped{{"id", "key column"}, {"code", "more than 50 distinct values"}, {"sixty", "more than 50 distinct values"}}
	if !slices.Equal(res.Skipped, want) {
		t.Errorf("skipped %+v, want %+v", res.Skipped, want)
	}
}
