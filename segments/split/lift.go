package split

import (
	"context"
	"fmt"
	"slices"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/segments/rule"
)

// Outcome is what a campaign is judged on: a column of the segment's table, read
// as a rate (a yes/no column, or the share of rows equal to Value) or as a mean.
type Outcome struct {
	Column string
	// Value, if set, makes the outcome the share of members whose column equals it.
	Value string
	// Level is the confidence of the intervals; 0.95 when 0.
	Level float64
}

// ArmOutcome is one arm's result.
type ArmOutcome struct {
	Arm string `json:"arm"`
	// Members counts the arm; N those with an outcome (not NULL).
	Members int64 `json:"members"`
	N       int64 `json:"n"`
	// Rate is set for a rate outcome (Successes of N), Mean and Std for a mean.
	Successes int64   `json:"successes,omitempty"`
	Rate      float64 `json:"rate,omitempty"`
	Mean      float64 `json:"mean,omitempty"`
	Std       float64 `json:"std,omitempty"`
}

// Lift is an arm's difference from the control on the outcome.
type Lift struct {
	Arm     string `json:"arm"`
	Control string `json:"control"`
	compare.Difference
	// Relative is the difference over the control's rate or mean (none for a
	// control at zero).
	Relative *float64 `json:"relative,omitempty"`
}

// Result is a split's outcome by arm and each test arm's lift over the control.
type Result struct {
	Segment string       `json:"segment"`
	Column  string       `json:"column"`
	Value   string       `json:"value,omitempty"`
	Kind    string       `json:"kind"` // "rate" or "mean"
	Arms    []ArmOutcome `json:"arms"`
	Lifts   []Lift       `json:"lifts"`
}

// Lift measures the outcome in every arm of the segment's split and compares each
// test arm with the control, using the comparison's statistics (Welch's t-test
// for means, the two-proportion z-test for rates). Members are counted as the
// segment has them now: run it on the audience as it was sent (a snapshot's
// members stay in their arms as long as they stay in the segment).
func (s *Service) Lift(ctx context.Context, segment string, out Outcome) (*Result, error) {
	res, err := s.lift(ctx, segment, out)
	if err != nil {
		return nil, fmt.Errorf("lift of %s on %s: %w", segment, out.Column, err)
	}
	return res, nil
}

func (s *Service) lift(ctx context.Context, segment string, out Outcome) (*Result, error) {
	if out.Level == 0 {
		out.Level = 0.95
	}
	if !(out.Level > 0 && out.Level < 1) {
		return nil, fmt.Errorf("the confidence level must be between 0 and 1, e.g. 0.95")
	}
	sp, err := s.Get(ctx, segment)
	if err != nil {
		return nil, err
	}
	c, err := s.store.Compile(ctx, segment)
	if err != nil {
		return nil, err
	}
	cols, err := s.ws.Columns(ctx, c.Table)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(cols, func(col query.Column) bool { return col.Name == out.Column })
	if i < 0 {
		return nil, fmt.Errorf("table %s has no column %q", c.Table, out.Column)
	}
	col := query.QuoteIdent(out.Column)
	res := &Result{Segment: segment, Column: out.Column, Value: out.Value, Kind: "rate"}
	var value string
	switch typ := rule.TypeFromDuckDB(cols[i].Type); {
	case out.Value != "":
		value = "CAST(" + col + " AS VARCHAR) = " + query.QuoteString(out.Value)
	case typ == rule.TypeBool:
		value = col
	case typ == rule.TypeNumber:
		res.Kind = "mean"
	default:
		return nil, fmt.Errorf("column %s is %s: name a numeric or yes/no column, or the value that counts as success with --value", out.Column, cols[i].Type)
	}
	stats := "count(v), count_if(v), 0::DOUBLE, 0::DOUBLE"
	expr := "CAST(" + value + " AS BOOLEAN)"
	if res.Kind == "mean" {
		stats, expr = "count(v), 0, avg(v), coalesce(stddev_samp(v), 0)", "CAST("+col+" AS DOUBLE)"
	}
	if value != "" && out.Value != "" {
		// NULL stays NULL: a member with no outcome is left out, not a failure.
		expr = "CASE WHEN " + col + " IS NULL THEN NULL ELSE " + value + " END"
	}
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT `+sp.armCase()+` AS arm, count(*), `+stats+` FROM (SELECT `+
		bucketSQL(sp.Salt, c.Key)+` AS b, `+expr+` AS v FROM main.`+query.QuoteIdent(c.Table)+` WHERE (`+c.Where+`)) GROUP BY arm`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byArm := map[string]ArmOutcome{}
	for rows.Next() {
		var a ArmOutcome
		var mean, std float64
		if err := rows.Scan(&a.Arm, &a.Members, &a.N, &a.Successes, &mean, &std); err != nil {
			return nil, err
		}
		a.Mean, a.Std = mean, std
		if res.Kind == "rate" && a.N > 0 {
			a.Rate = float64(a.Successes) / float64(a.N)
		}
		byArm[a.Arm] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	control := sp.Control()
	for _, arm := range sp.Arms {
		a := byArm[arm.Name]
		a.Arm = arm.Name
		res.Arms = append(res.Arms, a)
	}
	ctl := byArm[control]
	for _, a := range res.Arms {
		if a.Arm == control {
			continue
		}
		l := Lift{Arm: a.Arm, Control: control}
		switch {
		case res.Kind == "rate" && (a.N < 1 || ctl.N < 1):
			return nil, fmt.Errorf("arm %s or %s has no member with an outcome", a.Arm, control)
		case res.Kind == "rate":
			l.Difference = compare.ProportionDifference(a.Successes, a.N, ctl.Successes, ctl.N, out.Level)
			l.Relative = relative(l.Estimate, ctl.Rate)
		case a.N < 2 || ctl.N < 2 || (a.Std == 0 && ctl.Std == 0):
			return nil, fmt.Errorf("arms %s and %s need two members with an outcome each, and some spread, for a test of means", a.Arm, control)
		default:
			l.Difference = compare.MeanDifference(compare.Summary{N: a.N, Mean: a.Mean, Std: a.Std},
				compare.Summary{N: ctl.N, Mean: ctl.Mean, Std: ctl.Std}, out.Level)
			l.Relative = relative(l.Estimate, ctl.Mean)
		}
		res.Lifts = append(res.Lifts, l)
	}
	return res, nil
}

func relative(diff, base float64) *float64 {
	if base == 0 {
		return nil
	}
	r := diff / base
	return &r
}
