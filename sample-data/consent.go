package sampledata

import (
	"math/rand/v2"
	"strconv"
	"time"
)

var consentHeader = []string{"subscriber_id", "channel", "status", "event_time", "source"}

// eventCounts is the number of events per person and channel.
var eventCounts = newDist(count{1, 50}, count{2, 32}, count{3, 18})

type consentClass int

const (
	granted consentClass = iota
	denied
	withdrawn
)

type consentEvent struct {
	channel, status, source string
	at                      int64 // Unix seconds
}

// channelPolicy sets, per mille of subscribers, how often a channel has no
// record at all and how the latest event is distributed.
type channelPolicy struct {
	name                       string
	missing, granted, withdraw int
	signupSource               string // where consent is first collected
	laterSources               dist[string]
}

var channelPolicies = [...]channelPolicy{
	{name: "email", missing: 80, granted: 680, withdraw: 60, signupSource: "signup_form",
		laterSources: newDist(opt{"preference_center", 60}, opt{"app_settings", 25},
			opt{"support_agent", 10}, opt{"import", 5})},
	{name: "push", missing: 130, granted: 520, withdraw: 60, signupSource: "app_settings",
		laterSources: newDist(opt{"app_settings", 85}, opt{"preference_center", 10}, opt{"support_agent", 5})},
	{name: "sms", missing: 120, granted: 360, withdraw: 60, signupSource: "signup_form",
		laterSources: newDist(opt{"preference_center", 50}, opt{"app_settings", 30}, opt{"support_agent", 20})},
	{name: "ads_personalization", missing: 120, granted: 560, withdraw: 50, signupSource: "cookie_banner",
		laterSources: newDist(opt{"cookie_banner", 55}, opt{"preference_center", 25}, opt{"app_settings", 20})},
}

// statusWords mirrors how each source system spells a decision; the
// variety is what segscope's status normalisation has to absorb.
var statusWords = map[string][2]dist[string]{
	"signup_form":       {newDist(opt{"opt_in", 70}, opt{"subscribed", 30}), newDist(opt{"opt_out", 1})},
	"preference_center": {newDist(opt{"subscribed", 50}, opt{"opt_in", 50}), newDist(opt{"unsubscribed", 60}, opt{"opt_out", 40})},
	"app_settings":      {newDist(opt{"granted", 60}, opt{"true", 40}), newDist(opt{"denied", 1})},
	"cookie_banner":     {newDist(opt{"granted", 1}), newDist(opt{"denied", 1})},
	"support_agent":     {newDist(opt{"opt_in", 60}, opt{"yes", 40}), newDist(opt{"opt_out", 50}, opt{"no", 50})},
	"import":            {newDist(opt{"yes", 50}, opt{"true", 50}), newDist(opt{"no", 1})},
}

// consentGen draws the consent history of one subscriber at a time.
type consentGen struct {
	r     *rand.Rand
	asOf  int64
	stale int64 // grants before this instant are older than 24 months
	// legacy: signups before this instant came from the previous platform,
	// so their first record is often an import.
	legacy  int64
	scratch [3]int64 // event times of the current channel
}

func newConsentGen(seed uint64, asOf time.Time) *consentGen {
	return &consentGen{
		r:      newRand(seed, streamConsent),
		asOf:   asOf.Unix(),
		stale:  asOf.AddDate(-2, 0, 0).Unix(),
		legacy: asOf.AddDate(-5, 0, 0).Unix(),
	}
}

// events appends s's consent events to evs[:0], channel by channel in
// chronological order.
func (g *consentGen) events(s *subscriber, evs []consentEvent) []consentEvent {
	evs = evs[:0]
	for i := range channelPolicies {
		evs = g.channel(s, &channelPolicies[i], evs)
	}
	return evs
}

