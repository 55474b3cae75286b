// Package identifier puts the identifiers people are matched by (emails, phone
// numbers) in one form, so that the same person gives the same value wherever
// they are read: customer-match files hash them for ad platforms, suppression
// lists hash them to recognise someone without keeping their data.
package identifier

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Each function returns the normalized value and whether it is usable: an empty
// input is "missing", a non-empty one that cannot be normalized is "invalid".

// Email trims and lower-cases an address and checks its shape: one @, a non-empty
// local part, a dotted domain, no spaces. Google also drops the dots of a Gmail
// local part, because Gmail ignores them (dropGmailDots).
func Email(raw string, dropGmailDots bool) (string, bool) {
	e := strings.ToLower(strings.TrimSpace(raw))
	at := strings.IndexByte(e, '@')
	if at <= 0 || strings.Count(e, "@") != 1 || strings.ContainsFunc(e, unicode.IsSpace) {
		return "", false
	}
	local, domain := e[:at], e[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || dot == len(domain)-1 {
		return "", false
	}
	if dropGmailDots && (domain == "gmail.com" || domain == "googlemail.com") {
		local = strings.ReplaceAll(local, ".", "")
		if local == "" {
			return "", false
		}
	}
	return local + "@" + domain, true
}

// E164 parses a phone number with libphonenumber's rules, taking country as the
// region when the number has no country code, and keeps it only if it is a valid
// number for its region.
func E164(raw, country string) (string, bool) {
	if strings.TrimSpace(raw) == "" {
		return "", false
	}
	region := strings.ToUpper(strings.TrimSpace(country))
	if region == "UK" {
		region = "GB"
	}
	n, err := phonenumbers.Parse(raw, region)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

// CountryCode is a two-letter ISO code, upper-cased (UK becomes GB).
func CountryCode(raw string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(raw))
	if c == "UK" {
		c = "GB"
	}
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return "", false
	}
	return c, true
}
