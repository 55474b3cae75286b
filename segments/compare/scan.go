package compare

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/segscope/segscope/query"
)

// request is one comparison as SQL: the table and the membership predicates of the
// two sides, each true or false (never NULL) for every row.
type request struct {
	table    string
	inA, inB string
}

// source selects the membership flags a and b and the given value expressions as
// v0, v1, ... . The outer queries see only these aliases, so no column name of
// the table can collide with them.
func (r request) source(exprs []string) string {
	var b strings.Builder
	b.WriteString("(SELECT ")
	b.WriteString(r.inA + " AS a, " + r.inB + " AS b")
	for i, e := range exprs {
		fmt.Fprintf(&b, ", %s AS v%d", e, i)
	}
	b.WriteString(" FROM main." + query.QuoteIdent(r.table) + ")")
	return b.String()
}

// sideStats is what sides returns for a numeric column on one side.
type sideStats struct {
	n                        int64
	mean, variance, min, max sql.NullFloat64
	quartiles                quartiles
}

func (s *sideStats) dest() []any {
	return []any{&s.n, &s.mean, &s.variance, &s.min, &s.max, &s.quartiles}
}

func (s *sideStats) summary(rows int64) Summary {
	return Summary{
		N: s.n, Nulls: rows - s.n, Mean: s.mean.Float64, Std: math.Sqrt(s.variance.Float64),
		Min: s.min.Float64, Q25: s.quartiles[0], Median: s.quartiles[1], Q75: s.quartiles[2], Max: s.max.Float64,
	}
}

// quartiles scans DuckDB's list of the 0.25, 0.5 and 0.75 quantiles; NULL (no
// values) leaves zeros.
type quartiles [3]float64

func (q *quartiles) Scan(src any) error {
	*q = quartiles{}
	if src == nil {
		return nil
	}
	list, ok := src.([]any)
	if !ok || len(list) != len(q) {
		return fmt.Errorf("quartiles: unexpected value %T", src)
	}
	for i, v := range list {
		if q[i], ok = v.(float64); !ok {
			return fmt.Errorf("quartiles: unexpected value %T", v)
		}
	}
	return nil
}

// totals are what census and sides return: the table's rows, the sides' sizes and
// overlap, the numeric summaries per side, and an estimate of each categorical
// candidate's distinct values.
type totals struct {
	rows, a, b, both int64
	numeric          [][2]sideStats
	distinct         []int64
}

func (r request) totals(ctx context.Context, db *sql.DB, p plan) (totals, error) {
	t := totals{numeric: make([][2]sideStats, len(p.numeric)), distinct: make([]int64, len(p.categorical))}
	if err := r.census(ctx, db, p.categorical, &t); err != nil {
		return totals{}, err
	}
	if err := r.sides(ctx, db, p.numeric, &t); err != nil {
		return totals{}, err
	}
	return t, nil
}

// censusSample is how many rows census estimates distinct values from.
const censusSample = 10_000

// census counts the table's rows and estimates each categorical candidate's
// distinct values from a sample, to keep identifiers and free text out of the
// exact count in categories at a bounded cost. A sample never has more distinct
// values than its table, so no column within MaxCategories is lost; a column
// the sample underestimates is only counted exactly and skipped there.
func (r request) census(ctx context.Context, db *sql.DB, cols []planned, t *totals) error {
	from := "main." + query.QuoteIdent(r.table)
	q := "SELECT count(*) FROM " + from
	dest := []any{&t.rows}
	if len(cols) > 0 {
		selects := []string{"(" + q + ")"}
		for i, c := range cols {
			selects = append(selects, "approx_count_distinct("+c.expr+")")
			dest = append(dest, &t.distinct[i])
		}
		q = "SELECT " + strings.Join(selects, ", ") + " FROM " + from + " USING SAMPLE " + strconv.Itoa(censusSample) + " ROWS"
	}
	return db.QueryRowContext(ctx, q).Scan(dest...)
}

// numericAggregates are computed per side for every numeric column. One quantile
// aggregate with a list of fractions sorts the values once for all three.
var numericAggregates = []string{"count(%s)", "avg(%s)", "var_samp(%s)", "min(%s)", "max(%s)", "quantile_cont(%s, [0.25, 0.5, 0.75])"}

// sides summarises the numeric columns per side. The rows of each side are
// stacked and grouped by side, so a row in both segments counts on both sides;
// this costs far less in DuckDB than one FILTER clause per side and aggregate.
func (r request) sides(ctx context.Context, db *sql.DB, cols []planned, t *totals) error {
	selects := []string{"side", "count(*)", "count(*) FILTER (WHERE a AND b)"}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = c.expr
		for _, agg := range numericAggregates {
			selects = append(selects, fmt.Sprintf(agg, "v"+strconv.Itoa(i)))
		}
	}
	q := "WITH s AS " + r.source(exprs) + " SELECT " + strings.Join(selects, ", ") +
		" FROM (SELECT true AS side, * FROM s WHERE a UNION ALL SELECT false, * FROM s WHERE b) GROUP BY side"
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var inA bool
		var size, both int64
		row := make([]sideStats, len(cols))
		dest := []any{&inA, &size, &both}
		for i := range row {
			dest = append(dest, row[i].dest()...)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		side := 1
		if inA {
			side, t.a, t.both = 0, size, both
		} else {
			t.b = size
		}
		for i := range row {
			t.numeric[i][side] = row[i]
		}
	}
	return rows.Err()
}

// valueCount is how many rows of each side hold one value of a categorical column.
type valueCount struct {
	value string
	null  bool
	a, b  int64
}

// categories counts each value's rows per side with one GROUP BY per column, as
// grouping sets so that the table is read once. Values held by
// neither side are returned too, so that the table's distinct values are exact.
func (r request) categories(ctx context.Context, db *sql.DB, cols []planned) ([][]valueCount, error) {
	exprs := make([]string, len(cols))
	sets := make([]string, len(cols))
	var which, value strings.Builder
	for i, c := range cols {
		v := "v" + strconv.Itoa(i)
		exprs[i], sets[i] = c.expr, "("+v+")"
		fmt.Fprintf(&which, " WHEN grouping(%s) = 0 THEN %d", v, i)
		fmt.Fprintf(&value, " WHEN grouping(%s) = 0 THEN %s", v, v)
	}
	q := "SELECT CASE" + which.String() + " END, CASE" + value.String() + " END," +
		" count(*) FILTER (WHERE a), count(*) FILTER (WHERE b)" +
		" FROM " + r.source(exprs) + " GROUP BY GROUPING SETS (" + strings.Join(sets, ", ") + ")"
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([][]valueCount, len(cols))
	for rows.Next() {
		var col int
		var value sql.NullString
		var vc valueCount
		if err := rows.Scan(&col, &value, &vc.a, &vc.b); err != nil {
			return nil, err
		}
		vc.value, vc.null = value.String, !value.Valid
		if vc.null {
			vc.value = nullValue
		}
		out[col] = append(out[col], vc)
	}
	return out, rows.Err()
}

// nullValue labels NULL among a column's values, as query's profiles do.
const nullValue = "(null)"
