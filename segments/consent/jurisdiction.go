package consent

import (
	"slices"
	"strings"

	"github.com/segscope/segscope/query"
)

// countries lists the countries whose jurisdiction is not "rest of world", each
// with the spellings found in customer files: ISO alpha-2, alpha-3 and English name.
var countries = []struct {
	jurisdiction Jurisdiction
	spellings    []string
}{
	// The 27 EU member states (EL is the EU's own code for Greece) and the EEA's IS, LI, NO.
	{EU, []string{"AT", "AUT", "AUSTRIA"}}, {EU, []string{"BE", "BEL", "BELGIUM"}},
	{EU, []string{"BG", "BGR", "BULGARIA"}}, {EU, []string{"HR", "HRV", "CROATIA"}},
	{EU, []string{"CY", "CYP", "CYPRUS"}}, {EU, []string{"CZ", "CZE", "CZECHIA", "CZECH REPUBLIC"}},
	{EU, []string{"DK", "DNK", "DENMARK"}}, {EU, []string{"EE", "EST", "ESTONIA"}},
	{EU, []string{"FI", "FIN", "FINLAND"}}, {EU, []string{"FR", "FRA", "FRANCE"}},
	{EU, []string{"DE", "DEU", "GERMANY"}}, {EU, []string{"GR", "EL", "GRC", "GREECE"}},
	{EU, []string{"HU", "HUN", "HUNGARY"}}, {EU, []string{"IE", "IRL", "IRELAND"}},
	{EU, []string{"IT", "ITA", "ITALY"}}, {EU, []string{"LV", "LVA", "LATVIA"}},
	{EU, []string{"LT", "LTU", "LITHUANIA"}}, {EU, []string{"LU", "LUX", "LUXEMBOURG"}},
	{EU, []string{"MT", "MLT", "MALTA"}}, {EU, []string{"NL", "NLD", "NETHERLANDS", "THE NETHERLANDS"}},
	{EU, []string{"PL", "POL", "POLAND"}}, {EU, []string{"PT", "PRT", "PORTUGAL"}},
	{EU, []string{"RO", "ROU", "ROMANIA"}}, {EU, []string{"SK", "SVK", "SLOVAKIA"}},
	{EU, []string{"SI", "SVN", "SLOVENIA"}}, {EU, []string{"ES", "ESP", "SPAIN"}},
	{EU, []string{"SE", "SWE", "SWEDEN"}},
	{EU, []string{"IS", "ISL", "ICELAND"}}, {EU, []string{"LI", "LIE", "LIECHTENSTEIN"}},
	{EU, []string{"NO", "NOR", "NORWAY"}},
	{UK, []string{"GB", "UK", "GBR", "UNITED KINGDOM", "GREAT BRITAIN", "ENGLAND", "SCOTLAND", "WALES", "NORTHERN IRELAND"}},
	{USOther, []string{"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"}},
}

var californiaSpellings = []string{"CA", "CALIFORNIA"}

// spellingsOf returns the quoted spellings of a jurisdiction's countries, sorted so
// the SQL text is stable.
func spellingsOf(j Jurisdiction) string {
	var out []string
	for _, c := range countries {
		if c.jurisdiction == j {
			for _, s := range c.spellings {
				out = append(out, query.QuoteString(s))
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// jurisdictionSQL classifies a row from its country and (for the US) state
// expressions; either may be "" when the table has no such column. A US row
// without a state is "US-other": only a recorded California address is California.
func jurisdictionSQL(country, state string) string {
	if country == "" {
		return query.QuoteString(string(NoCountry))
	}
	c := `upper(trim(CAST(` + country + ` AS VARCHAR)))`
	us := query.QuoteString(string(USOther))
	if state != "" {
		s := `upper(trim(CAST(` + state + ` AS VARCHAR)))`
		us = `CASE WHEN ` + s + ` IN (` + strings.Join(quoted(californiaSpellings), ", ") + `) THEN ` +
			query.QuoteString(string(USCalifornia)) + ` ELSE ` + query.QuoteString(string(USOther)) + ` END`
	}
	return `CASE` +
		` WHEN ` + c + ` IN (` + spellingsOf(EU) + `) THEN ` + query.QuoteString(string(EU)) +
		` WHEN ` + c + ` IN (` + spellingsOf(UK) + `) THEN ` + query.QuoteString(string(UK)) +
		` WHEN ` + c + ` IN (` + spellingsOf(USOther) + `) THEN ` + us +
		` WHEN coalesce(` + c + `, '') = '' THEN ` + query.QuoteString(string(NoCountry)) +
		` ELSE ` + query.QuoteString(string(RestOfWorld)) + ` END`
}
