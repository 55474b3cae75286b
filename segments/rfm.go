package segments

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/rule"
)

// RFM is recency, frequency and monetary value, scored 1 to 5, over the
// people of an audience who have events in one of its event tables.
//
// A score counts the quintile cut-offs a person's value is above: 1 + the
// number of Cuts below it. The cut-offs are values people have (DuckDB's
// quantile_disc), and people with equal values always get the same score,
// so ties never split by row order; when many people share a value (one
// order), the groups are uneven rather than arbitrary. Recency is the time
// of the last event (later is better); frequency the number of events;
// monetary the sum of the event table's amount, when it declares one.
//
// The cells are the common map over R and F: each person is in exactly one,
// and each is a segment rule of event conditions with these cut-offs, so a
// cell saved as a segment holds exactly the people counted here (until the
// events change). Monetary value is scored and shown, not used by the map.
type RFM struct {
	Audience, Events string
	People           int64 // with at least one timed event: the people scored
	Unscored         int64 // the audience's other people: no event, or none with a time
	Recency          Cuts
	Frequency        Cuts
	Monetary         *Cuts // nil without an amount
	Cells            []RFMCell
}

// Cuts are a measure's 20th, 40th, 60th and 80th percentiles, as the rule
// language writes them (a timestamp '...' literal or a number).
type Cuts [4]string

// RFMCell is one cell of the map: who it holds and the rule that selects them.
type RFMCell struct {
	Name, Title, Description string
	R, F                     []span // the score ranges it covers, one rectangle each
	People                   int64
	Rule                     string
}

type span struct{ R, F [2]int }

// rfmMap is the map of cells over (R, F). Its rectangles cover the 25
// score pairs exactly once (TestRFMMapCoversEveryScoreOnce).
var rfmMap = []struct {
	name, title, why string
	spans            []span
}{
	{"champions", "Champions", "Bought recently and often: reward them, ask them to review and refer.", []span{{R: [2]int{5, 5}, F: [2]int{4, 5}}}},
	{"loyal", "Loyal", "Buy often and not long ago: offer more of what they buy, and membership.", []span{{R: [2]int{3, 4}, F: [2]int{4, 5}}}},
	{"potential_loyalists", "Potential loyalists", "Recent, with a few purchases: a reason to come back makes them loyal.", []span{{R: [2]int{4, 5}, F: [2]int{2, 3}}}},
	{"new_customers", "New customers", "Bought once, very recently: welcome them and help them start.", []span{{R: [2]int{5, 5}, F: [2]int{1, 1}}}},
	{"promising", "Promising", "Bought once, recently: a first repeat purchase is the goal.", []span{{R: [2]int{4, 4}, F: [2]int{1, 1}}}},
	{"need_attention", "Need attention", "Middling on both: a limited offer keeps them from slipping.", []span{{R: [2]int{3, 3}, F: [2]int{3, 3}}}},
	{"about_to_sleep", "About to sleep", "Few purchases, and not lately: reconnect before they are gone.", []span{{R: [2]int{3, 3}, F: [2]int{1, 2}}}},
	{"at_risk", "At risk", "Used to buy often, but not for a long while: win them back.", []span{{R: [2]int{1, 2}, F: [2]int{3, 4}}}},
	{"cannot_lose", "Can't lose them", "Among the most frequent buyers, and gone quiet: reach them personally.", []span{{R: [2]int{1, 2}, F: [2]int{5, 5}}}},
	{"hibernating", "Hibernating", "Few purchases, long ago: only the best offers will wake them.", []span{{R: [2]int{2, 2}, F: [2]int{1, 2}}, {R: [2]int{1, 1}, F: [2]int{2, 2}}}},
	{"lost", "Lost", "One purchase, long ago: leave them out of most campaigns.", []span{{R: [2]int{1, 1}, F: [2]int{1, 1}}}},
}

// RFMPrefix starts the names of the segments made from RFM cells.
const RFMPrefix = "rfm_"

