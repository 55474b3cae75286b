package consent

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Coverage is who in a population may be contacted on each channel, and why the
// rest may not.
type Coverage struct {
	Population Population `json:"population"`
	Members    int64      `json:"members"`
	// AgeUnknown counts members whose age column is empty or holds no believable
	// age; the policy's UnknownAge says whether they may be contacted.
	AgeUnknown int64             `json:"age_unknown"`
	AsOf       time.Time         `json:"as_of"`
	Config     Config            `json:"config"`
	Channels   []ChannelCoverage `json:"channels"`
}

// ChannelCoverage counts a population's states on one channel, overall and by jurisdiction.
type ChannelCoverage struct {
	Channel string `json:"channel"`
	Tally
	// Unrecognized counts members whose latest status word meant nothing known
	// (they are among Unknown): a sign the normalization needs a new word.
	Unrecognized int64 `json:"unrecognized_status"`
	// FutureDated counts members with an event on the channel dated in the future
	// (past AsOf plus ClockSkew). Such an event never counts as the latest: a grant
	// is ignored, a refusal still stands.
	FutureDated   int64                  `json:"future_dated"`
	Jurisdictions []JurisdictionCoverage `json:"jurisdictions"`
}

// JurisdictionCoverage is one jurisdiction's part of a channel's coverage.
type JurisdictionCoverage struct {
	Jurisdiction Jurisdiction `json:"jurisdiction"`
	Tally
}

// Tally counts people by state. Every state is present in Counts and Shares, at zero
// if need be, so a table of them never has holes; Suppressed is present when the
// population was asked about with its suppression lists.
type Tally struct {
	Members     int64             `json:"members"`
	Counts      map[State]int64   `json:"counts"`
	Shares      map[State]float64 `json:"shares"`
	Contactable int64             `json:"contactable"`
	Share       float64           `json:"contactable_share"`
}

func (t *Tally) add(s State, n int64) {
	if t.Counts == nil {
		t.Counts = make(map[State]int64, len(States))
		t.Shares = make(map[State]float64, len(States))
		for _, st := range States {
			t.Counts[st], t.Shares[st] = 0, 0
		}
	}
	t.Counts[s] += n
	t.Members += n
	if s == Granted {
		t.Contactable += n
	}
	for st := range t.Counts {
		t.Shares[st] = share(t.Counts[st], t.Members)
	}
	t.Share = share(t.Contactable, t.Members)
}

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Coverage counts a population's consent states on the channels asked for (every
// channel the consent data knows when none are), in one pass in DuckDB.
func (s *Service) Coverage(ctx context.Context, pop Population, channels []string) (*Coverage, error) {
	cov, err := s.coverage(ctx, pop, channels)
	if err != nil {
		return nil, fmt.Errorf("consent coverage of %s: %w", pop.Name(), err)
	}
	return cov, nil
}

func (s *Service) coverage(ctx context.Context, pop Population, asked []string) (*Coverage, error) {
	p, err := s.plan(ctx, pop.Table)
	if err != nil {
		return nil, err
	}
	channels, err := s.askedChannels(p, asked)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	narrow, err := s.narrow(ctx, pop.Table, pop.Where)
	if err != nil {
		return nil, err
	}
	ads, err := s.adsRules(ctx, p, pop, channels)
	if err != nil {
		return nil, err
	}
	states := p.statesSQL(statesSpec{where: pop.Where, suppressed: pop.Suppressed, channels: channels, now: now, narrow: narrow, ads: ads})
	counted, err := groups(ctx, s.ws.DB(), "channel", "state", "("+states+")")
	if err != nil {
		return nil, err
	}
	return s.coverageOf(ctx, p, p.Config, pop, channels, now, counted)
}

// GateCoverage is the coverage of the gate's population on the gate's channel,
// as Coverage would count it without the suppression lists, from the groups
// the gate counted its members in rather than worked out again: an export
// assesses its segment's risk (which needs this coverage) as well as gating it.
func (s *Service) GateCoverage(ctx context.Context, g Gate) (*Coverage, error) {
	if g.groups == nil {
		return nil, fmt.Errorf("consent coverage of %s: the gate counted no groups", g.Population.Name())
	}
	pop := g.Population
	pop.Suppressed = ""
	// The gate has confirmed its channel: no plan is needed to check it.
	cov, err := s.coverageOf(ctx, nil, g.Config, pop, []string{g.Channel}, g.AsOf, g.groups)
	if err != nil {
		return nil, fmt.Errorf("consent coverage of %s: %w", g.Population.Name(), err)
	}
	return cov, nil
}

