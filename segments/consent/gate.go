package consent

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/segscope/segscope/query"
)

// Gate is what stands between a population and a channel: the predicate that lets
// only contactable members through, and how many it keeps out, by reason.
type Gate struct {
	Population Population `json:"population"`
	Channel    string     `json:"channel"`
	AsOf       time.Time  `json:"as_of"`
	Config     Config     `json:"config"`
	Members    int64      `json:"members"`
	Included   int64      `json:"included"`
	// Excluded counts the members kept out, by state; every non-granted state is listed.
	Excluded map[State]int64 `json:"excluded"`
	// Where is a trusted predicate over the population's table selecting exactly the
	// members counted in Included. It embeds the staleness cutoff and the bound past
	// which an event is dated in the future as of AsOf, so it selects the same people
	// however long after the count it runs.
	Where string `json:"-"`
	// States is the query the counts come from: a row per member with person (the
	// key), channel, jurisdiction, state, unrecognized, future_dated and age_unknown;
	// the console lists the excluded members from it.
	States string `json:"-"`
	// Granted, from GateOn only, is Where over the states as they were counted,
	// held in a temporary table: valid on GateOn's connection until it is dropped.
	Granted string `json:"-"`
	// Kept, from GateOn only, is that temporary table: a row per member, with
	// person (the key) and state among its columns.
	Kept string `json:"-"`
	// AdsRules says in plain words what ad platforms' requirements the gate
	// applied beyond the channel's consent (see ads.go); nil for none.
	AdsRules []string `json:"ads_rules,omitempty"`
	table    string
	// groups are the members counted by jurisdiction and state (see GateCoverage).
	groups []group
}

// Gate works out who in a population may be contacted on a channel.
func (s *Service) Gate(ctx context.Context, pop Population, channel string) (Gate, error) {
	g, err := s.gate(ctx, nil, pop, channel)
	if err != nil {
		return Gate{}, fmt.Errorf("consent gate for %s on %s: %w", pop.Name(), channel, err)
	}
	return g, nil
}

// GateOn is Gate for work that goes on to read the members it lets through (an
// export): the states are worked out once, into a temporary table on conn, and
// the counts and Gate.Granted both read that table, so what is written is what
// was counted, with no second pass over the events. Call drop before giving conn
// back: a pooled connection, and its temporary tables, outlive Close.
func (s *Service) GateOn(ctx context.Context, conn *sql.Conn, pop Population, channel string) (g Gate, drop func(), err error) {
	g, err = s.gate(ctx, conn, pop, channel)
	if err != nil {
		return Gate{}, nil, fmt.Errorf("consent gate for %s on %s: %w", pop.Name(), channel, err)
	}
	return g, func() { conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+g.table) }, nil
}

// keptEnums stores the kept table's states and jurisdictions as ENUMs rather
// than text: the counts group by them, which took 3 ms over a million members
// instead of 21, and the table is no slower to fill. Every value the states
// query can yield is listed, since a value outside an ENUM fails the cast.
func keptEnums(suppressed bool) string {
	states := enumSQL(append(slices.Clone(States), Suppressed, DoNotSell, AdConsentIncomplete))
	cols := []string{"CAST(state AS " + states + ") AS state", "CAST(jurisdiction AS " + enumSQL(Jurisdictions) + ") AS jurisdiction"}
	if suppressed {
		cols = append(cols, "CAST(consent_state AS "+states+") AS consent_state")
	}
	return strings.Join(cols, ", ")
}

// enumSQL is a DuckDB ENUM type of values.
func enumSQL[T ~string](values []T) string {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	return "ENUM(" + strings.Join(quoted(words), ", ") + ")"
}

// gateTables numbers the temporary tables of GateOn, which may run at once on
// the connections of one workspace.
var gateTables atomic.Int64

func (s *Service) gate(ctx context.Context, conn *sql.Conn, pop Population, channel string) (_ Gate, err error) {
	p, err := s.plan(ctx, pop.Table)
	if err != nil {
		return Gate{}, err
	}
	if strings.TrimSpace(channel) == "" {
		return Gate{}, fmt.Errorf("no channel given")
	}
	channels, err := s.askedChannels(p, []string{channel})
	if err != nil {
		return Gate{}, err
	}
	now := s.Now()
	narrow, err := s.narrow(ctx, pop.Table, pop.Where)
	if err != nil {
		return Gate{}, err
	}
	ads, err := s.adsRules(ctx, p, pop, channels)
	if err != nil {
		return Gate{}, err
	}
	states := p.statesSQL(statesSpec{where: pop.Where, suppressed: pop.Suppressed, channels: channels, now: now, narrow: narrow, ads: ads})
	g := Gate{Population: pop, Channel: channels[0], AsOf: now.UTC(), Config: p.Config, Excluded: map[State]int64{}, States: states,
		AdsRules: ads.Rules}
	for _, st := range States {
		if st != Granted {
			g.Excluded[st] = 0
		}
	}
	if pop.Suppressed != "" {
		g.Excluded[Suppressed] = 0
	}
	if ads.doNotSell != "" && (ads.everyChannel || slices.Contains(ads.adsChannels, g.Channel)) {
		g.Excluded[DoNotSell] = 0
	}
	if len(ads.alsoGranted) > 0 {
		g.Excluded[AdConsentIncomplete] = 0
	}
	var q querier = s.ws.DB()
	counted := "(" + states + ")"
	if conn != nil {
		q = conn
		g.table = "temp.segscope_gate_" + strconv.FormatInt(gateTables.Add(1), 10)
		// Every column but the channel (the gate has one) is kept, so that
		// GateCoverage can count the same rows.
		if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+g.table+" AS SELECT * EXCLUDE (channel) REPLACE ("+
			keptEnums(pop.Suppressed != "")+") FROM "+counted); err != nil {
			return Gate{}, err
		}
		counted = g.table
		defer func() {
			if err != nil {
				conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+g.table)
			}
		}()
	}
	// Counted by jurisdiction too, and by the state before suppression, so that
	// GateCoverage needs no second pass.
	consentState := "state"
	if pop.Suppressed != "" {
		consentState = "consent_state"
	}
	if g.groups, err = groups(ctx, q, query.QuoteString(g.Channel), consentState, counted); err != nil {
		return Gate{}, err
	}
	recorded := false
	for _, gr := range g.groups {
		g.Members += gr.n
		if gr.state == Granted {
			g.Included += gr.n
		} else {
			g.Excluded[gr.state] += gr.n
		}
		recorded = recorded || gr.unrecognized > 0 || slices.Contains(recordedStates, gr.state)
	}
	if err := s.confirmChannels(ctx, p, channels, map[string]bool{g.Channel: recorded}); err != nil {
		return Gate{}, err
	}
	members := "true"
	if pop.Where != "" {
		members = "(" + pop.Where + ")"
	}
	granted := func(from string) string {
		return members + " AND " + query.QuoteIdent(p.Key) + " IN (SELECT person FROM " + from + " WHERE state = '" + string(Granted) + "')"
	}
	g.Where = granted("(\n" + states + "\n)")
	if g.table != "" {
		g.Granted, g.Kept = granted(g.table), g.table
	}
	return g, nil
}
