package compare

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// run fills res: sizes and overlap, then the columns of the plan compared, or
// skipped with the reason.
func (r request) run(ctx context.Context, db *sql.DB, p plan, res *Result) error {
	t, err := r.totals(ctx, db, p)
	if err != nil {
		return err
	}
	t.sizes(res)
	res.Columns = []ColumnDiff{}
	res.Skipped = append([]Skipped{}, p.skipped...)
	skip := func(column, reason string) { res.Skipped = append(res.Skipped, Skipped{column, reason}) }

	if t.a == 0 || t.b == 0 {
		empty := res.A.Name
		if t.a > 0 {
			empty = res.B.Name
		}
		for _, c := range append(slices.Clone(p.numeric), p.categorical...) {
			skip(c.name, empty+" has no rows")
		}
		return nil
	}

	var diffs []ColumnDiff
	for i, c := range p.numeric {
		a, b := t.numeric[i][0].summary(t.a), t.numeric[i][1].summary(t.b)
		switch {
		case a.N < 2:
			skip(c.name, "fewer than 2 values in "+res.A.Name)
		case b.N < 2:
			skip(c.name, "fewer than 2 values in "+res.B.Name)
		case a.Std == 0 && b.Std == 0:
			skip(c.name, "constant within each side")
		default:
			diffs = append(diffs, numericDiff(c, a, b))
		}
	}
	var counted []planned
	for i, c := range p.categorical {
		// The estimate errs by a few percent: twice the limit keeps every column
		// that may be within it for the exact count.
		if t.distinct[i] > 2*MaxCategories {
			skip(c.name, tooMany)
			continue
		}
		counted = append(counted, c)
	}
	if len(counted) > 0 {
		values, err := r.categories(ctx, db, counted)
		if err != nil {
			return err
		}
		for i, c := range counted {
			d, reason := categoricalDiff(c, values[i])
			if reason != "" {
				skip(c.name, reason)
				continue
			}
			diffs = append(diffs, d)
		}
	}
	res.Columns = rank(diffs)
	return nil
}

func (t totals) sizes(res *Result) {
	res.BaseRows, res.A.Size, res.B.Size = t.rows, t.a, t.b
	if t.rows > 0 {
		res.A.Share, res.B.Share = float64(t.a)/float64(t.rows), float64(t.b)/float64(t.rows)
	}
	if !res.Rest {
		res.Overlap = &Overlap{Both: t.both, AOnly: t.a - t.both, BOnly: t.b - t.both}
		if union := t.a + t.b - t.both; union > 0 {
			res.Overlap.Jaccard = float64(t.both) / float64(union)
		}
	}
}

// tooMany is the reason for skipping a column with too many values, whether the
// estimate or the exact count found them: the two only differ near the limit.
var tooMany = fmt.Sprintf("more than %d distinct values", MaxCategories)

// numericDiff compares a numeric or date column with at least two values on
// each side and some spread on one.
func numericDiff(c planned, a, b Summary) ColumnDiff {
	t, df, p := welch(a, b)
	d := cohensD(a, b)
	return ColumnDiff{
		Name: c.name, Kind: c.kind, Effect: dToEffect(d), P: p,
		Numeric: &NumericDiff{A: a, B: b, D: d, T: t, DF: df},
	}
}

// categoricalDiff compares a categorical column from its value counts over the
// whole table, or says why it cannot.
func categoricalDiff(c planned, counts []valueCount) (ColumnDiff, string) {
	distinct := 0
	var present []valueCount
	var sizeA, sizeB int64
	for _, vc := range counts {
		if !vc.null {
			distinct++
		}
		if vc.a+vc.b > 0 {
			present = append(present, vc)
			sizeA += vc.a
			sizeB += vc.b
		}
	}
	switch {
	case distinct > MaxCategories:
		return ColumnDiff{}, tooMany
	case len(present) < 2:
		return ColumnDiff{}, "a single value on both sides"
	}
	slices.SortFunc(present, func(x, y valueCount) int {
		return cmp.Or(cmp.Compare(y.a+y.b, x.a+x.b), cmp.Compare(x.value, y.value))
	})
	table := make([][2]int64, len(present))
	values := make([]ValueShare, len(present))
	for i, vc := range present {
		table[i] = [2]int64{vc.a, vc.b}
		values[i] = ValueShare{
			Value: vc.value, CountA: vc.a, CountB: vc.b,
			ShareA: float64(vc.a) / float64(sizeA), ShareB: float64(vc.b) / float64(sizeB),
		}
		if vc.b > 0 {
			index := 100 * values[i].ShareA / values[i].ShareB
			values[i].Index = &index
		}
	}
	chi2, df, p, v := chiSquare(table)
	return ColumnDiff{
		Name: c.name, Kind: c.kind, Effect: v, P: p,
		Categorical: &CategoricalDiff{Values: values, ChiSquare: chi2, DF: df, CramersV: v},
	}, ""
}

// rank adjusts the p-values across all compared columns and orders the columns by
// effect, largest first.
func rank(diffs []ColumnDiff) []ColumnDiff {
	p := make([]float64, len(diffs))
	for i, d := range diffs {
		p[i] = d.P
	}
	for i, adjusted := range holm(p) {
		diffs[i].PAdjusted, diffs[i].Mark = adjusted, mark(adjusted)
	}
	slices.SortStableFunc(diffs, func(x, y ColumnDiff) int {
		return cmp.Or(cmp.Compare(y.Effect, x.Effect), cmp.Compare(x.PAdjusted, y.PAdjusted), cmp.Compare(x.Name, y.Name))
	})
	if diffs == nil {
		return []ColumnDiff{}
	}
	return diffs
}
