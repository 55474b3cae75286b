package export

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/segscope/segscope/query"
)

// flagWords mark a column about personal data rather than holding it:
// email_opt_in, phone_verified, email_domain.
var flagWords = map[string]bool{
	"opt": true, "optin": true, "optout": true, "consent": true, "subscribed": true, "verified": true,
	"valid": true, "status": true, "count": true, "domain": true, "is": true, "has": true, "type": true,
}

// piiWords are whole words that make a column personal data.
var piiWords = map[string]bool{
	"email": true, "mail": true, "phone": true, "mobile": true, "msisdn": true, "telephone": true, "tel": true,
	"address": true, "street": true, "addr": true, "zip": true, "zipcode": true, "postcode": true, "postal": true,
	"ip": true, "ipv4": true, "ipv6": true, "name": true, "surname": true, "firstname": true, "lastname": true,
	"fullname": true, "birth": true, "birthdate": true, "dob": true, "birthday": true, "ssn": true, "passport": true,
}

// namesNotPersons are "name" columns that name things, not people.
var namesNotPersons = map[string]bool{
	"plan": true, "product": true, "channel": true, "campaign": true, "file": true, "table": true, "company": true,
	"brand": true, "device": true, "genre": true, "country": true, "city": true, "region": true, "state": true,
}

// isPII reports whether a column's name says it holds personal data. An export
// without a consent channel leaves these out unless they are asked for by name.
func isPII(column string) bool {
	words := splitWords(column)
	for _, w := range words {
		if flagWords[w] {
			return false
		}
	}
	for i, w := range words {
		if strings.Contains(w, "email") || strings.Contains(w, "phone") {
			return true
		}
		if !piiWords[w] {
			continue
		}
		if w == "name" && i > 0 && namesNotPersons[words[i-1]] {
			continue
		}
		return true
	}
	return false
}

// splitWords breaks snake_case, kebab-case, spaced and camelCase names into
// lower-case words.
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(s)
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

// chooseColumns resolves the requested columns against the table. The key always
// comes first. With no request every column goes, except personal data when the
// export has no consent channel; those are returned as withheld.
func chooseColumns(cols []query.Column, key string, requested []string, channel string) (chosen, withheld []string, err error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	chosen = []string{key}
	if len(requested) == 0 {
		for _, name := range names {
			switch {
			case name == key:
			case channel == "" && isPII(name):
				withheld = append(withheld, name)
			default:
				chosen = append(chosen, name)
			}
		}
		return chosen, withheld, nil
	}
	for _, r := range requested {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !slices.Contains(names, r) {
			return nil, nil, unknownColumn(r, names)
		}
		if !slices.Contains(chosen, r) {
			chosen = append(chosen, r)
		}
	}
	return chosen, nil, nil
}

func unknownColumn(name string, names []string) error {
	if c := closest(name, names); c != "" {
		return fmt.Errorf("no column %q (did you mean %q?)", name, c)
	}
	return fmt.Errorf("no column %q (columns: %s)", name, strings.Join(names, ", "))
}

// closest returns the candidate most likely meant by name, or "" when none is
// within a third of its length in edits, ignoring case.
func closest(name string, candidates []string) string {
	n := utf8.RuneCountInString(name)
	if n > 64 {
		return ""
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		if d := distance(strings.ToLower(name), strings.ToLower(c)); bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" && bestDist <= max(1, n/3) {
		return best
	}
	return ""
}

// distance is the Levenshtein distance with adjacent transpositions counted as one
// edit (optimal string alignment): swapped letters are the commonest typo.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	rows := [3][]int{make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		prev2, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, prev2
	}
	return rows[1][len(rb)]
}
