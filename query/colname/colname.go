// Package colname reads meaning into column names: it splits them into words the
// same way for every caller (personal-data detection, key detection, template roles).
package colname

import (
	"strings"
	"unicode"
)

// Words splits a column name into lower-case words: "Days Since Login",
// days_since_login and daysSinceLogin all give days, since, login.
func Words(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(runes[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}
