package query

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Measure is what Group computes per group beside count and share.
type Measure struct {
	Func   string // "", "sum", "avg" or "rate"
	Column string
	// Value is what rate counts: the share of the group's non-null Column
	// values that equal it (as text: "true", "1", "Yes").
	Value string
}

// Grouping asks for group-by counts over one or two columns; numeric columns are
// binned into at most Bins equal, round-width ranges.
type Grouping struct {
	Table   string
	Where   string
	By      []string
	Bins    int
	Measure Measure
	Limit   int
	// Months groups DATE and TIMESTAMP columns by calendar month rather than
	// by every distinct day or instant.
	Months bool
	// PerPerson, when set, is a number worked out per row from another
	// table's rows (orders per customer) that By may name like a column.
	PerPerson *PerPerson
}

const defaultBins = 10

// Group returns one row per group: the group labels, count, share of the filtered
// rows, and the measure if one was asked for; largest groups first for categories,
// in range order for bins.
func (w *Workspace) Group(ctx context.Context, g Grouping) (*Result, error) {
	if len(g.By) == 0 || len(g.By) > 2 {
		return nil, fmt.Errorf("group %s: choose one or two columns", g.Table)
	}
	cols, err := w.Columns(ctx, g.Table)
	if err != nil {
		return nil, err
	}
	types := map[string]string{}
	for _, c := range cols {
		types[c.Name] = c.Type
	}
	from := `main.` + QuoteIdent(g.Table)
	if p := g.PerPerson; p != nil {
		if from, err = p.from(g.Table, cols); err != nil {
			return nil, fmt.Errorf("group %s: %w", g.Table, err)
		}
		types[p.Name] = p.Type
	}
	from += whereClause(g.Where)
	// with, when set, names the rows grouped in the statement itself.
	var with string
	var selects, orders, labels []string
	for _, name := range g.By {
		typ, ok := types[name]
		if !ok {
			return nil, fmt.Errorf("group %s: no column %q", g.Table, name)
		}
		col := QuoteIdent(name)
		labels = append(labels, col+" NULLS LAST")
		if g.PerPerson != nil && name == g.PerPerson.Name {
			// Its range would take grouping and joining the events once more
			// in a query of its own, so the round width is found within the
			// statement, from the rows it groups.
			var sel, order string
			with, sel, order = perPersonBins(col, from, WholeNumber(typ), g.Bins)
			selects, orders = append(selects, sel), append(orders, order)
			continue
		}
		if g.Months && temporalType(typ) {
			sel, order := monthBin(col)
			selects, orders = append(selects, sel), append(orders, order)
			continue
		}
		if !Numeric(typ) {
			selects = append(selects, col+`::VARCHAR AS `+col)
			continue
		}
		width, err := w.binWidth(ctx, col, from, g.Bins)
		if err != nil {
			return nil, fmt.Errorf("group %s by %s: %w", g.Table, name, err)
		}
		if WholeNumber(typ) && width <= 1 {
			// Few whole values (a 0/1 flag, a rating): each is its own group, not a "0–1" range.
			selects = append(selects, col+`::VARCHAR AS `+col)
			orders = append(orders, fmt.Sprintf("min(%s) NULLS LAST", col))
			continue
		}
		// The width is a number segscope formatted itself, so it is safe to inline.
		step := strconv.FormatFloat(width, 'g', -1, 64)
		start := `floor(` + col + `::DOUBLE / ` + step + `) * ` + step
		selects = append(selects, `CASE WHEN `+col+` IS NULL THEN NULL ELSE printf('%g–%g', `+start+`, `+start+` + `+step+`) END AS `+col)
		orders = append(orders, fmt.Sprintf("min(%s) NULLS LAST", start))
	}
	measure := ""
	if g.Measure.Func != "" {
		sel, err := measureSelect(g.Measure, types)
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", g.Table, err)
		}
		measure = ", " + sel
	}
	// Labels break ties between groups of equal size, so the same question always
	// gets the same table.
	orders = append(orders, "count DESC")
	orders = append(orders, labels...)
	if with != "" {
		from = perPersonFrom
	}
	q := with + `SELECT ` + strings.Join(selects, ", ") + `, count(*) AS count, count(*) / sum(count(*)) OVER () AS share` + measure +
		` FROM ` + from + ` GROUP BY ALL ORDER BY ` + strings.Join(orders, ", ")
	rows, err := w.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("group %s: %w", g.Table, err)
	}
	res, err := scanResult(rows, g.Limit)
	if err != nil {
		return nil, fmt.Errorf("group %s: %w", g.Table, err)
	}
	return res, nil
}

// binWidth picks a round width (1, 2 or 5 × 10^k) giving at most bins ranges.
func (w *Workspace) binWidth(ctx context.Context, col, from string, bins int) (float64, error) {
	if bins <= 0 {
		bins = defaultBins
	}
	var lo, hi *float64
	if err := w.db.QueryRowContext(ctx, `SELECT min(`+col+`)::DOUBLE, max(`+col+`)::DOUBLE FROM `+from).Scan(&lo, &hi); err != nil {
		return 0, err
	}
	if lo == nil || hi == nil || *hi == *lo {
		return 1, nil
	}
	return niceWidth((*hi - *lo) / float64(bins)), nil
}

// perPersonBins bins column col of the rows from as Group bins a number
// column, with the width (niceWidth's, worked out in SQL) found in the same
// statement: with names from's rows, computed once, and the width beside
// them, which the statement reads from perPersonFrom. (A scalar subquery for
// the width in each expression cost a third more.)
func perPersonBins(col, from string, whole bool, bins int) (with, sel, order string) {
	if bins <= 0 {
		bins = defaultBins
	}
	n := strconv.Itoa(bins)
	with = `WITH segscope_rows AS MATERIALIZED (SELECT * FROM ` + from + `),
	segscope_range AS (SELECT lo, hi, (hi - lo) / ` + n + ` AS raw, pow(10, floor(log10((hi - lo) / ` + n + `))) AS p
		FROM (SELECT min(` + col + `)::DOUBLE AS lo, max(` + col + `)::DOUBLE AS hi FROM segscope_rows)),
	segscope_width AS (SELECT CASE WHEN lo IS NULL OR hi = lo THEN 1 WHEN raw <= p THEN p WHEN raw <= 2 * p THEN 2 * p
		WHEN raw <= 5 * p THEN 5 * p ELSE 10 * p END AS segscope_step FROM segscope_range) `
	step := `segscope_width.segscope_step`
	start := `floor(` + col + `::DOUBLE / ` + step + `) * ` + step
	label := `printf('%g–%g', ` + start + `, ` + start + ` + ` + step + `)`
	if whole {
		// Few whole values each make a group, as for a column.
		label = `CASE WHEN ` + step + ` <= 1 THEN ` + col + `::VARCHAR ELSE ` + label + ` END`
	}
	return with, `CASE WHEN ` + col + ` IS NULL THEN NULL ELSE ` + label + ` END AS ` + col, `min(` + start + `) NULLS LAST`
}

// perPersonFrom is what a statement that perPersonBins' with begins groups.
const perPersonFrom = `segscope_rows, segscope_width`

func niceWidth(raw float64) float64 {
	exp := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*exp >= raw {
			return m * exp
		}
	}
	return 10 * exp
}
