package consent

import (
	"slices"
	"strconv"
	"strings"

	"github.com/segscope/segscope/query"
)

// severity orders a recorded decision by how much it restricts contact, so that when two
// events share a timestamp the more restrictive one wins: a tie never grants.
type severity int

const (
	severityGranted      severity = 0
	severityUnrecognized severity = 1
	severityDenied       severity = 2
	severityWithdrawn    severity = 3
)

// statusWords maps status words, as normalizeWord leaves them, to their meaning.
// Anything else is unrecognized: the person's state is unknown and the word is counted.
var statusWords = map[string]severity{
	"opt_in": severityGranted, "yes": severityGranted, "y": severityGranted, "true": severityGranted, "1": severityGranted,
	"granted": severityGranted, "subscribed": severityGranted, "consented": severityGranted, "allow": severityGranted,

	"opt_out": severityDenied, "no": severityDenied, "n": severityDenied, "false": severityDenied, "0": severityDenied,
	"denied": severityDenied, "unsubscribed": severityDenied, "declined": severityDenied,

	"withdrawn": severityWithdrawn, "revoked": severityWithdrawn,
}

// normalizeWord is the SQL that puts a status value in statusWords' form: text,
// trimmed, lower case, with spaces and hyphens as underscores ("Opt-In", "opt in"
// → opt_in). Booleans and numbers arrive as 'true' and '1'. Plain replace() rather
// than a regular expression: it runs once per consent event.
func normalizeWord(expr string) string {
	return `replace(replace(lower(trim(CAST(` + expr + ` AS VARCHAR))), '-', '_'), ' ', '_')`
}

// channelName puts a channel named by a person in the form normalizeWord gives the
// channels in the data: "Ads-Personalization" is ads_personalization.
func channelName(s string) string {
	return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// severitySQL classifies a status value: 0 granted, 1 unrecognized, 2 denied, 3 withdrawn.
// A NULL value is unrecognized too; callers that treat NULL as "no record" test for it first.
func severitySQL(expr string) string { return severityCase(expr, inSQL) }

// severityLazySQL is severitySQL for the rows a vocabulary does not list (see inLazySQL).
func severityLazySQL(expr string) string { return severityCase(expr, inLazySQL) }

// inSQL tests expr against a list of quoted values, joined by commas.
func inSQL(expr, list string) string { return expr + " IN (" + list + ")" }

// inLazySQL is inSQL for the ELSE of a lookup, which only the rows not looked up
// reach. DuckDB turns a long IN list into a join that it runs for every row,
// before the CASE picks the rows that need it, which would classify every row the
// long way after all; list_contains runs only on the rows that get to it.
func inLazySQL(expr, list string) string { return "list_contains([" + list + "], " + expr + ")" }

func severityCase(expr string, in func(expr, list string) string) string {
	bySeverity := map[severity][]string{}
	for word, r := range statusWords {
		bySeverity[r] = append(bySeverity[r], query.QuoteString(word))
	}
	word := normalizeWord(expr)
	var b strings.Builder
	b.WriteString("CASE")
	for _, r := range []severity{severityGranted, severityDenied, severityWithdrawn} {
		words := bySeverity[r]
		slices.Sort(words) // stable SQL text, so plans and tests do not churn
		b.WriteString(" WHEN " + in(word, strings.Join(words, ", ")) + " THEN " + strconv.Itoa(int(r)))
	}
	b.WriteString(" ELSE " + strconv.Itoa(int(severityUnrecognized)) + " END")
	return b.String()
}
