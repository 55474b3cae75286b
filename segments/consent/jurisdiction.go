package consent

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"

	"github.com/segscope/segscope/query"
)

// countries lists the countries whose jurisdiction is not "rest of world", by ISO
// 3166-1 alpha-2 code. Their alpha-3 codes and their names in placeLanguages come
// from CLDR (golang.org/x/text); extra holds the spellings CLDR does not give.
var countries = []struct {
	jurisdiction Jurisdiction
	code         string
	extra        []string
}{
	// The 27 EU member states (EL is the EU's own code for Greece) and the EEA's IS, LI, NO.
	{EU, "AT", nil}, {EU, "BE", nil}, {EU, "BG", nil}, {EU, "HR", nil}, {EU, "CY", nil},
	{EU, "CZ", []string{"Czech Republic", "Ceska republika"}}, {EU, "DK", nil}, {EU, "EE", nil},
	{EU, "FI", []string{"Suomi"}}, {EU, "FR", nil}, {EU, "DE", []string{"Federal Republic of Germany", "Bundesrepublik Deutschland"}},
	{EU, "GR", []string{"EL", "Hellas", "Ellada", "Hellenic Republic"}}, {EU, "HU", []string{"Magyarorszag"}},
	{EU, "IE", []string{"Eire", "Republic of Ireland"}}, {EU, "IT", nil}, {EU, "LV", nil}, {EU, "LT", nil},
	{EU, "LU", nil}, {EU, "MT", nil}, {EU, "NL", []string{"The Netherlands", "Holland", "Nederland"}},
	{EU, "PL", []string{"Polska"}}, {EU, "PT", nil}, {EU, "RO", nil}, {EU, "SK", []string{"Slovak Republic"}},
	{EU, "SI", nil}, {EU, "ES", []string{"Espana", "Espanya"}}, {EU, "SE", []string{"Sverige"}},
	{EU, "IS", nil}, {EU, "LI", nil}, {EU, "NO", []string{"Norge", "Noreg"}},
	// Someone who wrote their region rather than their country is still in the EU.
	{EU, "", []string{"EU", "European Union"}},
	{UK, "GB", []string{"UK", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland",
		"United Kingdom of Great Britain and Northern Ireland"}},
	{USOther, "US", []string{"United States of America", "United States"}},
}

// placeLanguages are the languages whose names for countries are recognised: the
// EU's and EEA's official languages (so every member's own name for itself), the
// UK's, and a few more that customer files are written in.
var placeLanguages = []string{
	"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt", "nl",
	"pl", "pt", "ro", "sk", "sl", "sv", "is", "nb", "nn", "lb", "ca", "eu", "gl", "cy", "gd",
	"ru", "uk", "tr", "ar", "zh", "ja", "ko",
}

// californiaSpellings are the state column's ways of saying California: code,
// ISO 3166-2 code, abbreviations and the names in the larger EU languages.
var californiaSpellings = []string{"CA", "US-CA", "California", "Calif", "Cal", "Californie", "Kalifornien", "Kalifornia", "Californië"}

// placeKey puts a country or state as written in a customer file in one form:
// lower case, without accents, dots dropped, hyphens and underscores as spaces,
// runs of spaces as one ("U.S.A." is usa, "Royaume-Uni" is royaume uni). placeKeySQL
// is the same in DuckDB; a test holds the two to agree on every known spelling.
func placeKey(s string) string {
	s = norm.NFC.String(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.M, r) {
			return -1
		}
		return r
	}, norm.NFD.String(s)))
	s = placePunctuation.Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(s), " ")
}

var placePunctuation = strings.NewReplacer(".", "", "-", " ", "_", " ")

func placeKeySQL(expr string) string {
	return `trim(regexp_replace(replace(replace(replace(lower(strip_accents(CAST(` + expr +
		` AS VARCHAR))), '.', ''), '-', ' '), '_', ' '), '\s+', ' ', 'g'))`
}

