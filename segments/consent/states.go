package consent

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
)

// plan is a table's consent configuration checked against the tables as they are
// now, with what the SQL needs to know about their columns.
type plan struct {
	Config
	types   map[string]string // column types of the table the consent columns are in
	keyType string            // the audience key's type
}

func (s *Service) plan(ctx context.Context, table string) (*plan, error) {
	c, err := s.Config(ctx, table)
	if err != nil {
		return nil, err
	}
	cols, err := s.validate(ctx, &c)
	if err != nil {
		return nil, fmt.Errorf("the consent configuration of %s no longer fits the data (%w): run segscope consent setup again", table, err)
	}
	p := &plan{Config: c, types: cols.audience.types, keyType: cols.audience.types[c.Key]}
	if c.Layout == Long {
		p.types = cols.events.types
	}
	return p, nil
}

// knownChannels lists the channels the consent data knows, sorted: a wide
// configuration's mapping, or the distinct channels of the events.
func (s *Service) knownChannels(ctx context.Context, p *plan) ([]string, error) {
	if p.Layout == Wide {
		channels := p.wideChannels()
		slices.Sort(channels)
		return channels, nil
	}
	e := p.Events
	// The distinct raw words first: normalizing a few words beats normalizing every
	// event. Blank channels are dropped in Go, since a filter here would be pushed
	// below the DISTINCT and normalize every event after all.
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT DISTINCT `+normalizeWord("raw")+` AS c
		FROM (SELECT DISTINCT `+query.QuoteIdent(e.Channel)+` AS raw FROM main.`+query.QuoteIdent(e.Table)+`) ORDER BY c`)
	if err != nil {
		return nil, fmt.Errorf("read the channels of %s: %w", e.Table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c sql.NullString
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("read the channels of %s: %w", e.Table, err)
		}
		if c.String != "" {
			out = append(out, c.String)
		}
	}
	return out, rows.Err()
}

// askedChannels normalizes the channels asked for. A wide configuration checks them
// at once and means all of its channels when none are asked. A long one leaves both
// to the states query, which finds the channels in the events itself, so that
// naming them costs no extra pass over the events; confirmChannels checks the names
// afterwards.
func (s *Service) askedChannels(p *plan, asked []string) ([]string, error) {
	var out []string
	for _, a := range asked {
		if c := channelName(a); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if p.Layout == Long {
		return out, nil
	}
	known := p.wideChannels()
	slices.Sort(known)
	if len(out) == 0 {
		return known, nil
	}
	for _, c := range out {
		if !slices.Contains(known, c) {
			return nil, unknownChannel(p.Table, c, known)
		}
	}
	return out, nil
}

// confirmChannels checks that each channel asked of a long layout is in its
// events. A channel on which some member has a record exists; only the others are
// looked up, which costs a pass over the events but is rare: a misspelt channel,
// or a population none of whom has a record on it.
func (s *Service) confirmChannels(ctx context.Context, p *plan, asked []string, recorded map[string]bool) error {
	if p.Layout != Long {
		return nil
	}
	var known []string
	for _, c := range asked {
		if recorded[c] {
			continue
		}
		if known == nil {
			var err error
			if known, err = s.knownChannels(ctx, p); err != nil {
				return err
			}
		}
		if !slices.Contains(known, c) {
			return unknownChannel(p.Table, c, known)
		}
	}
	return nil
}

func unknownChannel(table, channel string, known []string) error {
	if len(known) == 0 {
		return fmt.Errorf("%w %q for %s: its consent data names no channels at all", ErrUnknownChannel, channel, table)
	}
	return fmt.Errorf("%w %q for %s: the consent data knows %s", ErrUnknownChannel, channel, table, strings.Join(known, ", "))
}

// recordedStates are the states that show a person has a record on the channel.
var recordedStates = []State{Granted, Denied, Withdrawn, Stale}

// statesSpec asks for the states of a population on some channels (for a long
// layout, none means every channel in the events). Flags are extra predicates over
// the audience table projected as boolean columns s0, s1, ... (the matrix asks
// about many segments in one pass).
type statesSpec struct {
	where    string
	channels []string
	cutoff   time.Time
	flags    []string
}

// statesSQL is the one query every consent answer is built on. It yields a row per
// member and channel: person (the audience key), channel, jurisdiction, state, and
// unrecognized (the latest status word meant nothing known), then the flags.
func (p *plan) statesSQL(spec statesSpec) string {
	var b strings.Builder
	b.WriteString("WITH members AS (\n" + p.membersSQL(spec) + "\n)")
	switch p.Layout {
	case Long:
		b.WriteString(",\n" + p.latestSQL(spec) + ",\n")
		b.WriteString(`facts AS (
	SELECT m.*, c.channel, l.decision.severity AS severity, l.decision.decided_at AS decided_at
	FROM members m CROSS JOIN channels c
	LEFT JOIN latest l ON l.person = m.person AND l.channel = c.channel
)`)
	case Wide:
		b.WriteString(",\nfacts AS (\n" + p.wideFactsSQL(spec.channels) + "\n)")
	}
	cutoff := `TIMESTAMP '` + spec.cutoff.UTC().Format("2006-01-02 15:04:05.000000") + `'`
	is := func(s severity) string { return "severity = " + strconv.Itoa(int(s)) }
	b.WriteString("\nSELECT person, channel, jurisdiction, CASE" +
		" WHEN minor THEN '" + string(Minor) + "'" +
		" WHEN severity IS NULL THEN '" + string(Unknown) + "'" +
		" WHEN " + is(severityGranted) + " AND decided_at >= " + cutoff + " THEN '" + string(Granted) + "'" +
		" WHEN " + is(severityGranted) + " THEN '" + string(Stale) + "'" +
		" WHEN " + is(severityDenied) + " THEN '" + string(Denied) + "'" +
		" WHEN " + is(severityWithdrawn) + " THEN '" + string(Withdrawn) + "'" +
		" ELSE '" + string(Unknown) + "' END AS state,\n" +
		"\tNOT minor AND coalesce(" + is(severityUnrecognized) + ", false) AS unrecognized")
	for i := range spec.flags {
		b.WriteString(", s" + strconv.Itoa(i))
	}
	b.WriteString("\nFROM facts")
	return b.String()
}

// membersSQL selects the population with its jurisdiction and whether each person
// counts as a minor. Age limits follow the jurisdiction; where the country is not
// known the stricter EU limit applies, since the person may well be in the EU.
func (p *plan) membersSQL(spec statesSpec) string {
	pol := p.Policy
	m := func(col string) string { return "m." + query.QuoteIdent(col) }
	cols := []string{
		m(p.Key) + " AS person",
		jurisdictionSQL(optional(m, pol.CountryColumn), optional(m, pol.StateColumn)) + " AS jurisdiction",
	}
	minor := "false"
	if pol.AgeColumn != "" {
		cols = append(cols, "TRY_CAST("+m(pol.AgeColumn)+" AS DOUBLE) AS age")
		parental := "false"
		if pol.ParentalColumn != "" {
			parental = "coalesce(" + severitySQL(m(pol.ParentalColumn)) + " = " + strconv.Itoa(int(severityGranted)) + ", false)"
		}
		cols = append(cols, parental+" AS parental")
		minor = "coalesce(age < CASE WHEN jurisdiction IN ('" + string(EU) + "', '" + string(NoCountry) + "') THEN " +
			strconv.Itoa(pol.MinorAgeEU) + " ELSE " + strconv.Itoa(pol.MinorAge) + " END, false) AND NOT parental"
	}
	if p.Layout == Wide {
		for i, w := range p.Wide {
			cols = append(cols, m(w.Column)+" AS w"+strconv.Itoa(i))
			if w.Time != "" {
				cols = append(cols, timeSQL(m(w.Time), p.types[w.Time])+" AS t"+strconv.Itoa(i))
			}
		}
	}
	for i, f := range spec.flags {
		cols = append(cols, "coalesce(("+f+"), false) AS s"+strconv.Itoa(i))
	}
	where := ""
	if strings.TrimSpace(spec.where) != "" {
		where = "\n\t\tWHERE (" + spec.where + ")"
	}
	return "\tSELECT *, " + minor + " AS minor FROM (\n\t\tSELECT " + strings.Join(cols, ",\n\t\t\t") +
		"\n\t\tFROM main." + query.QuoteIdent(p.Table) + " AS m" + where + "\n\t)"
}

// latestSQL keeps each person's latest event per channel. Channel and status words
// are normalized once per distinct (channel, status) pair, not once per event: a
// consent log has millions of events but a handful of words. The maximum of (time,
// severity) is the latest event and, among events at the same instant, the most
// restrictive one, so the outcome never depends on the order rows were stored in.
// An event without a time sorts first and, if it is the only grant, counts as stale.
func (p *plan) latestSQL(spec statesSpec) string {
	e := p.Events
	col := func(c string) string { return "e." + query.QuoteIdent(c) }
	key := asKey(col(e.Key), p.types[e.Key], p.keyType)
	events := "main." + query.QuoteIdent(e.Table)
	// MATERIALIZED keeps DuckDB from pushing the channel filter below the DISTINCT,
	// which would normalize every event again.
	kinds := "\tSELECT raw_channel, raw_status, " + normalizeWord("raw_channel") + " AS channel, " + severitySQL("raw_status") + " AS severity\n" +
		"\tFROM (SELECT DISTINCT " + col(e.Channel) + " AS raw_channel, " + col(e.Status) + " AS raw_status FROM " + events + " AS e)"
	channels := "SELECT DISTINCT channel FROM kinds WHERE channel <> ''"
	if len(spec.channels) > 0 {
		channels = "VALUES " + valuesList(spec.channels)
	}
	where := "\n\tWHERE k.channel IN (SELECT channel FROM channels)"
	// When only part of the table is asked about, skip the other people's events early.
	if strings.TrimSpace(spec.where) != "" {
		where += " AND " + key + " IN (SELECT person FROM members)"
	}
	return "kinds AS MATERIALIZED (\n" + kinds + "\n),\nchannels(channel) AS (" + channels + "),\nlatest AS (\n" +
		"\tSELECT " + key + " AS person, k.channel,\n" +
		"\t\tmax({'decided_at': coalesce(" + timeSQL(col(e.Time), p.types[e.Time]) + ", '-infinity'::TIMESTAMP), 'severity': k.severity}) AS decision\n" +
		"\tFROM " + events + " AS e JOIN kinds k\n" +
		"\t\tON " + col(e.Channel) + " IS NOT DISTINCT FROM k.raw_channel AND " + col(e.Status) + " IS NOT DISTINCT FROM k.raw_status" +
		where + "\n\tGROUP BY ALL\n)"
}

// wideFactsSQL turns each channel's column into a row per member. An empty cell is
// no record; a decision without a time column never goes stale.
func (p *plan) wideFactsSQL(channels []string) string {
	var parts []string
	for i, w := range p.Wide {
		if !slices.Contains(channels, w.Channel) {
			continue
		}
		v := "w" + strconv.Itoa(i)
		at := "'infinity'::TIMESTAMP"
		if w.Time != "" {
			at = "coalesce(t" + strconv.Itoa(i) + ", '-infinity'::TIMESTAMP)"
		}
		parts = append(parts, "\tSELECT *, "+query.QuoteString(w.Channel)+" AS channel,\n"+
			"\t\tCASE WHEN nullif(trim(CAST("+v+" AS VARCHAR)), '') IS NULL THEN NULL ELSE "+severitySQL(v)+" END AS severity,\n"+
			"\t\t"+at+" AS decided_at\n\tFROM members")
	}
	return strings.Join(parts, "\n\tUNION ALL\n")
}

// asKey reads an events' key column as the audience key's type, so that 42 and
// '42' are one person; a value that cannot be one is NULL and matches nobody.
func asKey(expr, from, to string) string {
	if from == to {
		return expr
	}
	return "TRY_CAST(" + expr + " AS " + to + ")"
}

// timeSQL reads a time column as a UTC timestamp whatever its type; a timestamp
// without a time zone is taken to be UTC already, and text that is not a time is NULL.
func timeSQL(expr, duckType string) string {
	t := strings.ToUpper(duckType)
	switch {
	case t == "TIMESTAMP WITH TIME ZONE" || t == "TIMESTAMPTZ":
		return "timezone('UTC', " + expr + ")"
	case timeType(t):
		return "CAST(" + expr + " AS TIMESTAMP)"
	}
	return "TRY_CAST(" + expr + " AS TIMESTAMP)"
}

func optional(m func(string) string, col string) string {
	if col == "" {
		return ""
	}
	return m(col)
}

func quoted(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = query.QuoteString(w)
	}
	return out
}

func valuesList(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "(" + query.QuoteString(w) + ")"
	}
	return strings.Join(out, ", ")
}

// cutoff is the instant before which a grant is stale.
func (p *plan) cutoff(now time.Time) time.Time {
	return now.UTC().AddDate(0, 0, -p.Policy.StaleDays)
}
