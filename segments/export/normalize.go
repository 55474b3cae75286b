package export

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	ident "github.com/segscope/segscope/segments/identifier"
)

// The normalizations below are what Google Ads and Meta ask for before hashing, so
// that the same person hashes to the same value on both sides. Each returns the
// normalized value and whether it is usable; an empty input is "missing", a
// non-empty one that cannot be normalized is "invalid", and both are counted.

// The email and phone rules are segments/identifier's, which suppression lists
// share: a person is recognised by the same value in both.
var (
	email       = ident.Email
	e164        = ident.E164
	countryCode = ident.CountryCode
)

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
