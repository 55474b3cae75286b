package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/rule"
)

// contactColumn reports whether a column of personal data of the given kind
// is how a channel reaches a person.
func contactColumn(channel string, kind pii.Kind) bool {
	switch channel {
	case "email":
		return kind == pii.Email
	case "sms":
		return kind == pii.Phone
	}
	return false
}

// chooseColumns resolves the requested columns against the table. The key always
// comes first. With no request every column goes except personal data (personal,
// by name or by content: see query.Workspace.PersonalData), which is returned as
// withheld, but for the contact column the channel needs (the email address of an
// email export, the phone number of an SMS one): data minimization.
func chooseColumns(cols []query.Column, personal map[string]pii.Kind, key string, requested []string, channel string) (chosen, withheld []string, err error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	chosen = []string{key}
	if len(requested) == 0 {
		for _, name := range names {
			switch {
			case name == key:
			case personal[name] != pii.None && !contactColumn(channel, personal[name]):
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
