package consent

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
)

// Names that detection recognises, best first.
var (
	eventsTableName = regexp.MustCompile(`^([a-z0-9_]+_)?consents?(_(events?|log|history|records?))?$`)
	channelNames    = []string{"channel", "channel_name", "medium", "purpose", "consent_type", "type"}
	statusNames     = []string{"status", "consent_status", "state", "decision", "value", "consent", "opt_in"}
	timeNames       = []string{"event_time", "timestamp", "ts", "time", "event_at", "occurred_at", "recorded_at",
		"consented_at", "created_at", "updated_at", "event_date", "date"}
	sourceNames   = []string{"source", "origin", "collection_point", "collected_via", "source_system"}
	ageNames      = []string{"age", "age_years", "customer_age"}
	countryNames  = []string{"country", "country_code", "country_iso", "countrycode"}
	stateNames    = []string{"state", "state_code", "us_state", "province", "region"}
	timeSuffixes  = []string{"_at", "_date", "_time", "_updated_at"}
	parentalMatch = "parental"
)

// ErrNoProposal is wrapped when detection finds nothing to propose for a table.
var ErrNoProposal = errors.New("no consent setup to propose")

// Proposal is a consent setup that detection suggests for a table, with the
// evidence for it. Nothing applies it until a person confirms it with Setup.
type Proposal struct {
	Config Config `json:"config"`
	// Overlap is, for a table of consent events, how well its people match the table's.
	Overlap *Overlap `json:"key_overlap,omitempty"`
	// Evidence says in plain words what was recognised; Warnings what to check
	// before confirming.
	Evidence []string `json:"evidence"`
	Warnings []string `json:"warnings,omitempty"`
}

// Overlap is how the people named in a table of consent events match an
// audience table's people, by key.
type Overlap struct {
	Members int64 `json:"members"`
	// Matched counts the members with at least one consent event.
	Matched int64 `json:"members_with_events"`
	// Named counts the distinct keys in the events; Strangers those of them that
	// are nobody in the audience table.
	Named     int64 `json:"people_in_events"`
	Strangers int64 `json:"people_not_in_table"`
}

// Propose suggests a consent setup for an audience table: a table of consent
// events (named like consent, consents or consent_events) carrying the table's
// key whose keys are actually the table's people, or else opt-in columns on the
// table itself (*opt_in*, consent_*, *_consent). A column name alone proves
// nothing — an imported file may share a key name with the sample's consent — so
// an events table none of whose people are in the table is never proposed. The
// policy takes the defaults with the age, parental-consent, country and state
// columns found by name. Without a proposal the error wraps ErrNoProposal.
func (s *Service) Propose(ctx context.Context, table string) (Proposal, error) {
	p, err := s.propose(ctx, table)
	if err != nil {
		return Proposal{}, fmt.Errorf("consent proposal for %s: %w", table, err)
	}
	return p, nil
}

func (s *Service) propose(ctx context.Context, table string) (Proposal, error) {
	info, err := s.ws.Table(ctx, table)
	if err != nil {
		return Proposal{}, err
	}
	if info.Key == "" {
		return Proposal{}, fmt.Errorf("%w: %s has no key column to match consent to people; name it with segscope consent setup --key", ErrNoProposal, table)
	}
	audience, err := readColumns(ctx, s.ws, table)
	if err != nil {
		return Proposal{}, err
	}
	c := Config{Table: table, Key: info.Key, Policy: detectPolicy(audience)}
	found, rejected, err := s.proposeEvents(ctx, info)
	if err != nil {
		return Proposal{}, err
	}
	wide := detectWide(audience)
	// Events most of whose people are strangers to the table are likely another
	// table's, with keys that only look alike: the table's own opt-in columns win.
	if found != nil && (!found.doubtful() || len(wide) == 0) {
		c.Layout, c.Events = Long, found.events
		p := Proposal{Config: c, Overlap: &found.overlap, Evidence: []string{found.overlap.describe(table, found.events.Table)}}
		p.Warnings, err = s.eventsWarnings(ctx, table, found)
		return p, err
	}
	if len(wide) > 0 {
		c.Layout, c.Wide = Wide, wide
		cols := make([]string, len(c.Wide))
		for i, w := range c.Wide {
			cols[i] = w.Column
		}
		p := Proposal{Config: c, Evidence: []string{"the opt-in columns " + strings.Join(cols, ", ") + " of " + table +
			" were recognised by name: check that each records consent to its channel"}}
		if found != nil {
			p.Evidence = append(p.Evidence, fmt.Sprintf("%s was set aside, as most of its people are not in %s: %s",
				found.events.Table, table, found.overlap.describe(table, found.events.Table)))
		}
		return p, nil
	}
	why := append(rejected, "no opt-in columns (*opt_in*, consent_*, *_consent) on "+table)
	if len(rejected) == 0 {
		why = append([]string{"no table of consent events (consent, consents or consent_events) with a " + info.Key + " column"}, why...)
	}
	return Proposal{}, fmt.Errorf("%w: %s; describe where its consent lives with segscope consent setup", ErrNoProposal, strings.Join(why, "; "))
}