// MeasureRFM scores the audience's people on eventTable (its only timed event
// table when ""), in one pass over the events: the per-person measures are
// made once and both the cut-offs and the people in each cell come from them.
func MeasureRFM(ctx context.Context, ws *query.Workspace, audience, eventTable string) (RFM, error) {
	s, err := Schema(ctx, ws, audience)
	if err != nil {
		return RFM{}, err
	}
	ev, err := rfmEvents(s, eventTable)
	if err != nil {
		// An event table is no one's audience in practice: point at whose
		// events it holds rather than at setting up events of the events.
		if e, gerr := events.Get(ctx, ws, audience); gerr == nil && len(s.Events) == 0 {
			return RFM{}, fmt.Errorf("RFM of %s: %s holds the events of %s: score %s (its people) instead", audience, audience, e.Audience, e.Audience)
		}
		return RFM{}, fmt.Errorf("RFM of %s: %w", audience, err)
	}
	amount := "NULL"
	if ev.Amount != "" {
		if _, amount, err = rule.Measure(ev.Amount, ev); err != nil {
			return RFM{}, fmt.Errorf("RFM of %s: the amount of %s: %w", audience, ev.Name, err)
		}
	}
	q := rfmSQL(s, ev, amount)
	rows, err := ws.DB().QueryContext(ctx, q)
	if err != nil {
		return RFM{}, fmt.Errorf("RFM of %s: %w", audience, err)
	}
	defer rows.Close()
	r := RFM{Audience: audience, Events: ev.Name}
	var grid [6][6]int64
	var total int64
	var cuts [3]any
	for rows.Next() {
		var rs, fs sql.NullInt64
		var n int64
		if err := rows.Scan(&total, &cuts[0], &cuts[1], &cuts[2], &rs, &fs, &n); err != nil {
			return RFM{}, fmt.Errorf("RFM of %s: %w", audience, err)
		}
		if rs.Valid && fs.Valid {
			grid[rs.Int64][fs.Int64] += n
			r.People += n
		}
	}
	if err := rows.Err(); err != nil {
		return RFM{}, fmt.Errorf("RFM of %s: %w", audience, err)
	}
	r.Unscored = total - r.People
	if r.People == 0 {
		return RFM{}, fmt.Errorf("RFM of %s: none of its people has an event with a time in %s", audience, ev.Name)
	}
	timeType := rule.TypeTimestamp
	if c, ok, _ := (rule.Schema{Columns: ev.Columns}).Lookup(ev.Time); ok {
		timeType = c.Type
	}
	if r.Recency, err = cutsOf(cuts[0], timeType); err == nil {
		r.Frequency, err = cutsOf(cuts[1], rule.TypeNumber)
	}
	if err == nil && ev.Amount != "" {
		var m Cuts
		m, err = cutsOf(cuts[2], rule.TypeNumber)
		r.Monetary = &m
	}
	if err != nil {
		return RFM{}, fmt.Errorf("RFM of %s: %w", audience, err)
	}
	table := ident(ev.Name)
	for _, c := range rfmMap {
		cell := RFMCell{Name: RFMPrefix + c.name, Title: c.title}
		var alts []string
		var scores []string
		for _, sp := range c.spans {
			for rs := sp.R[0]; rs <= sp.R[1]; rs++ {
				for fs := sp.F[0]; fs <= sp.F[1]; fs++ {
					cell.People += grid[rs][fs]
				}
			}
			conds := append(between("last("+table+")", sp.R, r.Recency), between("count("+table+")", sp.F, r.Frequency)...)
			alts = append(alts, strings.Join(conds, " and "))
			scores = append(scores, "R "+rangeText(sp.R)+", F "+rangeText(sp.F))
		}
		cell.Rule = alts[0]
		if len(alts) > 1 {
			cell.Rule = "(" + strings.Join(alts, ") or (") + ")"
		}
		cell.Description = fmt.Sprintf("RFM %s (%s) on %s: %s", c.title, strings.Join(scores, "; "), ev.Name, c.why)
		r.Cells = append(r.Cells, cell)
	}
	return r, nil
}

// rfmEvents picks the event table to score on.
func rfmEvents(s rule.Schema, name string) (rule.EventTable, error) {
	if name != "" {
		ev, ok := s.Event(name)
		switch {
		case !ok:
			return ev, fmt.Errorf("%s is not an event table of %s (see segscope events list)", name, s.Table)
		case ev.Time == "":
			return ev, fmt.Errorf("%s has no time column, and recency needs one: segscope events setup --table %s --time COLUMN", ev.Name, ev.Name)
		}
		return ev, nil
	}
	var timed []rule.EventTable
	for _, ev := range s.Events {
		if ev.Time != "" {
			timed = append(timed, ev)
		}
	}
	switch len(timed) {
	case 0:
		return rule.EventTable{}, fmt.Errorf("%s has no event table with a time: set one up with segscope events setup --table T --key K --time COLUMN --audience %s", s.Table, s.Table)
	case 1:
		return timed[0], nil
	}
	names := make([]string, len(timed))
	for i, ev := range timed {
		names[i] = ev.Name
	}
	return rule.EventTable{}, fmt.Errorf("%s has several event tables (%s): say which to score on", s.Table, strings.Join(names, ", "))
}

