package split

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
)

// The lift is the difference of the arms' outcomes as hand-written SQL counts
// them, with an interval around it.
func TestLiftMatchesHandSQL(t *testing.T) {
	ws, s := sample(t)
	ctx := context.Background()
	define(t, ws, "lapsing", "days_since_login > 5")
	arms, _ := ParseArms("control:30,treatment:70")
	sp, err := s.Define(ctx, "lapsing", arms, "x", "", false)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := segments.NewStore(ws).Compile(ctx, "lapsing")
	ctl, _ := sp.Predicate(c.Key, "control")
	hand := func(expr string) float64 {
		var d float64
		q := `SELECT avg(` + expr + `) FILTER (WHERE NOT (` + ctl + `)) - avg(` + expr + `) FILTER (WHERE ` + ctl + `) FROM subscribers WHERE ` + c.Where
		if err := ws.DB().QueryRow(q).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		out  Outcome
		kind string
		expr string
	}{
		{Outcome{Column: "churned"}, "rate", "churned::INT"},
		{Outcome{Column: "plan", Value: "premium"}, "rate", "(plan = 'premium')::INT"},
		{Outcome{Column: "watch_hours_30d", Level: 0.9}, "mean", "watch_hours_30d"},
	} {
		res, err := s.Lift(ctx, "lapsing", tc.out)
		if err != nil {
			t.Fatal(err)
		}
		if res.Kind != tc.kind || len(res.Lifts) != 1 || res.Lifts[0].Arm != "treatment" || res.Lifts[0].Control != "control" {
			t.Fatalf("%s: %+v", tc.out.Column, res)
		}
		l := res.Lifts[0]
		if want := hand(tc.expr); math.Abs(l.Estimate-want) > 1e-9 {
			t.Errorf("%s: lift %.6f, hand SQL %.6f", tc.out.Column, l.Estimate, want)
		}
		if !(l.Low < l.Estimate && l.Estimate < l.High) || l.P < 0 || l.P > 1 {
			t.Errorf("%s: interval %+v", tc.out.Column, l.Difference)
		}
		if res.Arms[0].Members+res.Arms[1].Members != count(t, ws, `SELECT count(*) FROM subscribers WHERE `+c.Where) {
			t.Errorf("%s: arms do not cover the segment", tc.out.Column)
		}
	}
	for _, bad := range []Outcome{{Column: "nope"}, {Column: "email"}, {Column: "churned", Level: 2}} {
		if _, err := s.Lift(ctx, "lapsing", bad); err == nil {
			t.Errorf("%+v accepted", bad)
		} else if bad.Column == "email" && !strings.Contains(err.Error(), "--value") {
			t.Errorf("text column: %v", err)
		}
	}
}
