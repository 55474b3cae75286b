package export

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/rule"
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

// contactColumn reports whether a column is how a channel reaches a person.
func contactColumn(channel, column string) bool {
	words := strings.Join(splitWords(column), "")
	switch channel {
	case "email":
		return strings.Contains(words, "email")
	case "sms":
		return strings.Contains(words, "phone") || strings.Contains(words, "mobile")
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
// comes first. With no request every column goes except personal data, which is
// returned as withheld, but for the contact column the channel needs (the email
// address of an email export, the phone number of an SMS one): data minimization.
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
			case isPII(name) && !contactColumn(channel, name):
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
	if c := rule.Closest(name, names); c != "" {
		return fmt.Errorf("no column %q (did you mean %q?)", name, c)
	}
	return fmt.Errorf("no column %q (columns: %s)", name, strings.Join(names, ", "))
}
