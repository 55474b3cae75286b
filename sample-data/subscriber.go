package sampledata

import (
	"math/rand/v2"
	"strconv"
)

// minorAge is the age below which a subscriber counts as a minor: 16 is the
// GDPR Art. 8 default and the CCPA opt-in age (COPPA's line is 13).
const minorAge = 16

// signupSpan is the number of days signups spread over; every signup is at
// least minTenure days old so both 30-day viewing windows are complete.
const (
	minTenure  = 60
	signupSpan = 6*365 - minTenure
)

var subscriberHeader = []string{
	"subscriber_id", "email", "first_name", "last_name", "phone", "country", "state",
	"age", "parental_consent", "signup_date", "plan", "monthly_price", "billing_cycle",
	"devices", "primary_device", "favorite_genre",
	"watch_hours_30d", "watch_hours_prev_30d", "completion_rate_30d", "completion_rate_prev_30d",
	"days_since_login", "sessions_30d", "support_tickets_90d", "acquisition_channel", "churned",
}

type subscriber struct {
	id                 int
	email, phone       string
	first, last        string
	country, state     string
	eu                 bool
	age                int
	parentalConsent    string // "true"/"false" for minors, empty for adults
	signup             int64  // Unix seconds
	plan, channel      string
	priceCents         int
	annual             bool
	devices            int
	primaryDevice      string
	genre              string
	hours30, hoursPrev int // tenths of an hour
	// Completion rates are in thousandths; -1 marks a missing value.
	completion30, completionPrev int
	// completionLatent is last month's rate even where the exported one is
	// missing; the viewing events follow it.
	completionLatent                  int
	daysSinceLogin, sessions, tickets int
	churned                           bool
}

var (
	acquisitionChannels = newDist(opt{"organic", 30}, opt{"paid_search", 20}, opt{"social", 18},
		opt{"referral", 12}, opt{"partner_bundle", 10}, opt{"tv_ad", 10})
	adultPlans = newDist(opt{"basic", 20}, opt{"standard", 33}, opt{"premium", 18},
		opt{"family", 11}, opt{"ad_supported", 18})
	// Partners bundle their cheapest tiers.
	bundlePlans = newDist(opt{"basic", 15}, opt{"standard", 35}, opt{"premium", 10},
		opt{"family", 5}, opt{"ad_supported", 35})
	// A minor's profile usually hangs off a parent's family plan.
	minorPlans = newDist(opt{"basic", 10}, opt{"standard", 20}, opt{"premium", 10},
		opt{"family", 45}, opt{"ad_supported", 15})
	adultDevices = newDist(opt{"tv", 44}, opt{"mobile", 26}, opt{"web", 13},
		opt{"tablet", 10}, opt{"console", 7})
	minorDevices = newDist(opt{"tablet", 35}, opt{"tv", 25}, opt{"mobile", 20},
		opt{"console", 15}, opt{"web", 5})
	adultGenres = newDist(opt{"drama", 20}, opt{"comedy", 17}, opt{"documentary", 9},
		opt{"kids", 4}, opt{"sci-fi", 10}, opt{"thriller", 12}, opt{"reality", 9},
		opt{"sports", 8}, opt{"anime", 5}, opt{"horror", 6})
	familyGenres = newDist(opt{"kids", 30}, opt{"drama", 14}, opt{"comedy", 16},
		opt{"documentary", 8}, opt{"sci-fi", 7}, opt{"thriller", 7}, opt{"reality", 7},
		opt{"sports", 6}, opt{"anime", 3}, opt{"horror", 2})
	childGenres = newDist(opt{"kids", 70}, opt{"anime", 10}, opt{"comedy", 12},
		opt{"sci-fi", 5}, opt{"sports", 3})
	teenGenres = newDist(opt{"anime", 22}, opt{"comedy", 20}, opt{"kids", 15},
		opt{"sci-fi", 12}, opt{"horror", 8}, opt{"sports", 8}, opt{"reality", 8}, opt{"drama", 7})
)

var planPriceCents = map[string]int{
	"basic": 699, "standard": 1199, "premium": 1799, "family": 2299, "ad_supported": 499,
}

// planDevices bounds the number of registered devices per plan.
var planDevices = map[string][2]int{
	"basic": {1, 2}, "ad_supported": {1, 2}, "standard": {1, 4}, "premium": {2, 5}, "family": {3, 6},
}

