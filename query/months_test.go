package query_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

func TestGroupByMonthWithRate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "subs", `id,joined,churned,senior,plan
1,2024-01-03,true,1,gold
2,2024-01-20,false,0,free
3,2024-01-31,false,0,free
4,2024-03-02,true,1,gold
5,2024-03-15,true,0,free
6,,false,0,gold
`)
	cases := []struct {
		measure query.Measure
		want    []float64 // per month: 2024-01, 2024-03, no date
	}{
		{query.Measure{Func: "rate", Column: "churned", Value: "true"}, []float64{1.0 / 3, 1, 0}},
		{query.Measure{Func: "rate", Column: "senior", Value: "1"}, []float64{1.0 / 3, 0.5, 0}},
		{query.Measure{Func: "rate", Column: "plan", Value: "gold"}, []float64{1.0 / 3, 0.5, 1}},
	}
	for _, c := range cases {
		res, err := ws.Group(ctx, query.Grouping{Table: "subs", By: []string{"joined"}, Months: true, Measure: c.measure})
		if err != nil {
			t.Fatalf("%+v: %v", c.measure, err)
		}
		if len(res.Rows) != 3 {
			t.Fatalf("%+v: %d groups, want two months and the undated: %v", c.measure, len(res.Rows), res.Rows)
		}
		for i, label := range []any{"2024-01", "2024-03", nil} {
			row := res.Rows[i]
			if row[0] != label {
				t.Errorf("group %d is %v, want %v (months in time order, undated last)", i, row[0], label)
			}
			if got, _ := row[3].(float64); math.Abs(got-c.want[i]) > 1e-9 {
				t.Errorf("%s in %v = %v, want %v", c.measure.Column, label, row[3], c.want[i])
			}
		}
	}
	if _, err := ws.Group(ctx, query.Grouping{Table: "subs", By: []string{"joined"}, Measure: query.Measure{Func: "rate", Column: "plan"}}); err == nil {
		t.Error("a rate without the value it counts was accepted")
	}
	// Without Months, a date groups by its days.
	res, err := ws.Group(ctx, query.Grouping{Table: "subs", By: []string{"joined"}})
	if err != nil || len(res.Rows) != 6 {
		t.Fatalf("by day: %v, %v", res, err)
	}
}

func TestStarterQueryRuns(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "order", "id,amount\n1,2\n")
	res, err := ws.Query(context.Background(), query.StarterQuery("order"), 10)
	if err != nil || len(res.Rows) != 1 {
		t.Fatalf("starter on a table named like a keyword: %v, %v", res, err)
	}
}

func TestGroupByFewWholeValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "flags", "id,senior,rating,spend\n1,0,1,10\n2,1,5,250\n3,0,3,990\n4,0,,40\n")
	labels := func(by string) []any {
		res, err := ws.Group(ctx, query.Grouping{Table: "flags", By: []string{by}})
		if err != nil {
			t.Fatal(err)
		}
		var out []any
		for _, r := range res.Rows {
			out = append(out, r[0])
		}
		return out
	}
	// A 0/1 flag groups by its two values, not into "0–0.1" and "1–1.1" ranges.
	if got := labels("senior"); len(got) != 2 || got[0] != "0" || got[1] != "1" {
		t.Fatalf("senior groups %v, want 0 and 1", got)
	}
	if got := labels("rating"); len(got) != 4 || got[0] != "1" || got[3] != nil {
		t.Fatalf("rating groups %v, want 1, 3, 5 and missing", got)
	}
	// A wide range still bins.
	if got := labels("spend"); len(got) < 2 || !strings.Contains(got[0].(string), "–") {
		t.Fatalf("spend groups %v, want ranges", got)
	}
}