// querier is what *sql.DB and *sql.Conn have in common: a tally reads a
// gate's temporary table on the connection that holds it.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// group is the members of one channel, jurisdiction and state, as a states
// query's rows are counted: how many, and how many of them have a status word
// nobody recognised, an event dated in the future, and no known age. consent is
// the state before the suppression lists (the state itself without them).
type group struct {
	channel                             string
	jurisdiction                        Jurisdiction
	state, consent                      State
	n, unrecognized, future, ageUnknown int64
}

// groups counts the rows of from (the states query, or a table holding its
// rows) by channel, jurisdiction and state; channel and consent are the
// expressions over from that give each row's channel and its state before
// suppression.
func groups(ctx context.Context, q querier, channel, consent, from string) ([]group, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+channel+`, jurisdiction, state, `+consent+`, count(*), count(*) FILTER (WHERE unrecognized),
		count(*) FILTER (WHERE future_dated), count(*) FILTER (WHERE age_unknown)
		FROM `+from+` GROUP BY ALL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []group{} // not nil, even for nobody: the groups were counted
	for rows.Next() {
		var g group
		if err := rows.Scan(&g.channel, &g.jurisdiction, &g.state, &g.consent, &g.n, &g.unrecognized, &g.future, &g.ageUnknown); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// coverageOf is the Coverage of pop on channels from its groups, by their
// state before suppression unless pop is asked with the suppression lists. With
// a plan, the channels asked are checked against the consent data (and none
// means all); without one they are taken as confirmed.
func (s *Service) coverageOf(ctx context.Context, p *plan, config Config, pop Population, channels []string, now time.Time, counted []group) (*Coverage, error) {
	byChannel := map[string]*ChannelCoverage{}
	byJurisdiction := map[string]map[Jurisdiction]*Tally{}
	ageUnknown := map[string]int64{} // the same on every channel: it is the members'
	recorded := map[string]bool{}
	for _, g := range counted {
		st := g.consent
		if pop.Suppressed != "" {
			st = g.state
		}
		cc := byChannel[g.channel]
		if cc == nil {
			cc = &ChannelCoverage{Channel: g.channel}
			byChannel[g.channel], byJurisdiction[g.channel] = cc, map[Jurisdiction]*Tally{}
		}
		cc.add(st, g.n)
		cc.Unrecognized += g.unrecognized
		cc.FutureDated += g.future
		ageUnknown[g.channel] += g.ageUnknown
		t := byJurisdiction[g.channel][g.jurisdiction]
		if t == nil {
			t = &Tally{}
			byJurisdiction[g.channel][g.jurisdiction] = t
		}
		t.add(st, g.n)
		recorded[g.channel] = recorded[g.channel] || g.unrecognized > 0 || slices.Contains(recordedStates, st)
	}
	if p != nil {
		if err := s.confirmChannels(ctx, p, channels, recorded); err != nil {
			return nil, err
		}
	}
	if len(channels) == 0 {
		// Every channel was asked for: those the members have, or, for nobody, all.
		channels = slices.Sorted(maps.Keys(byChannel))
		if len(channels) == 0 {
			var err error
			if channels, err = s.knownChannels(ctx, p); err != nil {
				return nil, err
			}
		}
	}
	cov := &Coverage{Population: pop, AsOf: now.UTC(), Config: config}
	for _, c := range channels {
		cc := byChannel[c]
		if cc == nil {
			cc = &ChannelCoverage{Channel: c}
		}
		cc.add(Granted, 0) // every state shows, even at zero
		if pop.Suppressed != "" {
			cc.add(Suppressed, 0)
		}
		for _, j := range Jurisdictions {
			if t := byJurisdiction[c][j]; t != nil {
				cc.Jurisdictions = append(cc.Jurisdictions, JurisdictionCoverage{Jurisdiction: j, Tally: *t})
			}
		}
		cov.Members, cov.AgeUnknown = cc.Members, ageUnknown[c]
		cov.Channels = append(cov.Channels, *cc)
	}
	return cov, nil
}

// Reasons lists the states and reasons counted on any of the coverage's
// channels, in reading order (see Reasons): suppressed first when it was asked
// with the suppression lists, then every consent state, then what ad
// platforms' requirements kept out.
func (c *Coverage) Reasons() []State {
	all := map[State]int64{}
	for _, cc := range c.Channels {
		for st := range cc.Counts {
			all[st] = 0
		}
	}
	return Reasons(all)
}

// Channel returns the coverage of one channel, and whether it was counted.
func (c *Coverage) Channel(name string) (ChannelCoverage, bool) {
	for _, cc := range c.Channels {
		if cc.Channel == name {
			return cc, true
		}
	}
	return ChannelCoverage{}, false
}

// Channels lists the channels a table's consent data knows, sorted.
func (s *Service) Channels(ctx context.Context, table string) ([]string, error) {
	p, err := s.plan(ctx, table)
	if err != nil {
		return nil, err
	}
	return s.knownChannels(ctx, p)
}