// newSubscriber fills s with subscriber id, drawing everything from r in a
// fixed order; asOf is the reference midnight in Unix seconds.
func newSubscriber(r *rand.Rand, id int, asOf int64, s *subscriber) {
	*s = subscriber{id: id, country: subscriberCountries.pick(r)}
	c := countries[s.country]
	s.eu = c.eu
	if s.country == "US" {
		s.state = usStates.pick(r)
	}
	p := c.names.pick(r).pick(r)
	s.first, s.last = p.first, p.last
	s.age = age(r)
	switch {
	case s.age < 13:
		s.parentalConsent = strconv.FormatBool(chance(r, 850))
	case s.age < minorAge:
		s.parentalConsent = strconv.FormatBool(chance(r, 700))
	}

	// The minimum of two uniforms favours recent signups, like a growing service.
	tenure := minTenure + min(r.IntN(signupSpan), r.IntN(signupSpan))
	s.signup = asOf - int64(tenure)*day + r.Int64N(day)
	s.channel = acquisitionChannels.pick(r)
	switch {
	case s.age < minorAge:
		s.plan = minorPlans.pick(r)
	case s.channel == "partner_bundle":
		s.plan = bundlePlans.pick(r)
	default:
		s.plan = adultPlans.pick(r)
	}
	annual := 250
	switch {
	case s.plan == "ad_supported":
		annual = 60
	case s.channel == "partner_bundle":
		annual = 100
	}
	s.annual = chance(r, annual)
	s.priceCents = planPriceCents[s.plan] + c.priceDelta
	if s.annual {
		s.priceCents -= 100 // monthly equivalent of the annual discount
	}
	s.priceCents = max(s.priceCents, 199)
	d := planDevices[s.plan]
	s.devices = between(r, d[0], d[1])
	if s.age < minorAge {
		s.primaryDevice = minorDevices.pick(r)
	} else {
		s.primaryDevice = adultDevices.pick(r)
	}
	s.genre = genre(r, s)

	s.behave(r, status(r, s, tenure), tenure)

	phoneMissing := 80
	if s.age < minorAge {
		phoneMissing = 350
	}
	if !chance(r, phoneMissing) {
		s.phone = c.phone(r, s.state)
	}
	s.email = email(r, p, id, c.domains)
}

// age draws about 2% under 13, 3% aged 13–15, 2% aged 16–17 and adults
// centred on the late thirties.
func age(r *rand.Rand) int {
	switch k := r.IntN(1000); {
	case k < 20:
		return between(r, 6, 12)
	case k < 50:
		return between(r, 13, 15)
	case k < 70:
		return between(r, 16, 17)
	}
	for {
		// Resampling instead of clamping avoids spikes at 18 and 80.
		if a := normal(r, 38, 14); a >= 18 && a <= 80 {
			return a
		}
	}
}

func genre(r *rand.Rand, s *subscriber) string {
	if chance(r, 20) {
		return "" // no stated preference
	}
	return genreMix(s).pick(r)
}

// genreMix is what a subscriber of s's age and plan tends to watch.
func genreMix(s *subscriber) dist[string] {
	switch {
	case s.age < 13:
		return childGenres
	case s.age < minorAge:
		return teenGenres
	case s.plan == "family":
		return familyGenres
	}
	return adultGenres
}

// appendRecord renders s in subscriberHeader order, reusing rec's storage.
func (s *subscriber) appendRecord(rec []string) []string {
	cycle := "monthly"
	if s.annual {
		cycle = "annual"
	}
	return append(rec[:0],
		strconv.Itoa(s.id), s.email, s.first, s.last, s.phone, s.country, s.state,
		strconv.Itoa(s.age), s.parentalConsent, date(s.signup), s.plan, fixed(s.priceCents, 2), cycle,
		strconv.Itoa(s.devices), s.primaryDevice, s.genre,
		fixed(s.hours30, 1), fixed(s.hoursPrev, 1), fixed(s.completion30, 3), fixed(s.completionPrev, 3),
		strconv.Itoa(s.daysSinceLogin), strconv.Itoa(s.sessions), strconv.Itoa(s.tickets),
		s.channel, strconv.FormatBool(s.churned),
	)
}
