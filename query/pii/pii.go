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

// derived marks a value computed from personal data (upper(email),
// first_name||last_name) or whose source could not be traced. Its mask shows
// nothing of the value: a part-revealing mask is only safe on the value as stored
// (the "domain" of reverse(email) is the reversed local part).
const derived Kind = 1 << 8

// Derived is the kind of a value computed from personal data of kind k;
// Derived(None) is a value that may be personal data but whose source is unknown.
func Derived(k Kind) Kind { return k | derived }

// IsDerived reports whether k is a computed or untraced kind.
func (k Kind) IsDerived() bool { return k&derived != 0 }

// Source is the stored kind a derived kind comes from (None when untraced).
func (k Kind) Source() Kind { return k &^ derived }

func (k Kind) String() string {
	src := k.Source()
	if src < None || src > Identity {
		return "personal data"
	}
	name := [...]string{"", "email", "phone", "name", "address", "postcode", "ip address", "identity"}[src]
	switch {
	case k.IsDerived() && src == None:
		return "possible personal data"
	case k.IsDerived():
		return "computed from " + name
	}
	return name
}

// strength ranks kinds by how well they identify a person on their own.
var strength = map[Kind]int{Email: 7, Identity: 6, Phone: 5, Address: 4, Name: 3, IP: 2, Postcode: 1}

// Stronger combines the kinds of the values an expression is computed from: the
// more identifying one, derived when the two differ, since the result is then
// neither value as stored. None adds nothing.
func Stronger(a, b Kind) Kind {
	switch {
	case a == None:
		return b
	case b == None, a == b:
		return a
	}
	if strength[b.Source()] > strength[a.Source()] {
		a = b
	}
	return Derived(a)
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
	if !CanHold(duckType) {
		return None
	}
	return FromName(name)
}

// CanHold reports whether values of a DuckDB type can be personal data as
// shown: text, whole numbers (phones and postcodes stored as integers) and
// nested types that may contain them; not truth values, times or measures.
func CanHold(duckType string) bool {
	t := strings.ToUpper(duckType)
	for _, p := range []string{"BOOL", "DATE", "TIME", "DOUBLE", "FLOAT", "REAL", "DECIMAL", "INTERVAL"} {
		if strings.HasPrefix(t, p) {
			return false
		}
	}
	return true
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
	if k.IsDerived() {
		return dots
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

var (
	emailInText = regexp.MustCompile(`[^@\s'"()<>,;=` + "`" + `]+@[^@\s'"()<>,;=` + "`" + `]+\.[A-Za-z]{2,}`)
	quotedText  = regexp.MustCompile(`'(?:[^']|'')*'|"(?:[^"]|"")*"`)
)

// Scrub masks the personal data that free text such as a segment's rule can
// carry as literals: every email address, and quoted values that read as a
// phone number or an IP address. Names in a rule are not recognisable by
// their shape and stay as written.
func Scrub(text string) string {
	text = emailInText.ReplaceAllStringFunc(text, func(s string) string { return Mask(Email, s) })
	return quotedText.ReplaceAllStringFunc(text, func(q string) string {
		inner := q[1 : len(q)-1]
		switch v := strings.TrimSpace(inner); {
		case ipv4Re.MatchString(v):
			return q[:1] + Mask(IP, inner) + q[:1]
		case phoneRe.MatchString(v) && digits(v) >= 7:
			return q[:1] + Mask(Phone, inner) + q[:1]
		}
		return q
	})
}
