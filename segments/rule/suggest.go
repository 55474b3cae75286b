package rule

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the candidate most likely meant by name, or "" when none
// is close enough to be worth suggesting. Case is ignored.
func Closest(name string, candidates []string) string {
	n := utf8.RuneCountInString(name)
	if n > 64 { // not a typo, and the distance is quadratic in the length
		return ""
	}
	lname := strings.ToLower(name)
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(lname, strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	// A third of the name's length, at least one edit: enough for typos and
	// transpositions, not so much that unrelated names are offered.
	if best != "" && bestDist <= max(1, n/3) {
		return best
	}
	// A fragment of a long name (login for days_since_login) is still a
	// clear pointer when only one name contains it.
	if n < 3 {
		return ""
	}
	match := ""
	for _, c := range candidates {
		if strings.Contains(strings.ToLower(c), lname) {
			if match != "" {
				return ""
			}
			match = c
		}
	}
	return match
}

// distance is the Levenshtein distance with adjacent transpositions counted
// as one edit (optimal string alignment), since swapped letters are the
// commonest typo.
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
		rows = [3][]int{prev, cur, prev2}
	}
	return rows[1][len(rb)]
}
