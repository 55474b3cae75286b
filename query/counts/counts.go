// Package counts writes counts for people the one way segscope writes them
// everywhere: 12,345 and "1 row" / "7,043 rows". It stands apart from query so
// that packages drawing text (tui/draw, segments/rule) don't link DuckDB.
package counts

import (
	"strconv"
	"strings"
)

// Format renders a count with thousands separators: 12,345.
func Format(n int64) string {
	s := strconv.FormatInt(n, 10)
	digits := strings.TrimPrefix(s, "-")
	var b strings.Builder
	b.WriteString(s[:len(s)-len(digits)])
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Of writes a count with its noun: "1 row", "7,043 rows".
func Of(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Format(n) + " " + many
}