// eachPlaceSpelling calls yield with every spelling of every country CLDR knows,
// and the jurisdiction it is in: codes, names in placeLanguages and the extras.
func eachPlaceSpelling(yield func(j Jurisdiction, spelling string)) {
	jurisdictionOf := map[string]Jurisdiction{}
	for _, c := range countries {
		if c.code != "" {
			jurisdictionOf[c.code] = c.jurisdiction
		}
		for _, s := range c.extra {
			yield(c.jurisdiction, s)
		}
	}
	namers := make([]display.Namer, len(placeLanguages))
	for i, l := range placeLanguages {
		namers[i] = display.Regions(language.MustParse(l))
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() {
				continue
			}
			// A withdrawn code (UK, FX, ...) is claimed for the country it now names.
			r = r.Canonicalize()
			j, ok := jurisdictionOf[r.String()]
			if !ok {
				j = RestOfWorld
			}
			yield(j, code)
			yield(j, r.ISO3())
			for _, n := range namers {
				if n != nil {
					yield(j, n.Name(r))
				}
			}
		}
	}
}

// placeSpellings maps each jurisdiction to the keys (placeKey) of its countries'
// spellings, sorted. Every country's spellings are claimed, so that a name some
// language also gives to a country in another jurisdiction is found out and left
// out: no spelling is claimed twice.
var placeSpellings = sync.OnceValue(func() map[Jurisdiction][]string {
	claims := map[string]map[Jurisdiction]bool{}
	eachPlaceSpelling(func(j Jurisdiction, spelling string) {
		k := placeKey(spelling)
		if k == "" {
			return
		}
		if claims[k] == nil {
			claims[k] = map[Jurisdiction]bool{}
		}
		claims[k][j] = true
	})
	out := map[Jurisdiction][]string{}
	for k, js := range claims {
		if len(js) == 1 {
			for j := range js {
				if j != RestOfWorld {
					out[j] = append(out[j], k)
				}
			}
		}
	}
	for _, j := range slices.Collect(maps.Keys(out)) {
		slices.Sort(out[j])
	}
	return out
})

// spellingsOf returns the quoted keys of a jurisdiction's spellings, sorted so the
// SQL text is stable.
func spellingsOf(j Jurisdiction) string {
	return strings.Join(quoted(placeSpellings()[j]), ", ")
}

// californiaKeys are californiaSpellings as keys, quoted for SQL.
func californiaKeys() string {
	keys := make([]string, len(californiaSpellings))
	for i, s := range californiaSpellings {
		keys[i] = placeKey(s)
	}
	return strings.Join(quoted(keys), ", ")
}

// jurisdictionSQL classifies a row from its country and (for the US) state
// expressions; either may be "" when the table has no such column. A US row
// without a state is "US-other": only a recorded California address is California.
// A country that is not recognised as one of the EU/EEA, the UK or the US counts
// as rest of world.
func jurisdictionSQL(country, state string) string { return jurisdictionCase(country, state, inSQL) }

// jurisdictionLazySQL is jurisdictionSQL for the rows a place book does not list
// (see inLazySQL).
func jurisdictionLazySQL(country, state string) string {
	return jurisdictionCase(country, state, inLazySQL)
}

func jurisdictionCase(country, state string, in func(expr, list string) string) string {
	if country == "" {
		return query.QuoteString(string(NoCountry))
	}
	c := placeKeySQL(country)
	us := query.QuoteString(string(USOther))
	if state != "" {
		us = `CASE WHEN ` + in(placeKeySQL(state), californiaKeys()) + ` THEN ` +
			query.QuoteString(string(USCalifornia)) + ` ELSE ` + query.QuoteString(string(USOther)) + ` END`
	}
	return `CASE` +
		` WHEN ` + in(c, spellingsOf(EU)) + ` THEN ` + query.QuoteString(string(EU)) +
		` WHEN ` + in(c, spellingsOf(UK)) + ` THEN ` + query.QuoteString(string(UK)) +
		` WHEN ` + in(c, spellingsOf(USOther)) + ` THEN ` + us +
		` WHEN coalesce(` + c + `, '') = '' THEN ` + query.QuoteString(string(NoCountry)) +
		` ELSE ` + query.QuoteString(string(RestOfWorld)) + ` END`
}
