package consent

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/segscope/segscope/query"
)

// What ad platforms ask beyond one channel's consent. Google's EU user consent
// policy (Consent Mode v2) needs both ad_user_data (sending the person's data to
// Google) and ad_personalization (using it for personalised ads) granted before a
// person of the EEA or the UK is uploaded for customer match. California's CCPA
// as amended by the CPRA makes a Global Privacy Control signal, or any
// do-not-sell-or-share request, an opt-out of sharing for cross-context
// advertising: such a person stays out of ads whatever they granted.

// DoNotSell is the reason a California resident who asked not to have their data
// sold or shared (a Global Privacy Control signal, a do-not-sell flag) is kept
// out of an ads channel or an ad platform's file.
const DoNotSell State = "do_not_sell"

// AdConsentIncomplete is the reason a person of the EU/EEA or the UK is kept out
// of a Google customer-match file: of the two consents Google needs there
// (ad_user_data and ad_personalization) at least one is not granted.
const AdConsentIncomplete State = "ad_consent_incomplete"

// The channel names Google's two consents go by when the policy does not map
// them; ads_personalization is what segscope has gated customer-match files on.
const (
	AdUserDataChannel = "ad_user_data"
	// AdPersonalizationChannel is Google's name; DefaultAdsChannel the one
	// segscope's sample and earlier setups record.
	AdPersonalizationChannel = "ad_personalization"
	DefaultAdsChannel        = "ads_personalization"
)

// doNotSellNames are the column names a do-not-sell-or-share flag goes by, best first.
var doNotSellNames = []string{"gpc", "sec_gpc", "global_privacy_control", "do_not_sell", "do_not_sell_or_share",
	"do_not_share", "dns", "ccpa_opt_out", "opt_out_of_sale", "dnsmpi"}

// Reasons lists the reasons among counts, in the order people read them: the
// suppression lists first (nothing overrides them), then the consent states,
// then what ad platforms require. Only the reasons present in counts, and every
// consent state, are listed.
func Reasons(counts map[State]int64) []State {
	var out []State
	if _, ok := counts[Suppressed]; ok {
		out = append(out, Suppressed)
	}
	out = append(out, States...)
	for _, r := range []State{DoNotSell, AdConsentIncomplete} {
		if _, ok := counts[r]; ok {
			out = append(out, r)
		}
	}
	return out
}

// AdChannels names the channels of a table's consent data that record Google's
// two consents: those the policy maps, else ad_user_data and ad_personalization
// (ads_personalization when the data records no ad_personalization).
func (s *Service) AdChannels(ctx context.Context, table string) (personalization, userData string, err error) {
	p, err := s.plan(ctx, table)
	if err != nil {
		return "", "", err
	}
	personalization, userData, _, err = s.adChannels(ctx, p)
	return personalization, userData, err
}

// adChannels resolves the policy's ad channels and lists the channels the
// consent data records.
func (s *Service) adChannels(ctx context.Context, p *plan) (personalization, userData string, known []string, err error) {
	if p.Layout == Long && p.words != nil {
		// The events' vocabulary knows their channels: no pass over the events.
		known = p.words.allChannels()
	} else if known, err = s.knownChannels(ctx, p); err != nil {
		return "", "", nil, err
	}
	personalization, userData = p.Policy.AdPersonalization, p.Policy.AdUserData
	if personalization == "" {
		personalization = DefaultAdsChannel
		if slices.Contains(known, AdPersonalizationChannel) {
			personalization = AdPersonalizationChannel
		}
	}
	if userData == "" {
		userData = AdUserDataChannel
	}
	return personalization, userData, known, nil
}

