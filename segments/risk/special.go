package risk

import (
	"slices"
	"strings"

	"github.com/segscope/segscope/query/colname"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/rule"
)

// specialWords are words that name the special categories of personal data of
// GDPR Art. 9, or values that belong to them. They are matched as whole words
// (colname.Words), in column names, the rule's text values and the segment's
// name, so "health_score" and 'Diabetes' match and "wealth" does not. Words that
// mean something else as often ("party", "white", "origin") are left out: a flag
// that is usually wrong teaches people to ignore it.
var specialWords = []struct {
	category string
	words    []string
}{
	{"health", []string{"health", "medical", "medicine", "medication", "prescription", "diagnosis", "diagnosed", "disease",
		"illness", "disability", "disabled", "pregnant", "pregnancy", "diabetes", "diabetic", "cancer", "hiv", "aids",
		"mental", "depression", "anxiety", "therapy", "patient", "clinic", "hospital", "allergy", "vaccination", "vaccinated", "covid"}},
	{"religion or beliefs", []string{"religion", "religious", "faith", "church", "mosque", "synagogue", "muslim", "islam",
		"islamic", "christian", "catholic", "protestant", "jewish", "judaism", "hindu", "buddhist", "sikh", "atheist"}},
	{"racial or ethnic origin", []string{"race", "racial", "ethnic", "ethnicity", "hispanic", "latino", "latina", "caucasian"}},
	{"sex life or sexual orientation", []string{"sexual", "sexuality", "orientation", "gay", "lesbian", "bisexual",
		"homosexual", "heterosexual", "lgbt", "lgbtq", "queer", "transgender"}},
	{"political opinions", []string{"political", "politics", "vote", "voter", "voting", "democrat", "republican",
		"conservative", "liberal", "labour", "socialist", "communist"}},
	{"trade union membership", []string{"union", "unionised", "unionized"}},
	{"genetic or biometric data", []string{"genetic", "genome", "dna", "biometric", "biometrics", "fingerprint", "facial"}},
}

// specialCategories lists the special categories a segment touches, each with
// the words that showed it and where they were found.
func specialCategories(seg segments.Compiled, columns []string) []string {
	type place struct{ what, text string }
	var places []place
	places = append(places, place{"name", seg.Name})
	for _, c := range columns {
		places = append(places, place{"column", c})
	}
	for _, t := range rule.Tokens(seg.Rule) {
		if t.Kind == rule.TokenString {
			places = append(places, place{"value", strings.Trim(t.Text, `'"`)})
		}
	}
	var out []string
	for _, cat := range specialWords {
		var hits []string
		for _, p := range places {
			for _, w := range colname.Words(p.text) {
				if slices.Contains(cat.words, w) {
					hit := p.what + " " + p.text
					if p.what == "value" {
						hit = p.what + " '" + p.text + "'"
					}
					if !slices.Contains(hits, hit) {
						hits = append(hits, hit)
					}
					break
				}
			}
		}
		if len(hits) > 0 {
			out = append(out, cat.category+" ("+strings.Join(hits, ", ")+")")
		}
	}
	return out
}
