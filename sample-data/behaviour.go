package sampledata

import "math/rand/v2"

// engagement is a subscriber's hidden state. The at-risk group has not
// churned yet but already behaves like churners, so segments built on
// behaviour catch more than the churned flag alone.
type engagement int

const (
	healthy engagement = iota
	atRisk
	churned
)

var (
	channelRisk = map[string]int{"organic": -10, "paid_search": 70, "social": 20,
		"referral": -40, "partner_bundle": 120, "tv_ad": 0}
	planRisk = map[string]int{"basic": 20, "standard": 0, "premium": -20,
		"family": -40, "ad_supported": 50}
)

// status draws the engagement state from an additive churn risk (per-mille):
// annual billing retains, partner bundles and paid search bring less loyal
// subscribers, and the first year is the riskiest.
func status(r *rand.Rand, s *subscriber, tenure int) engagement {
	risk := 150 + channelRisk[s.channel] + planRisk[s.plan]
	if s.annual {
		risk -= 90
	}
	switch {
	case tenure < 365:
		risk += 60
	case tenure > 4*365:
		risk -= 50
	}
	risk = min(max(risk, 20), 700)
	switch {
	case chance(r, risk):
		return churned
	case chance(r, risk*2/3):
		return atRisk
	}
	return healthy
}

// viewer is a viewing-intensity segment: mean and sd of monthly hours in
// tenths. Mixing three of them gives the right-skewed hours real services see.
type viewer struct{ mean, sd int }

type (
	viewerMix = option[viewer]
	count     = option[int]
)

var (
	light  = viewer{80, 40}
	medium = viewer{250, 80}
	heavy  = viewer{600, 180}
)

// profile holds the behaviour of one engagement state. The gaps between the
// states are sized for a Cohen's d of roughly one between churned and
// retained subscribers on watch hours and days since login, with overlap.
type profile struct {
	viewers dist[viewer]
	// ratio is this month's viewing as per-mille of last month's.
	ratioMean, ratioSD int
	// Days since login is loginBase plus a geometric wait with this
	// per-mille daily return probability.
	loginBase, loginReturn   int
	completionShift, complSD int
	tickets                  dist[int]
}

var profiles = [...]profile{
	healthy: {
		viewers:   newDist(viewerMix{light, 35}, viewerMix{medium, 43}, viewerMix{heavy, 22}),
		ratioMean: 1000, ratioSD: 180,
		loginBase: 0, loginReturn: 200,
		completionShift: 0, complSD: 50,
		tickets: newDist(count{0, 80}, count{1, 15}, count{2, 4}, count{3, 1}),
	},
	atRisk: {
		viewers:   newDist(viewerMix{light, 45}, viewerMix{medium, 40}, viewerMix{heavy, 15}),
		ratioMean: 620, ratioSD: 200,
		loginBase: 2, loginReturn: 120,
		completionShift: -70, complSD: 70,
		tickets: newDist(count{0, 55}, count{1, 28}, count{2, 12}, count{3, 4}, count{4, 1}),
	},
	churned: {
		viewers:   newDist(viewerMix{light, 50}, viewerMix{medium, 37}, viewerMix{heavy, 13}),
		ratioMean: 300, ratioSD: 220,
		loginBase: 3, loginReturn: 100,
		completionShift: -150, complSD: 90,
		tickets: newDist(count{0, 35}, count{1, 30}, count{2, 20}, count{3, 10}, count{4, 4}, count{5, 1}),
	},
}

// behave draws the viewing metrics for state e.
func (s *subscriber) behave(r *rand.Rand, e engagement, tenure int) {
	p := &profiles[e]
	s.churned = e == churned
	v := p.viewers.pick(r)
	s.hoursPrev = max(normal(r, v.mean, v.sd), 0)
	ratio := max(normal(r, p.ratioMean, p.ratioSD), 0)
	s.daysSinceLogin = min(p.loginBase+geometric(r, p.loginReturn, 90), tenure)
	if s.daysSinceLogin < 30 {
		s.hours30 = s.hoursPrev * ratio / 1000
	}
	if s.hours30 > 0 {
		s.sessions = max(1, s.hours30/between(r, 8, 25)) // sessions last 0.8–2.5 h
	}

	// The latent previous rate drives this month's even when the exported
	// value is missing (1%, at random).
	prev := min(max(normal(r, 700, 120), 50), 1000)
	s.completionLatent = prev
	s.completionPrev, s.completion30 = -1, -1
	if s.hoursPrev > 0 && !chance(r, 10) {
		s.completionPrev = prev
	}
	if s.hours30 > 0 { // nothing watched means no completion rate at all
		s.completion30 = min(max(normal(r, prev+p.completionShift, p.complSD), 0), 1000)
	}
	s.tickets = p.tickets.pick(r)
}
