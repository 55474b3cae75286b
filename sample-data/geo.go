package sampledata

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

type country struct {
	eu bool
	// names mixes naming traditions: subscribers are rarely all one culture.
	names   dist[*namePool]
	domains dist[string]
	// priceDelta is the regional list-price adjustment in cents.
	priceDelta int
	phone      func(r *rand.Rand, state string) string
}

type pool = option[*namePool]

// commonDomains is shared by every country; the googlemail.com and dotted
// gmail.com addresses let exports test provider-aware normalisation, and the
// example.* domains (RFC 2606) are guaranteed to be unroutable.
var commonDomains = []opt{
	{"gmail.com", 34}, {"outlook.com", 13}, {"hotmail.com", 8}, {"yahoo.com", 11},
	{"icloud.com", 9}, {"googlemail.com", 3}, {"example.com", 6}, {"example.org", 3},
	{"example.net", 2},
}

func domains(local ...opt) dist[string] {
	return newDist(append(local, commonDomains...)...)
}

var countries = map[string]*country{
	"US": {names: newDist(pool{anglo, 60}, pool{hispanic, 18}, pool{eastAsian, 8}, pool{panAfricanArab, 6}, pool{indian, 4}, pool{irish, 2}, pool{italian, 2}),
		domains: domains(opt{"aol.com", 2}, opt{"comcast.net", 2}), phone: usPhone},
	"CA": {priceDelta: 100, names: newDist(pool{anglo, 60}, pool{french, 15}, pool{eastAsian, 10}, pool{indian, 10}, pool{hispanic, 5}),
		domains: domains(opt{"shaw.ca", 2}), phone: canadianPhone},
	"GB": {priceDelta: -100, names: newDist(pool{anglo, 70}, pool{irish, 6}, pool{indian, 10}, pool{panAfricanArab, 8}, pool{polish, 3}, pool{eastAsian, 3}),
		domains: domains(opt{"googlemail.com", 9}, opt{"yahoo.co.uk", 6}, opt{"btinternet.com", 4}), phone: ukPhone},
	"IE": {eu: true, names: newDist(pool{irish, 70}, pool{anglo, 20}, pool{polish, 10}),
		domains: domains(opt{"eircom.net", 3}), phone: syntheticPhone("353")},
	"DE": {eu: true, names: newDist(pool{german, 80}, pool{polish, 5}, pool{panAfricanArab, 7}, pool{italian, 4}, pool{anglo, 4}),
		domains: domains(opt{"googlemail.com", 10}, opt{"gmx.de", 12}, opt{"web.de", 10}, opt{"t-online.de", 4}), phone: syntheticPhone("49")},
	"AT": {eu: true, names: newDist(pool{german, 90}, pool{polish, 4}, pool{italian, 6}),
		domains: domains(opt{"gmx.at", 8}), phone: syntheticPhone("43")},
	"FR": {eu: true, names: newDist(pool{french, 80}, pool{panAfricanArab, 12}, pool{lusophone, 4}, pool{italian, 4}),
		domains: domains(opt{"orange.fr", 8}, opt{"free.fr", 5}, opt{"laposte.net", 3}), phone: syntheticPhone("33")},
	"BE": {eu: true, names: newDist(pool{french, 45}, pool{dutch, 45}, pool{panAfricanArab, 10}),
		domains: domains(opt{"skynet.be", 4}), phone: syntheticPhone("32")},
	"NL": {eu: true, names: newDist(pool{dutch, 80}, pool{panAfricanArab, 8}, pool{anglo, 6}, pool{polish, 6}),
		domains: domains(opt{"ziggo.nl", 5}, opt{"kpnmail.nl", 3}), phone: syntheticPhone("31")},
	"ES": {eu: true, names: newDist(pool{hispanic, 90}, pool{panAfricanArab, 5}, pool{lusophone, 5}),
		domains: domains(opt{"telefonica.net", 3}), phone: syntheticPhone("34")},
	"IT": {eu: true, names: newDist(pool{italian, 92}, pool{panAfricanArab, 4}, pool{hispanic, 4}),
		domains: domains(opt{"libero.it", 8}, opt{"virgilio.it", 3}), phone: syntheticPhone("39")},
	"PT": {eu: true, names: newDist(pool{lusophone, 95}, pool{hispanic, 5}),
		domains: domains(opt{"sapo.pt", 6}), phone: syntheticPhone("351")},
	"SE": {eu: true, priceDelta: 100, names: newDist(pool{nordic, 88}, pool{panAfricanArab, 6}, pool{polish, 6}),
		domains: domains(opt{"telia.com", 3}), phone: swedishPhone},
	"DK": {eu: true, priceDelta: 100, names: newDist(pool{nordic, 90}, pool{german, 5}, pool{panAfricanArab, 5}),
		domains: domains(opt{"mail.dk", 3}), phone: syntheticPhone("45")},
	"FI": {eu: true, names: newDist(pool{nordic, 95}, pool{anglo, 5}),
		domains: domains(opt{"elisanet.fi", 3}), phone: syntheticPhone("358")},
	"PL": {eu: true, priceDelta: -200, names: newDist(pool{polish, 95}, pool{german, 5}),
		domains: domains(opt{"wp.pl", 8}, opt{"onet.pl", 6}), phone: syntheticPhone("48")},
	"AU": {priceDelta: 100, names: newDist(pool{anglo, 70}, pool{eastAsian, 12}, pool{italian, 6}, pool{indian, 6}, pool{irish, 6}),
		domains: domains(opt{"bigpond.com", 4}), phone: australianPhone},
	"BR": {priceDelta: -200, names: newDist(pool{lusophone, 85}, pool{italian, 5}, pool{japanese, 5}, pool{hispanic, 5}),
		domains: domains(opt{"uol.com.br", 6}, opt{"bol.com.br", 3}), phone: syntheticPhone("55")},
	"MX": {priceDelta: -200, names: newDist(pool{hispanic, 97}, pool{anglo, 3}),
		domains: domains(opt{"prodigy.net.mx", 3}), phone: syntheticPhone("52")},
	"IN": {priceDelta: -200, names: newDist(pool{indian, 97}, pool{anglo, 3}),
		domains: domains(opt{"rediffmail.com", 5}), phone: syntheticPhone("91")},
	"JP": {priceDelta: 100, names: newDist(pool{japanese, 97}, pool{anglo, 3}),
		domains: domains(opt{"yahoo.co.jp", 10}, opt{"docomo.ne.jp", 4}), phone: syntheticPhone("81")},
}

