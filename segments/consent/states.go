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
// now, with what the SQL needs to know about their columns and values.
type plan struct {
	Config
	types    map[string]string // column types of the table the consent columns are in
	audience map[string]string // column types of the audience table
	keyType  string            // the audience key's type
	words    *words            // a long layout's vocabulary; nil to normalize every event
	places   *placeBook        // the audience's places; nil to work each one out
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
	p := &plan{Config: c, types: cols.audience.types, audience: cols.audience.types, keyType: cols.audience.types[c.Key]}
	if c.Layout == Long {
		p.types = cols.events.types
		if p.words, err = s.eventWords(ctx, p); err != nil {
			return nil, err
		}
	}
	if c.Policy.CountryColumn != "" {
		if p.places, err = s.places(ctx, p); err != nil {
			return nil, err
		}
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
	where string
	// suppressed, if set, selects the members counted as Suppressed whatever their consent.
	suppressed string
	channels   []string
	now        time.Time
	flags      []string
	// narrow says the population is a small part of its table, so that dropping
	// the other people's events before grouping them pays for the join it takes.
	narrow bool
	// ads is what ad platforms require beyond the channel's own consent.
	ads adsSpec
}

// narrow reports whether a population is under half of its table's rows. Its
// count costs a pass over the rule's columns; for a large part of the table the
// join would cost more than it saves, for a small one it saves most of the work.
func (s *Service) narrow(ctx context.Context, table, where string) (bool, error) {
	if strings.TrimSpace(where) == "" {
		return false, nil
	}
	var narrow bool
	// An attached table is a view, which the catalog gives no size: its
	// recorded row count stands in (without it, a 100M-row audience's small
	// segment was never narrow, and its coverage took three times as long).
	rows, attached, err := s.ws.AttachedRows(ctx, table)
	if err != nil {
		return false, err
	}
	size, args := `(SELECT max(estimated_size) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1)`, []any{table}
	if attached {
		size, args = fmt.Sprint(rows), nil
	}
	err = s.ws.DB().QueryRowContext(ctx, `SELECT coalesce(count(*) < 0.5 * `+size+`, false)
		FROM main.`+query.QuoteIdent(table)+` WHERE (`+where+`)`, args...).Scan(&narrow)
	if err != nil {
		return false, fmt.Errorf("count the population: %w", err)
	}
	return narrow, nil
}

// ClockSkew is how far past now an event's time may be and still be believed: the
// clocks of the systems that record consent disagree by a little. Later than that,
// the event is dated in the future, and its time is not trusted.
const ClockSkew = 5 * time.Minute

// maxAge is the oldest age believed: a larger value (999, say) stands for "not known".
const maxAge = 130

// sqlTime writes an instant as a DuckDB timestamp literal.
func sqlTime(t time.Time) string {
	return `TIMESTAMP '` + t.UTC().Format("2006-01-02 15:04:05.000000") + `'`
}

// statesSQL is the one query every consent answer is built on. It yields a row per
// member and channel: person (the audience key), channel, jurisdiction, state,
// with suppression lists consent_state (the state consent alone gives, which
// state puts Suppressed ahead of), unrecognized (the latest status word meant
// nothing known), future_dated (the person has an event on the channel dated in
// the future) and age_unknown (the age column has no believable age), then the
// flags.
func (p *plan) statesSQL(spec statesSpec) string {
	var b strings.Builder
	b.WriteString("WITH " + p.membersSQL(spec))
	switch p.Layout {
	case Long:
		b.WriteString(",\n" + p.latestSQL(spec) + ",\n")
		// latest packs the standing decision's time and severity in one number
		// (see latestSQL). An undated refusal ties with the latest dated event, and
		// a tie restricts.
		facts := "\tSELECT m.*, %s,\n" +
			"\t\tCASE WHEN l.undated >= " + strconv.Itoa(int(severityDenied)) + " THEN greatest(l.undated, l.dated & 3)\n" +
			"\t\t     ELSE coalesce(l.dated & 3, l.undated) END AS severity,\n" +
			"\t\tcoalesce(l.dated >= " + strconv.FormatInt(p.cutoff(spec.now).UnixMicro()*4, 10) + ", false) AS fresh,\n" +
			"\t\tcoalesce(l.future_dated, false) AS future_dated\n"
		if len(spec.channels) == 1 {
			// One channel: a member is a row, with no cross join to make them so.
			b.WriteString("facts AS (\n" + fmt.Sprintf(facts, query.QuoteString(spec.channels[0])+" AS channel") +
				"\tFROM members m LEFT JOIN latest l ON l.person = m.person\n)")
		} else {
			b.WriteString("channels(channel) AS (" + p.channelsSQL(spec) + "),\nfacts AS (\n" + fmt.Sprintf(facts, "c.channel") +
				"\tFROM members m CROSS JOIN channels c\n\tLEFT JOIN latest l ON l.person = m.person AND l.channel = c.channel\n)")
		}
	case Wide:
		b.WriteString(",\nfacts AS (\n\tSELECT *, decided_at >= " + sqlTime(p.cutoff(spec.now)) + " AS fresh FROM (\n" +
			p.wideFactsSQL(spec) + "\n\t)\n)")
	}
	is := func(s severity) string { return "severity = " + strconv.Itoa(int(s)) }
	// A fresh grant is granted unless an ad platform's requirement holds it back.
	granted := "'" + string(Granted) + "'"
	if w := spec.ads.withheld(p, spec); w != "" {
		granted = "CASE" + w + " ELSE " + granted + " END"
	}
	consentState := "CASE WHEN minor THEN '" + string(Minor) + "'" +
		" WHEN severity IS NULL THEN '" + string(Unknown) + "'" +
		" WHEN " + is(severityGranted) + " AND fresh THEN " + granted +
		" WHEN " + is(severityGranted) + " THEN '" + string(Stale) + "'" +
		" WHEN " + is(severityDenied) + " THEN '" + string(Denied) + "'" +
		" WHEN " + is(severityWithdrawn) + " THEN '" + string(Withdrawn) + "'" +
		" ELSE '" + string(Unknown) + "' END"
	b.WriteString("\nSELECT person, channel, jurisdiction, ")
	if spec.suppressed != "" {
		b.WriteString("CASE WHEN suppressed THEN '" + string(Suppressed) + "' ELSE " + consentState + " END AS state, " +
			consentState + " AS consent_state")
	} else {
		b.WriteString(consentState + " AS state")
	}
	b.WriteString(",\n\tNOT minor AND coalesce(" + is(severityUnrecognized) + ", false) AS unrecognized, future_dated, age_unknown")
	for i := range spec.flags {
		b.WriteString(", s" + strconv.Itoa(i))
	}
	b.WriteString("\nFROM facts")
	return b.String()
}

// channelsSQL lists the channels a long layout is asked about: those named, or
// every channel in the events, which the vocabulary knows (and, should the table
// have changed since it was read, the members' own channels in latest).
func (p *plan) channelsSQL(spec statesSpec) string {
	switch {
	case len(spec.channels) > 0:
		return "VALUES " + valuesList(spec.channels)
	case p.words == nil:
		e := p.Events
		return "SELECT DISTINCT c FROM (SELECT " + normalizeWord("raw") + " AS c FROM (SELECT DISTINCT " +
			query.QuoteIdent(e.Channel) + " AS raw FROM main." + query.QuoteIdent(e.Table) + ")) WHERE c <> ''"
	}
	recorded := "SELECT DISTINCT channel FROM latest WHERE channel <> ''"
	known := p.words.allChannels()
	if len(known) == 0 {
		return recorded
	}
	return "SELECT * FROM (VALUES " + valuesList(known) + ") UNION " + recorded
}

// membersSQL is the CTEs that select the population (members) with its
// jurisdiction, whether each person's age is unknown and whether they count as a
// minor. Age limits follow the jurisdiction; where the country is not known the
// stricter EU limit applies, since the person may well be in the EU. An unknown
// age counts as a minor unless the policy says it is no bar.
//
// A jurisdiction is worked out once per distinct country and state, not once per
// person: recognising hundreds of spellings costs seconds over millions of rows,
// and a table has a few hundred places at most. The places are looked up in the
// table's place book; without one (too many places to list), they are worked out
// in a places CTE joined to the members.
func (p *plan) membersSQL(spec statesSpec) string {
	pol := p.Policy
	m := func(col string) string { return "m." + query.QuoteIdent(col) }
	from := "\n\t\tFROM main." + query.QuoteIdent(p.Table) + " AS m"
	cols := []string{m(p.Key) + " AS person"}
	// ctes is the places CTE; on joins a member's place to it, and drops the
	// place's columns once it has.
	var ctes, on, placeCols string
	switch {
	case pol.CountryColumn == "":
		cols = append(cols, query.QuoteString(string(NoCountry))+" AS jurisdiction")
	case p.places != nil:
		state := ""
		if pol.StateColumn != "" {
			state = text(m(pol.StateColumn), p.audience[pol.StateColumn])
		}
		cols = append(cols, p.places.jurisdictionOf(text(m(pol.CountryColumn), p.audience[pol.CountryColumn]), state)+" AS jurisdiction")
	default:
		distinct := m(pol.CountryColumn) + " AS country"
		cols = append(cols, m(pol.CountryColumn)+" AS place_country")
		on, placeCols = "pl.country IS NOT DISTINCT FROM i.place_country", "place_country"
		state := ""
		if pol.StateColumn != "" {
			distinct += ", " + m(pol.StateColumn) + " AS state"
			cols = append(cols, m(pol.StateColumn)+" AS place_state")
			on += " AND pl.state IS NOT DISTINCT FROM i.place_state"
			placeCols += ", place_state"
			state = "state"
		}
		ctes = "places AS (\n\tSELECT *, " + jurisdictionSQL("country", state) + " AS jurisdiction\n" +
			"\tFROM (SELECT DISTINCT " + distinct + from + ")\n),\n"
	}
	minor, ageUnknown := "false", "false"
	if pol.AgeColumn != "" {
		age := "TRY_CAST(" + m(pol.AgeColumn) + " AS DOUBLE)"
		cols = append(cols, "CASE WHEN "+age+" BETWEEN 0 AND "+strconv.Itoa(maxAge)+" THEN "+age+" END AS age")
		parental := "false"
		if pol.ParentalColumn != "" {
			parental = truthySQL(m(pol.ParentalColumn), p.audience[pol.ParentalColumn])
		}
		cols = append(cols, parental+" AS parental")
		ageUnknown = "age IS NULL"
		under := "age < CASE WHEN jurisdiction IN ('" + string(EU) + "', '" + string(NoCountry) + "') THEN " +
			strconv.Itoa(pol.MinorAgeEU) + " ELSE " + strconv.Itoa(pol.MinorAge) + " END"
		if pol.unknownAgeBars() {
			under = "coalesce(" + under + ", true)"
		} else {
			under = "coalesce(" + under + ", false)"
		}
		minor = under + " AND NOT parental"
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
	if spec.suppressed != "" {
		cols = append(cols, "("+spec.suppressed+") AS suppressed")
	}
	if spec.ads.doNotSell != "" {
		cols = append(cols, spec.ads.doNotSell+" AS dns")
	}
	where := ""
	if strings.TrimSpace(spec.where) != "" {
		where = "\n\t\tWHERE (" + spec.where + ")"
	}
	picked := "\t\tSELECT " + strings.Join(cols, ",\n\t\t\t") + from + where
	if on != "" {
		picked = "\t\tSELECT i.* EXCLUDE (" + placeCols + "), pl.jurisdiction\n\t\tFROM (\n" + picked +
			"\n\t\t) AS i LEFT JOIN places pl ON " + on
	}
	return ctes + "members AS (\n\tSELECT *, " + minor + " AS minor, " + ageUnknown + " AS age_unknown FROM (\n" + picked + "\n\t)\n)"
}

// latestSQL finds, for each person and channel, the decision that stands, in one
// pass over the events. Channel and status words are looked up in the events'
// vocabulary rather than normalized per event (see dictionary.go), and when
// channels are named, events on others are dropped by their raw spelling first.
//
// Only a time that is there and not in the future (past now plus ClockSkew) is
// believed. Among events with a believed time the latest wins and, among events
// at the same instant, the most restrictive, so the outcome never depends on the
// order rows were stored in: dated is the maximum of time (in microseconds) × 4 +
// severity, which is both at once (severity is dated & 3), and compares with the
// staleness cutoff × 4 as the time would with the cutoff. Times before the year 1
// count as the year 1, which keeps the number in range and is stale all the same.
// The others are undated: the most restrictive of them is kept apart, and the
// states query ranks it. An undated denial or withdrawal could be the latest, so
// it ties with the latest dated event (and a tie restricts); an undated grant or
// unrecognized word never outranks a dated event, and alone it is a grant whose
// freshness cannot be shown.
func (p *plan) latestSQL(spec statesSpec) string {
	e := p.Events
	col := func(c string) string { return "e." + query.QuoteIdent(c) }
	key := asKey(col(e.Key), p.types[e.Key], p.keyType)
	channel := text(col(e.Channel), p.types[e.Channel])
	status := text(col(e.Status), p.types[e.Status])
	var where []string
	// Without a vocabulary, the events are filtered on their normalized channel
	// after all (asked).
	asked := ""
	switch {
	case p.words != nil:
		if f := p.words.channelFilter(channel, spec.channels); f != "" {
			where = append(where, f)
		}
	case len(spec.channels) > 0:
		asked = "\n\tWHERE channel IN (" + strings.Join(quoted(spec.channels), ", ") + ")"
	default:
		asked = "\n\tWHERE channel <> ''"
	}
	// When only a small part of the table is asked about, skip the other people's events early.
	if spec.narrow {
		where = append(where, key+" IN (SELECT person FROM members)")
	}
	filter := ""
	if len(where) > 0 {
		filter = "\n\t\tWHERE " + strings.Join(where, " AND ")
	}
	future := sqlTime(spec.now.Add(ClockSkew))
	return "latest AS (\n" +
		"\tSELECT person, channel,\n" +
		"\t\tmax(epoch_us(greatest(decided_at, TIMESTAMP '0001-01-01 00:00:00')) * 4 + severity) FILTER (WHERE decided_at <= " + future + ") AS dated,\n" +
		"\t\tmax(severity) FILTER (WHERE decided_at IS NULL OR decided_at > " + future + ") AS undated,\n" +
		"\t\tcoalesce(bool_or(decided_at > " + future + "), false) AS future_dated\n" +
		"\tFROM (SELECT " + key + " AS person, " + p.words.channelSQL(channel) + " AS channel,\n" +
		"\t\t" + p.words.severityOf(status) + " AS severity,\n" +
		"\t\t" + timeSQL(col(e.Time), p.types[e.Time]) + " AS decided_at\n" +
		"\t\tFROM main." + query.QuoteIdent(e.Table) + " AS e" + filter + ")" +
		asked + "\n\tGROUP BY ALL\n)"
}

// wideFactsSQL turns each channel's column into a row per member. An empty cell is
// no record; a decision without a time column never goes stale. A decision dated
// in the future is flagged, and its time is not believed: a grant then counts as
// undated (stale), a refusal stands.
func (p *plan) wideFactsSQL(spec statesSpec) string {
	future := sqlTime(spec.now.Add(ClockSkew))
	var parts []string
	for i, w := range p.Wide {
		if !slices.Contains(spec.channels, w.Channel) {
			continue
		}
		v := "w" + strconv.Itoa(i)
		at, flagged := "'infinity'::TIMESTAMP", "false"
		if w.Time != "" {
			t := "t" + strconv.Itoa(i)
			at = "CASE WHEN " + t + " <= " + future + " THEN " + t + " ELSE '-infinity'::TIMESTAMP END"
			flagged = "coalesce(" + t + " > " + future + ", false)"
		}
		parts = append(parts, "\tSELECT *, "+query.QuoteString(w.Channel)+" AS channel,\n"+
			"\t\tCASE WHEN nullif(trim(CAST("+v+" AS VARCHAR)), '') IS NULL THEN NULL ELSE "+severitySQL(v)+" END AS severity,\n"+
			"\t\t"+at+" AS decided_at, "+flagged+" AS future_dated\n\tFROM members")
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