// eventsCandidate is a table of consent events that fits an audience table.
type eventsCandidate struct {
	events  *Events
	overlap Overlap
}

// proposeEvents finds the table of consent events whose people best match the
// audience table's. rejected says why tables that looked right by name were not
// proposed.
func (s *Service) proposeEvents(ctx context.Context, audience query.TableInfo) (best *eventsCandidate, rejected []string, err error) {
	tables, err := s.ws.Tables(ctx)
	if err != nil {
		return nil, nil, err
	}
	keyCols, err := readColumns(ctx, s.ws, audience.Name)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tables {
		if t.Name == audience.Name || !eventsTableName.MatchString(t.Name) {
			continue
		}
		cols, err := readColumns(ctx, s.ws, t.Name)
		if err != nil {
			return nil, nil, err
		}
		e := &Events{
			Table:   t.Name,
			Key:     cols.find([]string{audience.Key}, nil),
			Channel: cols.find(channelNames, nil),
			Status:  cols.find(statusNames, nil),
			Time:    cols.find(timeNames, timeType),
			Source:  cols.find(sourceNames, nil),
		}
		if e.Time == "" {
			e.Time = cols.firstOfType(timeType)
		}
		if e.Key == "" || e.Channel == "" || e.Status == "" || e.Time == "" {
			continue
		}
		o, err := s.overlap(ctx, audience.Name, audience.Key, keyCols.types[audience.Key], e, cols.types[e.Key])
		if err != nil {
			return nil, nil, err
		}
		if o.Matched == 0 {
			rejected = append(rejected, fmt.Sprintf("%s has a %s column, but none of the %s people it names are among the %s rows of %s",
				t.Name, e.Key, counts.Format(o.Named), counts.Format(o.Members), audience.Name))
			continue
		}
		if best == nil || o.Matched > best.overlap.Matched {
			best = &eventsCandidate{events: e, overlap: o}
		}
	}
	return best, rejected, nil
}

// overlap counts, in one query, how the keys of a table of consent events match
// an audience table's, reading them as the states query does (asKey).
func (s *Service) overlap(ctx context.Context, table, key, keyType string, e *Events, eventsKeyType string) (Overlap, error) {
	aud := "main." + query.QuoteIdent(table)
	k := query.QuoteIdent(key)
	q := `WITH named AS (
		SELECT DISTINCT ` + asKey(query.QuoteIdent(e.Key), eventsKeyType, keyType) + ` AS person, ` + query.QuoteIdent(e.Key) + ` AS raw
		FROM main.` + query.QuoteIdent(e.Table) + ` WHERE ` + query.QuoteIdent(e.Key) + ` IS NOT NULL)
	SELECT (SELECT count(*) FROM ` + aud + `),
		(SELECT count(*) FROM ` + aud + ` a WHERE EXISTS (SELECT 1 FROM named n WHERE n.person = a.` + k + `)),
		(SELECT count(*) FROM named),
		(SELECT count(*) FROM named n WHERE NOT EXISTS (SELECT 1 FROM ` + aud + ` a WHERE a.` + k + ` = n.person))`
	var o Overlap
	if err := s.ws.DB().QueryRowContext(ctx, q).Scan(&o.Members, &o.Matched, &o.Named, &o.Strangers); err != nil {
		return Overlap{}, fmt.Errorf("match the people of %s to %s: %w", e.Table, table, err)
	}
	return o, nil
}

// describe says the overlap in a sentence.
func (o Overlap) describe(table, events string) string {
	return fmt.Sprintf("%s of the %s rows of %s (%s) have consent events in %s; %s of the %s people %s names are not in %s",
		counts.Format(o.Matched), counts.Format(o.Members), table, percentOf(o.Matched, o.Members), events,
		counts.Format(o.Strangers), counts.Format(o.Named), events, table)
}

