package sampledata

import (
	"math/rand/v2"
	"strconv"
	"time"
)

const day = 24 * 60 * 60 // seconds

// email builds a realistic address whose trailing digits are the record id.
// That keeps addresses unique for any row count without a lookup set, even
// after an export lower-cases them and strips gmail dots.
func email(r *rand.Rand, p person, id int, domains dist[string]) string {
	f, l, n := p.foldedFirst, p.foldedLast, strconv.Itoa(id)
	var local string
	switch k := r.IntN(100); {
	case k < 30:
		local = f + "." + l + n
	case k < 50:
		local = f + l + n
	case k < 65:
		local = f[:1] + l + n
	case k < 75:
		local = f + "_" + l + n
	case k < 85:
		local = f + n
	case k < 93:
		local = l + "." + f + n
	default:
		local = f + "." + l + "." + n
	}
	addr := local + "@" + domains.pick(r)
	// Messy input on purpose: exports must trim and case-fold.
	switch k := r.IntN(1000); {
	case k < 40:
		return titleCase(addr)
	case k < 47:
		return " " + addr
	case k < 54:
		return addr + " "
	case k < 57:
		return "  " + addr + " "
	}
	return addr
}

// titleCase upper-cases the first letter of each address segment, the way
// some sign-up forms and phone keyboards capitalise: Jose.Garcia7@Gmail.com.
func titleCase(addr string) string {
	b := []byte(addr)
	for i, c := range b {
		if c >= 'a' && c <= 'z' && (i == 0 || b[i-1] == '.' || b[i-1] == '_' || b[i-1] == '@') {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// fixed formats a non-negative integer holding units of 10^-places as a
// decimal string; negative values are missing and become empty cells.
func fixed(v, places int) string {
	if v < 0 {
		return ""
	}
	s := strconv.Itoa(v)
	for len(s) <= places {
		s = "0" + s
	}
	return s[:len(s)-places] + "." + s[len(s)-places:]
}

func date(unix int64) string {
	return time.Unix(unix, 0).UTC().Format(time.DateOnly)
}

func timestamp(unix int64) string {
	return time.Unix(unix, 0).UTC().Format(time.DateTime)
}
