package export

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// The normalizations below are what Google Ads and Meta ask for before hashing, so
// that the same person hashes to the same value on both sides. Each returns the
// normalized value and whether it is usable; an empty input is "missing", a
// non-empty one that cannot be normalized is "invalid", and both are counted.

// email trims and lower-cases an address and checks its shape: one @, a non-empty
// local part, a dotted domain, no spaces. Google also drops the dots of a Gmail
// local part, because Gmail ignores them.
func email(raw string, dropGmailDots bool) (string, bool) {
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

// googleName trims and lower-cases a name.
func googleName(raw string) (string, bool) {
	n := strings.ToLower(strings.TrimSpace(raw))
	return n, n != ""
}

// metaName keeps only letters, lower-cased: Meta wants a–z with no punctuation or
// spaces, and accented letters kept as UTF-8 ("O'Brien" → obrien, "José" → josé).
func metaName(raw string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToLower(raw) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String(), b.Len() > 0
}

// e164 parses a phone number with libphonenumber's rules, taking the row's country
// as the region when the number has no country code, and keeps it only if it is a
// valid number for its region.
func e164(raw, country string) (string, bool) {
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

// countryCode is a two-letter ISO code, upper-cased (UK becomes GB).
func countryCode(raw string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(raw))
	if c == "UK" {
		c = "GB"
	}
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return "", false
	}
	return c, true
}

// zip is a postal code, trimmed; its shape differs too much by country to check,
// but no postal code is a spreadsheet formula, and a Google Ads file carries the
// zip in the clear.
func zip(raw string) (string, bool) {
	z := strings.TrimSpace(raw)
	return z, z != "" && !formulaLike(z)
}

// splitName takes a full name's first and last words as first and last names.
func splitName(full string) (first, last string) {
	words := strings.Fields(full)
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return words[0], ""
	}
	return words[0], words[len(words)-1]
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
