package query

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// ValueCount is one of a column's most frequent values.
type ValueCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// Bin is one bar of a numeric histogram, covering [Low, High).
type Bin struct {
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Count int64   `json:"count"`
}

// ColumnProfile summarises one column.
type ColumnProfile struct {
	Name     string       `json:"name"`
	Type     string       `json:"type"`
	Count    int64        `json:"count"`
	Nulls    int64        `json:"nulls"`
	Distinct int64        `json:"distinct"`
	Min      string       `json:"min"`
	Max      string       `json:"max"`
	Mean     *float64     `json:"mean,omitempty"`
	Std      *float64     `json:"std,omitempty"`
	Q25      *float64     `json:"q25,omitempty"`
	Median   *float64     `json:"median,omitempty"`
	Q75      *float64     `json:"q75,omitempty"`
	Top      []ValueCount `json:"top,omitempty"`
	Bins     []Bin        `json:"histogram,omitempty"`
}

// Numeric reports whether a DuckDB type name is a number type.
func Numeric(duckType string) bool {
	t := strings.ToUpper(duckType)
	for _, prefix := range []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL"} {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

const (
	profileTopValues = 10
	histogramBins    = 20
)

// ProfileColumn computes a column's statistics, top values and (for numbers) a
// histogram, over the rows matching where.
func (w *Workspace) ProfileColumn(ctx context.Context, table, column, where string) (ColumnProfile, error) {
	cols, err := w.Columns(ctx, table)
	if err != nil {
		return ColumnProfile{}, err
	}
	p := ColumnProfile{Name: column}
	for _, c := range cols {
		if c.Name == column {
			p.Type = c.Type
		}
	}
	if p.Type == "" {
		return ColumnProfile{}, fmt.Errorf("profile %s: no column %q", table, column)
	}
	if err := w.profile(ctx, table, &p, where); err != nil {
		return ColumnProfile{}, fmt.Errorf("profile %s.%s: %w", table, column, err)
	}
	return p, nil
}

func (w *Workspace) profile(ctx context.Context, table string, p *ColumnProfile, where string) error {
	col, from := QuoteIdent(p.Name), `main.`+QuoteIdent(table)+whereClause(where)
	numeric := Numeric(p.Type)
	stats := `count(*), count(*) - count(` + col + `), count(DISTINCT ` + col + `), coalesce(min(` + col + `)::VARCHAR, ''), coalesce(max(` + col + `)::VARCHAR, '')`
	if numeric {
		stats += `, avg(` + col + `), stddev_samp(` + col + `), quantile_cont(` + col + `, 0.25), median(` + col + `), quantile_cont(` + col + `, 0.75),
			min(` + col + `)::DOUBLE, max(` + col + `)::DOUBLE`
	}
	var mean, std, q25, med, q75, lo, hi sql.NullFloat64
	dest := []any{&p.Count, &p.Nulls, &p.Distinct, &p.Min, &p.Max}
	if numeric {
		dest = append(dest, &mean, &std, &q25, &med, &q75, &lo, &hi)
	}
	if err := w.db.QueryRowContext(ctx, `SELECT `+stats+` FROM `+from).Scan(dest...); err != nil {
		return err
	}
	p.Mean, p.Std, p.Q25, p.Median, p.Q75 = floatPtr(mean), floatPtr(std), floatPtr(q25), floatPtr(med), floatPtr(q75)

	rows, err := w.db.QueryContext(ctx, `SELECT `+col+`::VARCHAR, count(*) AS n FROM `+from+` GROUP BY ALL ORDER BY n DESC, 1 NULLS LAST LIMIT ?`, profileTopValues)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v sql.NullString
		var vc ValueCount
		if err := rows.Scan(&v, &vc.Count); err != nil {
			rows.Close()
			return err
		}
		vc.Value = v.String
		if !v.Valid {
			vc.Value = "(null)"
		}
		p.Top = append(p.Top, vc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if numeric && p.Distinct > 1 {
		return w.histogram(ctx, col, from, lo.Float64, hi.Float64, p)
	}
	return nil
}

func (w *Workspace) histogram(ctx context.Context, col, from string, lo, hi float64, p *ColumnProfile) error {
	width := (hi - lo) / histogramBins
	// Equal-width bins between min and max; the top edge falls into the last bin.
	q := `SELECT least(floor((v - ?) / ?)::BIGINT, ?) AS bin, count(*)
		FROM (SELECT ` + col + `::DOUBLE AS v FROM ` + from + `) WHERE v IS NOT NULL GROUP BY bin ORDER BY bin`
	rows, err := w.db.QueryContext(ctx, q, lo, width, histogramBins-1)
	if err != nil {
		return err
	}
	defer rows.Close()
	p.Bins = make([]Bin, histogramBins)
	for i := range p.Bins {
		p.Bins[i] = Bin{Low: lo + float64(i)*width, High: lo + float64(i+1)*width}
	}
	for rows.Next() {
		var bin int
		var n int64
		if err := rows.Scan(&bin, &n); err != nil {
			return err
		}
		p.Bins[bin].Count = n
	}
	return rows.Err()
}

func floatPtr(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	return &f.Float64
}

// ProfileTable summarises every column at once (DuckDB's SUMMARIZE: approximate
// distinct counts, which is what a first look at a big table needs).
func (w *Workspace) ProfileTable(ctx context.Context, table string) ([]ColumnProfile, error) {
	if _, err := w.Columns(ctx, table); err != nil {
		return nil, err
	}
	rows, err := w.db.QueryContext(ctx, `SELECT column_name, column_type, count, null_percentage, approx_unique,
		coalesce(min, ''), coalesce(max, ''), TRY_CAST(avg AS DOUBLE), TRY_CAST(std AS DOUBLE),
		TRY_CAST(q25 AS DOUBLE), TRY_CAST(q50 AS DOUBLE), TRY_CAST(q75 AS DOUBLE)
		FROM (SUMMARIZE main.`+QuoteIdent(table)+`)`)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", table, err)
	}
	defer rows.Close()
	var out []ColumnProfile
	for rows.Next() {
		var p ColumnProfile
		var nullPct float64
		var mean, std, q25, med, q75 sql.NullFloat64
		if err := rows.Scan(&p.Name, &p.Type, &p.Count, &nullPct, &p.Distinct, &p.Min, &p.Max, &mean, &std, &q25, &med, &q75); err != nil {
			return nil, fmt.Errorf("profile %s: %w", table, err)
		}
		p.Nulls = int64(float64(p.Count)*nullPct/100 + 0.5)
		p.Mean, p.Std, p.Q25, p.Median, p.Q75 = floatPtr(mean), floatPtr(std), floatPtr(q25), floatPtr(med), floatPtr(q75)
		out = append(out, p)
	}
	return out, rows.Err()
}
