package compare

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
)

// Histogram is a numeric (or date) column's values on each side of a
// comparison, counted in bins of one width over the range both sides span, so
// the two distributions can be drawn over each other.
type Histogram struct {
	Column string `json:"column"`
	Kind   Kind   `json:"kind"`
	// Low and High bound the values of both sides; each of the bins is
	// (High-Low)/len(A) wide, the last one closed.
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	// A and B count each side's values per bin.
	A []int64 `json:"a"`
	B []int64 `json:"b"`
}

// Distributions bins a compared column's values on each side of segment a
// against b (or the rest of the table when b is "") into bins of equal width,
// in one pass over the table. Only a column Segments compares as numbers or
// dates can be binned.
func Distributions(ctx context.Context, ws *query.Workspace, store *segments.Store, a, b, column string, bins int) (*Histogram, error) {
	h, err := distributions(ctx, ws, store, a, b, column, bins)
	if err != nil {
		return nil, fmt.Errorf("distributions of %s: %w", column, err)
	}
	return h, nil
}

func distributions(ctx context.Context, ws *query.Workspace, store *segments.Store, a, b, column string, bins int) (*Histogram, error) {
	if bins < 1 {
		return nil, fmt.Errorf("%d bins: at least one is needed", bins)
	}
	req, p, _, err := prepare(ctx, ws, store, a, b)
	if err != nil {
		return nil, err
	}
	var col *planned
	for i := range p.numeric {
		if p.numeric[i].name == column {
			col = &p.numeric[i]
		}
	}
	if col == nil {
		return nil, fmt.Errorf("only a number or date column that the comparison compares can be binned")
	}
	n := strconv.Itoa(bins)
	// The rows of each side are stacked, as sides does, so a row in both
	// segments counts on both; a range of one value puts everything in bin 0.
	q := "WITH s AS " + req.source([]string{col.expr}) + `,
		v AS (SELECT true AS side, v0 FROM s WHERE a AND v0 IS NOT NULL UNION ALL SELECT false, v0 FROM s WHERE b AND v0 IS NOT NULL),
		r AS (SELECT min(v0) AS lo, max(v0) AS hi FROM v)
		SELECT side, coalesce(least(CAST(floor((v0 - lo) / nullif(hi - lo, 0) * ` + n + `) AS BIGINT), ` + n + ` - 1), 0) AS bin,
			count(*), any_value(lo), any_value(hi)
		FROM v, r GROUP BY side, bin`
	rows, err := ws.DB().QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	h := &Histogram{Column: column, Kind: col.kind, A: make([]int64, bins), B: make([]int64, bins), Low: math.NaN(), High: math.NaN()}
	for rows.Next() {
		var side bool
		var bin, count int64
		if err := rows.Scan(&side, &bin, &count, &h.Low, &h.High); err != nil {
			return nil, err
		}
		if side {
			h.A[bin] += count
		} else {
			h.B[bin] += count
		}
	}
	return h, rows.Err()
}
