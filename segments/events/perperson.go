package events

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/segscope/segscope/query"
)

// The measures of one person's events that Slice groups an audience by, each
// written as the rule language writes an aggregate of an event table:
// count(orders) is how many orders a customer placed.
const (
	MeasureCount     = "count"           // events per person
	MeasureAmount    = "amount"          // the setup's amount, summed per person
	MeasureDaysSince = "days_since_last" // days from the last event to the as-of time
)

// MeasureChoice is one per-person measure an audience offers.
type MeasureChoice struct {
	Spec  string // count(views): what --by takes and the groups' column is called
	Label string // views per person
}

// Measures are the per-person measures of an audience's event tables: a
// count of each, its amount when the setup has one, and the days since the
// last event when it has a time.
func Measures(a Audience) []MeasureChoice {
	var out []MeasureChoice
	for _, e := range a.Events {
		out = append(out, MeasureChoice{Spec: spec(MeasureCount, e.Table), Label: e.Table + " per person"})
		if e.Amount != "" {
			out = append(out, MeasureChoice{Spec: spec(MeasureAmount, e.Table), Label: "amount of " + e.Table + " per person"})
		}
		if e.Time != "" {
			out = append(out, MeasureChoice{Spec: spec(MeasureDaysSince, e.Table), Label: "days since the last of " + e.Table})
		}
	}
	return out
}

func spec(kind, table string) string { return kind + "(" + table + ")" }