// doubtful reports whether most of the people the events name are not in the table.
func (c *eventsCandidate) doubtful() bool { return 2*c.overlap.Strangers > c.overlap.Named }

// eventsWarnings points out what makes a proposed table of events doubtful: most
// of its people are not in the table, or it already holds another table's consent.
func (s *Service) eventsWarnings(ctx context.Context, table string, c *eventsCandidate) ([]string, error) {
	var out []string
	o := c.overlap
	if c.doubtful() {
		out = append(out, fmt.Sprintf("most people in %s (%s) are not in %s: it may record another table's consent, and its keys may only look alike",
			c.events.Table, percentOf(o.Strangers, o.Named), table))
	}
	configs, err := s.Configs(ctx)
	if err != nil {
		return nil, err
	}
	for _, other := range configs {
		if other.Table != table && other.Events != nil && other.Events.Table == c.events.Table {
			out = append(out, fmt.Sprintf("%s already holds the consent of %s: confirm only if it is about the people of %s too",
				c.events.Table, other.Table, table))
		}
	}
	return out, nil
}

func percentOf(n, of int64) string {
	return strconv.FormatFloat(100*share(n, of), 'f', 1, 64) + "%"
}

// DetectPolicy proposes the default policy with the age, parental-consent, country
// and state columns of an audience table found by name.
func DetectPolicy(ctx context.Context, ws *query.Workspace, table string) (Policy, error) {
	audience, err := readColumns(ctx, ws, table)
	if err != nil {
		return Policy{}, err
	}
	return detectPolicy(audience), nil
}

func detectPolicy(audience columnSet) Policy {
	p := DefaultPolicy()
	p.AgeColumn = audience.find(ageNames, numericType)
	p.CountryColumn = audience.find(countryNames, nil)
	p.StateColumn = audience.find(stateNames, nil)
	p.DoNotSellColumn = audience.find(doNotSellNames, nil)
	for _, name := range audience.names {
		if strings.Contains(strings.ToLower(name), parentalMatch) {
			p.ParentalColumn = name
			break
		}
	}
	return p
}

func detectWide(audience columnSet) []WideColumn {
	var out []WideColumn
	seen := map[string]bool{}
	for _, name := range audience.names {
		if timeType(audience.types[name]) {
			continue
		}
		channel := wideChannel(strings.ToLower(name))
		if channel == "" || seen[channel] || !channelPattern.MatchString(channel) {
			continue
		}
		seen[channel] = true
		w := WideColumn{Column: name, Channel: channel}
		for _, suffix := range timeSuffixes {
			if t := audience.find([]string{name + suffix}, timeType); t != "" {
				w.Time = t
				break
			}
		}
		out = append(out, w)
	}
	return out
}

// wideChannel names the channel a column records, or "" when it is not a consent column.
func wideChannel(name string) string {
	switch {
	case strings.Contains(name, parentalMatch):
		return ""
	case strings.Contains(name, "opt_in"):
		return strings.Trim(strings.Replace(name, "opt_in", "", 1), "_")
	case strings.Contains(name, "optin"):
		return strings.Trim(strings.Replace(name, "optin", "", 1), "_")
	case strings.HasPrefix(name, "consent_"):
		return strings.TrimPrefix(name, "consent_")
	case strings.HasSuffix(name, "_consent"):
		return strings.TrimSuffix(name, "_consent")
	}
	return ""
}

// find returns the first column whose name matches one of names (in the order of
// names, ignoring case) and whose type passes ok (nil accepts any type).
func (s columnSet) find(names []string, ok func(string) bool) string {
	for _, want := range names {
		for _, name := range s.names {
			if strings.EqualFold(name, want) && (ok == nil || ok(s.types[name])) {
				return name
			}
		}
	}
	return ""
}

func (s columnSet) firstOfType(ok func(string) bool) string {
	for _, name := range s.names {
		if ok(s.types[name]) {
			return name
		}
	}
	return ""
}

func numericType(duckType string) bool {
	switch strings.ToUpper(duckType) {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
		"FLOAT", "DOUBLE", "REAL":
		return true
	}
	return strings.HasPrefix(strings.ToUpper(duckType), "DECIMAL")
}