// rates adapts the policy to one subscriber; all values are per mille.
func (p *channelPolicy) rates(s *subscriber) (missing, grant, withdraw int) {
	missing, grant, withdraw = p.missing, p.granted, p.withdraw
	switch p.name {
	case "sms":
		if s.phone == "" {
			missing = 700
		}
	case "push":
		if s.primaryDevice == "web" {
			missing = 300
		}
	case "email":
		if s.churned {
			withdraw = 150 // leavers unsubscribe on the way out
		}
	case "ads_personalization":
		switch {
		case s.age < minorAge:
			grant, withdraw = 0, 0
		case s.eu:
			grant = 280 // GDPR consent banners get refused far more often
		}
	}
	if s.parentalConsent == "false" {
		grant /= 2
	}
	return missing, grant, withdraw
}

func (g *consentGen) channel(s *subscriber, p *channelPolicy, evs []consentEvent) []consentEvent {
	r := g.r
	missing, grant, withdraw := p.rates(s)
	if chance(r, missing) {
		return evs
	}
	final := denied
	switch k := r.IntN(1000); {
	case k < grant:
		final = granted
	case k < grant+withdraw:
		final = withdrawn
	}
	n := eventCounts.pick(r)
	switch {
	case final == withdrawn:
		n = max(n, 2) // something must have been granted first
	case grant == 0:
		n = 1 // a single refusal, so children are never profiled for ads
	}

	times, atSignup := g.times(s, final, n)
	firstSource := p.signupSource
	if s.signup < g.legacy && chance(r, 300) {
		firstSource = "import"
	}
	var classBuf [3]consentClass
	classes := classBuf[:len(times)]
	classes[len(classes)-1] = final
	for i := len(classes) - 2; i >= 0; i-- {
		classes[i] = previousClass(r, classes[i+1], i == 0)
	}
	for i, t := range times {
		source := firstSource
		if i > 0 || !atSignup {
			source = p.laterSources.pick(r)
		}
		evs = append(evs, consentEvent{channel: p.name, status: statusWord(r, classes[i], source), source: source, at: t})
	}
	return evs
}

// times returns up to n strictly increasing event instants and whether the
// first one falls in the signup flow. The latest event's window decides
// staleness: some grants are left older than 24 months, the rest were given
// or re-confirmed since.
func (g *consentGen) times(s *subscriber, final consentClass, n int) ([]int64, bool) {
	r := g.r
	lo, hi := s.signup, g.asOf-1
	if final == granted {
		if s.signup < g.stale && chance(r, 220) {
			hi = g.stale - 1
		} else {
			lo = max(lo, g.stale)
		}
	}
	first := s.signup + r.Int64N(900)
	times := g.scratch[:0]
	switch {
	case n > 1 && max(lo, first+int64(n)) <= hi:
		last := randTime(r, max(lo, first+int64(n)), hi)
		times = append(times, first)
		if n == 3 {
			times = append(times, randTime(r, first+1, last-1))
		}
		return append(times, last), true
	case first >= lo && first <= hi && chance(r, 600):
		return append(times, first), true
	}
	return append(times, randTime(r, lo, hi)), false
}

// previousClass picks a plausible decision before next. Nothing can be
// withdrawn at first contact, and a withdrawal needs an earlier grant.
func previousClass(r *rand.Rand, next consentClass, first bool) consentClass {
	k := r.IntN(100)
	switch {
	case next == withdrawn:
		return granted
	case next == denied:
		if k < 60 {
			return granted
		}
		return denied
	case first:
		if k < 50 {
			return granted
		}
		return denied
	case k < 40:
		return denied
	case k < 60:
		return withdrawn
	}
	return granted // a re-confirmation
}

func statusWord(r *rand.Rand, c consentClass, source string) string {
	if c == withdrawn {
		return "withdrawn"
	}
	return statusWords[source][c].pick(r)
}

// randTime returns a uniform instant in [lo, hi].
func randTime(r *rand.Rand, lo, hi int64) int64 {
	return lo + r.Int64N(hi-lo+1)
}

func (e *consentEvent) appendRecord(rec []string, id int) []string {
	return append(rec[:0], strconv.Itoa(id), e.channel, e.status, timestamp(e.at), e.source)
}