// rfmSQL measures each scored person once (p), takes the cut-offs from
// those measures (c) and counts the people per score pair. Every row
// carries the audience's size and the cut-offs.
func rfmSQL(s rule.Schema, ev rule.EventTable, amount string) string {
	key, evKey, t := query.QuoteIdent(s.Key), query.QuoteIdent(ev.Key), query.QuoteIdent(ev.Time)
	score := func(v, cuts string) string {
		return fmt.Sprintf("1 + (%[1]s > %[2]s[1])::INT + (%[1]s > %[2]s[2])::INT + (%[1]s > %[2]s[3])::INT + (%[1]s > %[2]s[4])::INT", v, cuts)
	}
	const quintiles = "[0.2, 0.4, 0.6, 0.8]"
	// The audience's people are picked out after grouping: the events of the
	// same person meet the audience's keys once, not once per event.
	return `WITH p AS MATERIALIZED (
	SELECT * FROM (
		SELECT ` + evKey + ` AS k, max(` + t + `) AS r, count(*) AS f, sum(` + amount + `) AS m
		FROM main.` + query.QuoteIdent(ev.Name) + asOfBound(s, t) + `
		GROUP BY ` + evKey + `
		HAVING max(` + t + `) IS NOT NULL
	) WHERE k IN (SELECT ` + key + ` FROM main.` + query.QuoteIdent(s.Table) + `)
), c AS (
	SELECT quantile_disc(r, ` + quintiles + `) AS rq, quantile_disc(f, ` + quintiles + `) AS fq,
		quantile_disc(m, ` + quintiles + `) AS mq FROM p
), g AS (
	SELECT ` + score("p.r", "c.rq") + ` AS rs, ` + score("p.f", "c.fq") + ` AS fs, count(*) AS n
	FROM p, c GROUP BY ALL
)
SELECT (SELECT count(*) FROM main.` + query.QuoteIdent(s.Table) + `), c.rq, c.fq, c.mq, g.rs, g.fs, g.n
FROM c LEFT JOIN g ON TRUE`
}

// asOfBound leaves out the events after the schema's as-of time, as event
// conditions do, so that the cells' rules select who was scored.
func asOfBound(s rule.Schema, t string) string {
	if s.AsOf.IsZero() {
		return ""
	}
	return " WHERE (" + t + " IS NULL OR " + t + " <= TIMESTAMP " + query.QuoteString(s.AsOf.UTC().Format("2006-01-02 15:04:05.999999")) + ")"
}

// cutsOf reads the four cut-offs DuckDB returned as a list.
func cutsOf(v any, t rule.Type) (Cuts, error) {
	var c Cuts
	list, ok := v.([]any)
	if !ok || len(list) != 4 {
		return c, fmt.Errorf("unexpected quintiles %v", v)
	}
	for i, x := range list {
		switch x := x.(type) {
		case time.Time:
			if t == rule.TypeDate {
				c[i] = "date '" + x.Format("2006-01-02") + "'"
			} else {
				c[i] = "timestamp '" + x.Format("2006-01-02 15:04:05.999999") + "'"
			}
		case int64:
			c[i] = strconv.FormatInt(x, 10)
		case float64:
			c[i] = strconv.FormatFloat(x, 'g', -1, 64)
		case nil:
			c[i] = ""
		default:
			return c, fmt.Errorf("unexpected quintile %v (%T)", x, x)
		}
	}
	return c, nil
}

// between writes a score range of measure as comparisons with the cut-offs:
// scores a..b are the values above cut a-1 and at most cut b.
func between(measure string, scores [2]int, cuts Cuts) []string {
	var conds []string
	if a := scores[0]; a > 1 {
		conds = append(conds, measure+" > "+cuts[a-2])
	}
	if b := scores[1]; b < 5 {
		conds = append(conds, measure+" <= "+cuts[b-1])
	}
	return conds
}

func rangeText(r [2]int) string {
	if r[0] == r[1] {
		return strconv.Itoa(r[0])
	}
	return fmt.Sprintf("%d–%d", r[0], r[1])
}

// Definitions are the cells as segment definitions, to save together.
func (r RFM) Definitions(reason string) []Definition {
	defs := make([]Definition, len(r.Cells))
	for i, c := range r.Cells {
		defs[i] = Definition{Name: c.Name, Table: r.Audience, Rule: c.Rule, Description: c.Description, Reason: reason}
	}
	return defs
}