var measureSpec = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*\(\s*(.+?)\s*\)\s*$`)

// IsMeasure reports whether s is written as a per-person measure (a name and
// a table in parentheses) rather than a column name.
func IsMeasure(s string) bool { return measureSpec.MatchString(s) }

// Measure reads a per-person measure of the audience table's events, as
// Measures writes them, into what query.Group groups by.
func Measure(ctx context.Context, ws *query.Workspace, audience, s string) (query.PerPerson, error) {
	m := measureSpec.FindStringSubmatch(s)
	if m == nil {
		return query.PerPerson{}, fmt.Errorf("%q is not a measure of events: write count(TABLE), amount(TABLE) or days_since_last(TABLE)", s)
	}
	kind, table := strings.ToLower(m[1]), m[2]
	a, err := ForAudience(ctx, ws, audience)
	if err != nil {
		return query.PerPerson{}, err
	}
	var e *Entry
	for i := range a.Events {
		if a.Events[i].Table == table || e == nil && strings.EqualFold(a.Events[i].Table, table) {
			e = &a.Events[i]
		}
	}
	if e == nil {
		names := make([]string, len(a.Events))
		for i, ev := range a.Events {
			names[i] = ev.Table
		}
		if len(names) == 0 {
			return query.PerPerson{}, fmt.Errorf("%s has no event tables to measure (set one up with segscope events setup --audience %s)", audience, audience)
		}
		return query.PerPerson{}, fmt.Errorf("%s is not an event table of %s (its event tables: %s)", table, audience, strings.Join(names, ", "))
	}
	p := query.PerPerson{Name: spec(kind, e.Table), Key: a.Key, Table: e.Table, TableKey: e.Key}
	switch kind {
	case MeasureCount:
		p.Agg, p.Zero, p.Type = "count(*)", true, "BIGINT"
	case MeasureAmount:
		if e.Amount == "" {
			return query.PerPerson{}, fmt.Errorf("%s was set up without an amount: set it up again with --amount (such as Quantity * UnitPrice)", e.Table)
		}
		cols, err := ws.Columns(ctx, e.Table)
		if err != nil {
			return query.PerPerson{}, err
		}
		amount, err := amountSQL(e.Amount, e.Table, cols)
		if err != nil {
			return query.PerPerson{}, err
		}
		p.Agg, p.Zero, p.Type = "sum("+amount+")", true, "DOUBLE"
	case MeasureDaysSince:
		if e.Time == "" {
			return query.PerPerson{}, fmt.Errorf("%s was set up without a time column, so there is no last event to count days from", e.Table)
		}
		asOf := "CAST(current_timestamp AS TIMESTAMP)"
		if !a.AsOf.IsZero() {
			asOf = "TIMESTAMP " + query.QuoteString(a.AsOf.UTC().Format("2006-01-02 15:04:05.999999"))
		}
		p.Agg, p.Type = "date_diff('day', max(CAST("+query.QuoteIdent(e.Time)+" AS TIMESTAMP)), "+asOf+")", "BIGINT"
	default:
		return query.PerPerson{}, fmt.Errorf("%q is not a measure of events: use count(%s), amount(%s) or days_since_last(%s)", m[1], table, table, table)
	}
	if p.Key == "" {
		return query.PerPerson{}, fmt.Errorf("%s has no key column to match events by: choose one with segscope key %s COLUMN", audience, audience)
	}
	return p, nil
}

// Group groups a table's rows as query.Group does, where By may also name a
// per-person measure of the table's events as Measures writes them
// (count(orders)): the one core of the Slice screen and segscope slice.
func Group(ctx context.Context, ws *query.Workspace, g query.Grouping) (*query.Result, error) {
	cols, err := ws.Columns(ctx, g.Table)
	if err != nil {
		return nil, err
	}
	g.By = slices.Clone(g.By)
	for i, by := range g.By {
		isColumn := slices.ContainsFunc(cols, func(c query.Column) bool { return c.Name == by })
		if isColumn || !IsMeasure(by) {
			continue
		}
		if g.PerPerson != nil {
			return nil, fmt.Errorf("group %s: by one measure of events at a time (%s and %s)", g.Table, g.PerPerson.Name, by)
		}
		p, err := Measure(ctx, ws, g.Table, by)
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", g.Table, err)
		}
		g.PerPerson, g.By[i] = &p, p.Name
	}
	return ws.Group(ctx, g)
}

// Distribution is how an event table's events spread over its people.
type Distribution struct {
	Table  string
	People int64 // people with at least one event
	Events int64 // events with a key
	// None is how many people of the audience have no event at all (0 for
	// an audience made from the events).
	None   int64
	Median float64
	Max    int64
	// Bins count people by their number of events, in ranges of one round
	// width (1, 2, 5 × 10^k), the first holding the fewest events.
	Bins []query.Bin
}

// histogramBins is about how many ranges Distribution splits people into.
const histogramBins = 20

// PerPerson reads how e's events spread over its people: the events are
// grouped by key once, and the counts binned in the same statement.
func PerPerson(ctx context.Context, ws *query.Workspace, e Entry) (Distribution, error) {
	d, err := perPerson(ctx, ws, e)
	if err != nil {
		return Distribution{}, fmt.Errorf("events per person of %s: %w", e.Table, err)
	}
	return d, nil
}

func perPerson(ctx context.Context, ws *query.Workspace, e Entry) (Distribution, error) {
	d := Distribution{Table: e.Table}
	k := query.QuoteIdent(e.Key)
	none := `0`
	if !e.Derived {
		audienceKey, err := tableKey(ctx, ws.DB(), e.Audience)
		if err != nil {
			return Distribution{}, err
		}
		if audienceKey != "" {
			none = `(SELECT count(*) FROM main.` + query.QuoteIdent(e.Audience) + ` a ANTI JOIN per ON a.` + query.QuoteIdent(audienceKey) + ` = per.k)`
		}
	}
	// The width is rounded in SQL as query.Group rounds its bins (1, 2 or 5
	// × 10^k), so that one statement reads the events once.
	q := `WITH per AS MATERIALIZED (SELECT ` + k + ` AS k, count(*) AS n FROM main.` + query.QuoteIdent(e.Table) +
		` WHERE ` + k + ` IS NOT NULL GROUP BY ` + k + `),
	s AS (SELECT count(*) AS people, coalesce(sum(n), 0)::BIGINT AS events, coalesce(median(n), 0)::DOUBLE AS med,
		coalesce(max(n), 0) AS hi, greatest((coalesce(max(n), 0) - coalesce(min(n), 0) + 1) / ?, 1) AS raw, ` + none + ` AS none FROM per),
	w AS (SELECT *, CASE WHEN raw <= p THEN p WHEN raw <= 2 * p THEN 2 * p WHEN raw <= 5 * p THEN 5 * p ELSE 10 * p END AS width
		FROM (SELECT *, pow(10, floor(log10(raw))) AS p FROM s))
	SELECT w.people, w.events, w.none, w.med, w.hi, w.width, b.low, b.people
	FROM w LEFT JOIN (SELECT floor(n / (SELECT width FROM w)) * (SELECT width FROM w) AS low, count(*) AS people FROM per GROUP BY low) b ON true
	ORDER BY b.low`
	rows, err := ws.DB().QueryContext(ctx, q, float64(histogramBins))
	if err != nil {
		return Distribution{}, err
	}
	defer rows.Close()
	var width float64
	for rows.Next() {
		var low sql.NullFloat64
		var n sql.NullInt64
		if err := rows.Scan(&d.People, &d.Events, &d.None, &d.Median, &d.Max, &width, &low, &n); err != nil {
			return Distribution{}, err
		}
		if !low.Valid {
			continue
		}
		// Ranges no one falls in are drawn as empty bars, not left out.
		for len(d.Bins) > 0 && d.Bins[len(d.Bins)-1].High < low.Float64 {
			last := d.Bins[len(d.Bins)-1].High
			d.Bins = append(d.Bins, query.Bin{Low: last, High: last + width})
		}
		d.Bins = append(d.Bins, query.Bin{Low: low.Float64, High: low.Float64 + width, Count: n.Int64})
	}
	return d, rows.Err()
}
