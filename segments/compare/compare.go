// Package compare answers "what makes segment A different from B": the sizes and
// overlap of two segments of one table (or of a segment and the rest of its
// table), and for every comparable column a significance test and an effect size,
// ranked by effect.
//
// Three aggregate queries compute everything in DuckDB, whatever the table's
// size; only per-column summaries reach Go, where gonum supplies the
// distributions for the tests.
//
// A and B are compared as sets: a row in both segments counts on both sides. The
// tests assume independent samples, so when the segments overlap heavily their
// p-values are optimistic; the overlap is reported beside them for that reason.
// Columns a segment's rule filters on differ by construction and rank high: that
// is expected, and the columns below them are the finding.
package compare

import (
	"context"
	"fmt"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
)

// Kind is how a column is compared.
type Kind string

const (
	// Numeric columns are compared by mean (Welch's t-test, Cohen's d).
	Numeric Kind = "numeric"
	// Date columns (DATE and TIMESTAMP) are compared like numbers, in days since
	// 1970-01-01: a difference in means is a difference in days.
	Date Kind = "date"
	// Categorical columns (text or boolean with at most MaxCategories values)
	// are compared by the share of each value (chi-square test, Cramér's V).
	Categorical Kind = "categorical"
)

// MaxCategories is the most distinct values a text or boolean column may have over
// its table to be compared; beyond it a column is free text or an identifier
// (names, e-mail addresses, phone numbers), where shares say nothing.
const MaxCategories = 50

// Result is the comparison of A with B.
type Result struct {
	Table    string `json:"table"`
	BaseRows int64  `json:"base_rows"`
	A        Side   `json:"a"`
	B        Side   `json:"b"`
	// Rest is set when B is every row of the table not in A; B is then named
	// "rest of TABLE".
	Rest bool `json:"rest"`
	// Overlap is nil when Rest: A and the rest are disjoint by construction.
	Overlap *Overlap `json:"overlap,omitempty"`
	// Columns are the compared columns, the largest effect first.
	Columns []ColumnDiff `json:"columns"`
	// Skipped are the columns not compared, with the reason.
	Skipped []Skipped `json:"skipped"`
}

// Side is one of the two sets compared.
type Side struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	// Share is Size over the table's rows.
	Share float64 `json:"share"`
}

// Overlap counts the rows of two segments by membership.
type Overlap struct {
	Both    int64   `json:"both"`
	AOnly   int64   `json:"a_only"`
	BOnly   int64   `json:"b_only"`
	Jaccard float64 `json:"jaccard"`
}

// Skipped is a column left out of the comparison.
type Skipped struct {
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// ColumnDiff is how one column differs between A and B.
type ColumnDiff struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Effect ranks columns of every kind on one scale from 0 (no difference) to
	// 1: Cramér's V for categorical columns, and for numeric ones Cohen's d
	// converted to a correlation, |d| / sqrt(d² + 4). On that scale 0.1 is a
	// small effect, 0.3 a medium one and 0.5 a large one for both kinds.
	Effect float64 `json:"effect"`
	// P is the test's two-sided p-value; PAdjusted is P after the Holm–Bonferroni
	// correction across all compared columns, and Mark is read from it.
	P         float64 `json:"p"`
	PAdjusted float64 `json:"p_adjusted"`
	// Mark is "***" for PAdjusted < 0.001, "**" for < 0.01, "*" for < 0.05, else "".
	Mark        string           `json:"mark"`
	Numeric     *NumericDiff     `json:"numeric,omitempty"`
	Categorical *CategoricalDiff `json:"categorical,omitempty"`
}

// NumericDiff compares a numeric or date column.
type NumericDiff struct {
	A Summary `json:"a"`
	B Summary `json:"b"`
	// D is Cohen's d: the difference of the means (A minus B) over the pooled
	// standard deviation.
	D float64 `json:"d"`
	// T and DF are Welch's t statistic and its Welch–Satterthwaite degrees of freedom.
	T  float64 `json:"t"`
	DF float64 `json:"df"`
}