// adsRules works out what a gate or a count must add for ads: the
// do-not-sell flag (on the channels that are ads, or on every channel when the
// population goes to an ad platform) and, for Google customer match, the other
// of Google's two consents for the EU/EEA and the UK when the data records both.
// It says in plain words what it applied, for the manifest.
func (s *Service) adsRules(ctx context.Context, p *plan, pop Population, channels []string) (adsSpec, error) {
	var a adsSpec
	if p.Policy.DoNotSellColumn == "" && !pop.Google {
		return a, nil
	}
	personalization, userData, known, err := s.adChannels(ctx, p)
	if err != nil {
		return a, err
	}
	if col := p.Policy.DoNotSellColumn; col != "" {
		a.doNotSell = truthySQL("m."+query.QuoteIdent(col), p.audience[col])
		a.adsChannels = []string{personalization, userData}
		if !slices.Contains(a.adsChannels, DefaultAdsChannel) {
			a.adsChannels = append(a.adsChannels, DefaultAdsChannel)
		}
		a.everyChannel = pop.Ads || pop.Google
		if a.everyChannel || slices.ContainsFunc(channels, func(c string) bool { return slices.Contains(a.adsChannels, c) }) {
			a.Rules = append(a.Rules, "a California resident flagged in "+col+" (Global Privacy Control or do-not-sell-or-share) is left out as "+string(DoNotSell))
		}
	}
	if pop.Google && slices.Contains(known, personalization) && slices.Contains(known, userData) {
		for _, c := range []string{userData, personalization} {
			if !slices.Contains(channels, c) {
				a.alsoGranted = append(a.alsoGranted, c)
			}
		}
		a.Rules = append(a.Rules, "in the EU/EEA and the UK, Google customer match needs both "+userData+" and "+personalization+
			" granted: a person without both is left out as "+string(AdConsentIncomplete))
	}
	return a, nil
}

// adsSpec is what adsRules adds to the states query.
type adsSpec struct {
	// doNotSell is a predicate over the audience row (alias m) that the person
	// asked not to have their data sold or shared; "" without such a column.
	doNotSell string
	// adsChannels are the channels on which doNotSell applies; everyChannel
	// applies it on all of them (the people go to an ad platform).
	adsChannels  []string
	everyChannel bool
	// alsoGranted are channels that must be granted too for the EU/EEA and UK.
	alsoGranted []string
	// Rules says in plain words what was applied.
	Rules []string
}

// withheld is the reason, ahead of a grant, that the ads rules keep a row of
// the states query out: a CASE's WHEN branches over the facts' columns
// (jurisdiction, channel, dns, and the also-granted subqueries).
func (a adsSpec) withheld(p *plan, spec statesSpec) string {
	var b strings.Builder
	if a.doNotSell != "" {
		on := "true"
		if !a.everyChannel {
			on = "channel IN (" + strings.Join(quoted(a.adsChannels), ", ") + ")"
		}
		b.WriteString(" WHEN dns AND jurisdiction = '" + string(USCalifornia) + "' AND " + on + " THEN '" + string(DoNotSell) + "'")
	}
	for _, c := range a.alsoGranted {
		other := p.statesSQL(statesSpec{where: spec.where, channels: []string{c}, now: spec.now, narrow: spec.narrow})
		b.WriteString(" WHEN jurisdiction IN ('" + string(EU) + "', '" + string(UK) + "') AND person NOT IN (SELECT person FROM (" +
			other + ") WHERE state = '" + string(Granted) + "') THEN '" + string(AdConsentIncomplete) + "'")
	}
	return b.String()
}

// truthySQL is whether a flag column is set: a boolean true, or a word that
// grants (yes, true, 1, ...). Anything else, and an empty cell, is not set.
func truthySQL(expr, duckType string) string {
	if strings.EqualFold(duckType, "BOOLEAN") {
		return "coalesce(" + expr + ", false)"
	}
	return "coalesce(" + severitySQL(expr) + " = " + strconv.Itoa(int(severityGranted)) + ", false)"
}

// checkAds validates the policy's ads settings against the audience table.
func checkAds(p *Policy, audience columnSet) error {
	for _, c := range []*string{&p.AdPersonalization, &p.AdUserData} {
		if *c == "" {
			continue
		}
		*c = channelName(*c)
		if !channelPattern.MatchString(*c) {
			return fmt.Errorf("ad channel %q: use lowercase letters, digits and _", *c)
		}
	}
	if p.AdPersonalization != "" && p.AdPersonalization == p.AdUserData {
		return fmt.Errorf("ad_user_data and ad_personalization are two consents: map them to two channels, not both to %s", p.AdUserData)
	}
	return audience.need(p.DoNotSellColumn, "do-not-sell")
}
