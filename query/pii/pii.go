// Package pii decides which columns hold personal data and how their values are
// masked on screen. Masks keep just enough to recognise a value (the email's
// domain, a phone's last digits, an initial) and never reveal its length.
package pii

import (
	"regexp"
	"strings"

	"github.com/segscope/segscope/query/colname"
)

// Kind is the sort of personal data in a column; None means not personal.
type Kind int

const (
	None Kind = iota
	Email
	Phone
	Name
	Address
	Postcode
	IP
	// Identity is what identifies a person on its own: date of birth, national
	// and passport numbers.
	Identity
)

func (k Kind) String() string {
	return [...]string{"", "email", "phone", "name", "address", "postcode", "ip address", "identity"}[k]
}

const dots = "••••"

// flagWords mark a column about personal data rather than of it:
// email_opt_in, phone_verified, email_domain.
var flagWords = map[string]bool{
	"opt": true, "optin": true, "optout": true, "consent": true, "subscribed": true, "verified": true,
	"valid": true, "status": true, "count": true, "domain": true, "is": true, "has": true, "type": true,
}

// ForColumn classifies a column by its name and type: only text and whole
// numbers (phones and postcodes stored as integers) can hold personal data.
func ForColumn(name, duckType string) Kind {
	t := strings.ToUpper(duckType)
	for _, p := range []string{"BOOL", "DATE", "TIME", "DOUBLE", "FLOAT", "REAL", "DECIMAL", "INTERVAL"} {
		if strings.HasPrefix(t, p) {
			return None
		}
	}
	return FromName(name)
}

// FromName classifies a column by its name. Words are compared whole, so
// "ship_date" is not an IP address and "plan_name" is not a person's name.
func FromName(column string) Kind {
	words := colname.Words(column)
	joined := strings.Join(words, "")
	has := func(w string) bool {
		for _, x := range words {
			if x == w {
				return true
			}
		}
		return false
	}
	for _, w := range words {
		if flagWords[w] {
			return None
		}
	}
	switch {
	case strings.Contains(joined, "email") || has("mail"):
		return Email
	case has("phone") || has("mobile") || has("msisdn") || has("tel") || strings.Contains(joined, "phone"):
		return Phone
	case has("ip") || strings.Contains(joined, "ipaddress") || has("ipv4") || has("ipv6"):
		return IP
	case has("zip") || has("zipcode") || has("postcode") || has("postal"):
		return Postcode
	case has("address") || has("street") || has("addr"):
		return Address
	case isPersonName(words, joined):
		return Name
	case has("birth") || has("birthdate") || has("birthday") || has("dob") || has("ssn") || has("passport"):
		return Identity
	}
	return None
}

func isPersonName(words []string, joined string) bool {
	if joined == "name" || joined == "surname" || joined == "firstname" || joined == "lastname" || joined == "fullname" {
		return true
	}
	for i, w := range words {
		if w != "name" || i == 0 {
			continue
		}
		switch words[i-1] {
		case "first", "last", "full", "given", "family", "middle", "sur", "maiden", "display", "contact", "customer", "person":
			return true
		}
	}
	return false
}

var (
	emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`)
	phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 ().\-]{6,}[0-9]$`)
	ipv4Re  = regexp.MustCompile(`^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$`)
)

// FromValues classifies a text column by what it holds: when most of the
// sampled non-empty values look like emails, phone numbers or IP addresses.
func FromValues(values []string) Kind {
	var n, email, phone, ip int
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		n++
		switch {
		case emailRe.MatchString(v):
			email++
		case ipv4Re.MatchString(v):
			ip++
		case phoneRe.MatchString(v) && digits(v) >= 7:
			phone++
		}
	}
	if n < 3 {
		return None
	}
	switch {
	case email*2 > n:
		return Email
	case ip*2 > n:
		return IP
	case phone*2 > n:
		return Phone
	}
	return None
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// Mask hides a value of the given kind. Empty values stay empty so a missing
// value is still visibly missing.
func Mask(k Kind, v string) string {
	if k == None || v == "" {
		return v
	}
	switch k {
	case Email:
		at := strings.LastIndexByte(v, '@')
		if at <= 0 {
			return initial(v) + dots
		}
		return initial(v) + dots + v[at:]
	case Phone:
		d := make([]rune, 0, len(v))
		for _, r := range v {
			if r >= '0' && r <= '9' {
				d = append(d, r)
			}
		}
		if len(d) < 8 {
			return dots
		}
		return dots + " " + string(d[len(d)-4:])
	case IP:
		if i := strings.LastIndexAny(v, ".:"); i > 0 {
			return "•••" + v[i:]
		}
		return dots
	case Postcode:
		r := []rune(v)
		if len(r) > 2 {
			return string(r[:2]) + "•••"
		}
		return "•••"
	}
	return initial(v) + "•••"
}

func initial(v string) string {
	for _, r := range v {
		return string(r)
	}
	return ""
}