// subscriberCountries: about 40% US, 10% GB, a third EU and the rest spread
// over other markets.
var subscriberCountries = newDist(
	opt{"US", 400}, opt{"GB", 100},
	opt{"DE", 75}, opt{"FR", 60}, opt{"ES", 45}, opt{"IT", 45}, opt{"PL", 25},
	opt{"NL", 22}, opt{"SE", 14}, opt{"BE", 12}, opt{"IE", 10}, opt{"AT", 10},
	opt{"PT", 9}, opt{"DK", 7}, opt{"FI", 6},
	opt{"CA", 45}, opt{"AU", 30}, opt{"BR", 30}, opt{"IN", 25}, opt{"JP", 15}, opt{"MX", 15},
)

// usStates roughly follows population, which puts California near 15% of
// US rows (the CCPA segment).
var usStates = newDist(
	opt{"CA", 150}, opt{"TX", 95}, opt{"FL", 70}, opt{"NY", 62}, opt{"PA", 39},
	opt{"IL", 38}, opt{"OH", 35}, opt{"GA", 33}, opt{"NC", 33}, opt{"MI", 30},
	opt{"NJ", 28}, opt{"VA", 26}, opt{"WA", 24}, opt{"AZ", 22}, opt{"MA", 21},
	opt{"TN", 21}, opt{"IN", 20}, opt{"MO", 18}, opt{"MD", 18}, opt{"WI", 17},
	opt{"CO", 17}, opt{"MN", 17}, opt{"SC", 16}, opt{"AL", 15}, opt{"LA", 14},
	opt{"KY", 13}, opt{"OR", 13}, opt{"OK", 12}, opt{"CT", 11}, opt{"UT", 10},
	opt{"IA", 9}, opt{"NV", 9}, opt{"AR", 9}, opt{"MS", 9}, opt{"KS", 9},
	opt{"NM", 6}, opt{"NE", 6}, opt{"ID", 6}, opt{"WV", 5}, opt{"HI", 4},
	opt{"NH", 4}, opt{"ME", 4}, opt{"MT", 3}, opt{"RI", 3}, opt{"DE", 3},
	opt{"SD", 3}, opt{"ND", 2}, opt{"AK", 2}, opt{"DC", 2}, opt{"VT", 2}, opt{"WY", 2},
)