// Summary describes a numeric column on one side (dates in days since 1970-01-01).
type Summary struct {
	// N counts the values; Nulls the side's rows without one.
	N      int64   `json:"n"`
	Nulls  int64   `json:"nulls"`
	Mean   float64 `json:"mean"`
	Std    float64 `json:"std"`
	Min    float64 `json:"min"`
	Q25    float64 `json:"q25"`
	Median float64 `json:"median"`
	Q75    float64 `json:"q75"`
	Max    float64 `json:"max"`
}

// CategoricalDiff compares a categorical column. The chi-square p-value is an
// approximation that grows rough when values expect fewer than five rows on a side.
type CategoricalDiff struct {
	// Values are the values present on either side, the most frequent first.
	// NULL is a value of its own, "(null)".
	Values    []ValueShare `json:"values"`
	ChiSquare float64      `json:"chi_square"`
	DF        int          `json:"df"`
	CramersV  float64      `json:"cramers_v"`
}

// ValueShare is one value's share of each side.
type ValueShare struct {
	Value  string  `json:"value"`
	CountA int64   `json:"count_a"`
	CountB int64   `json:"count_b"`
	ShareA float64 `json:"share_a"`
	ShareB float64 `json:"share_b"`
	// Index is ShareA / ShareB × 100 (100: as common in A as in B); nil when the
	// value is absent from B.
	Index *float64 `json:"index"`
}

// Column returns the comparison of one column, if it was compared.
func (r *Result) Column(name string) (ColumnDiff, bool) {
	for _, c := range r.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return ColumnDiff{}, false
}

// Segments compares segment a with segment b, or with the rest of its table when
// b is "". Both must be defined on the same table.
func Segments(ctx context.Context, ws *query.Workspace, store *segments.Store, a, b string) (*Result, error) {
	res, err := compareSegments(ctx, ws, store, a, b)
	if err != nil {
		if b == "" {
			return nil, fmt.Errorf("compare %s with the rest of its table: %w", a, err)
		}
		return nil, fmt.Errorf("compare %s with %s: %w", a, b, err)
	}
	return res, nil
}

func compareSegments(ctx context.Context, ws *query.Workspace, store *segments.Store, a, b string) (*Result, error) {
	req, p, res, err := prepare(ctx, ws, store, a, b)
	if err != nil {
		return nil, err
	}
	if err := req.run(ctx, ws.DB(), p, res); err != nil {
		return nil, err
	}
	return res, nil
}

// prepare is a comparison before it runs: its sides as SQL, the plan of its
// columns, and the result's sides named.
func prepare(ctx context.Context, ws *query.Workspace, store *segments.Store, a, b string) (request, plan, *Result, error) {
	ca, err := store.Compile(ctx, a)
	if err != nil {
		return request{}, plan{}, nil, err
	}
	// Membership is true or false, never NULL: a row whose rule evaluates to NULL
	// is not a member (as in WHERE), so it belongs to the rest.
	inA := "coalesce((" + ca.Where + "), false)"
	req := request{table: ca.Table, inA: inA, inB: "NOT " + inA}
	res := &Result{Table: ca.Table, A: Side{Name: a}, B: Side{Name: "rest of " + ca.Table}, Rest: b == ""}
	if b != "" {
		cb, err := store.Compile(ctx, b)
		if err != nil {
			return request{}, plan{}, nil, err
		}
		if cb.Table != ca.Table {
			return request{}, plan{}, nil, fmt.Errorf("%s is a segment of %s and %s of %s: only segments of one table can be compared", a, ca.Table, b, cb.Table)
		}
		req.inB = "coalesce((" + cb.Where + "), false)"
		res.B.Name = b
	}
	cols, err := ws.Columns(ctx, ca.Table)
	if err != nil {
		return request{}, plan{}, nil, err
	}
	personal, err := ws.PersonalData(ctx, ca.Table)
	if err != nil {
		return request{}, plan{}, nil, err
	}
	return req, newPlan(cols, personal, ca.Key), res, nil
}