// usAreaCodes ties numbers to the subscriber's state where that is cheap;
// other states draw from otherAreaCodes.
var usAreaCodes = map[string][]int{
	"CA": {415, 213, 310, 408, 619, 916},
	"TX": {512, 214, 713, 210},
	"FL": {305, 407, 813},
	"NY": {212, 718, 917, 716},
	"IL": {312, 773},
	"WA": {206, 509},
	"MA": {617, 508},
	"GA": {404, 678},
}

var (
	otherAreaCodes    = []int{202, 303, 480, 503, 602, 615, 702, 801, 919, 971}
	canadianAreaCodes = []int{416, 647, 613, 604, 514, 403}
)

func usPhone(r *rand.Rand, state string) string {
	codes, ok := usAreaCodes[state]
	if !ok {
		codes = otherAreaCodes
	}
	return nanpPhone(r, codes)
}

func canadianPhone(r *rand.Rand, _ string) string {
	return nanpPhone(r, canadianAreaCodes)
}

// nanpPhone uses 555-0100…0199, the only 555 block reserved for fiction in
// every North American area code.
func nanpPhone(r *rand.Rand, codes []int) string {
	area, line := codes[r.IntN(len(codes))], 100+r.IntN(100)
	switch n := r.IntN(20); {
	case n < 9:
		return fmt.Sprintf("(%d) 555-%04d", area, line)
	case n < 15:
		return fmt.Sprintf("+1%d555%04d", area, line)
	case n < 18:
		return fmt.Sprintf("%d-555-%04d", area, line)
	default:
		return fmt.Sprintf("%d.555.%04d", area, line)
	}
}

// ukPhone uses Ofcom's drama ranges: mobile 07700 900xxx, Liverpool
// 0151 496 0xxx and London 020 7946 0xxx.
func ukPhone(r *rand.Rand, _ string) string {
	n := r.IntN(1000)
	switch k := r.IntN(10); {
	case k < 5:
		return fmt.Sprintf("+447700900%03d", n)
	case k < 8:
		return fmt.Sprintf("07700 900%03d", n)
	case k < 9:
		return fmt.Sprintf("0151 496 0%03d", n)
	default:
		return fmt.Sprintf("020 7946 0%03d", n)
	}
}

// swedishPhone uses PTS's fiction range 070-174 06 05 … 070-174 06 99.
func swedishPhone(r *rand.Rand, _ string) string {
	n := between(r, 5, 99)
	if chance(r, 500) {
		return fmt.Sprintf("+467017406%02d", n)
	}
	return fmt.Sprintf("070-174 06 %02d", n)
}

// australianPhone uses ACMA's fiction range (02) 5550 xxxx.
func australianPhone(r *rand.Rand, _ string) string {
	n := r.IntN(10000)
	if chance(r, 500) {
		return fmt.Sprintf("+6125550%04d", n)
	}
	return fmt.Sprintf("(02) 5550 %04d", n)
}

// syntheticPhone serves countries without a published fiction range. The
// subscriber part copies the NANP 555-01xx pattern so the number is
// recognisably fake; never dial it.
func syntheticPhone(cc string) func(*rand.Rand, string) string {
	return func(r *rand.Rand, _ string) string {
		return "+" + cc + "55501" + strconv.Itoa(between(r, 10000, 99999))
	}
}
