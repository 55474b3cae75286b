package consent

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/segscope/segscope/query/querytest"
)

// eventsWorkspace holds a people table and consent events built row by row, so each
// test states exactly the case it checks.
func eventsWorkspace(t *testing.T, people string, events []string) (*Service, string) {
	t.Helper()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "people", "person_id,age,parental_ok,country,region\n"+people)
	querytest.ImportCSV(t, ws, "consent_events", "person_id,channel,status,event_time\n"+strings.Join(events, "\n")+"\n")
	s := newService(ws)
	_, err := s.Setup(context.Background(), Config{
		Table: "people", Layout: Long,
		Events: &Events{Table: "consent_events", Channel: "channel", Status: "status", Time: "event_time"},
		Policy: Policy{StaleDays: 730, MinorAge: 13, MinorAgeEU: 16, AgeColumn: "age", ParentalColumn: "parental_ok",
			CountryColumn: "country", StateColumn: "region"},
	}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s, "people"
}

func TestStatusNormalization(t *testing.T) {
	cases := []struct {
		word  string
		state State
	}{
		{"opt_in", Granted}, {"Opt-In", Granted}, {" opt in ", Granted}, {"YES", Granted}, {"y", Granted},
		{"TRUE", Granted}, {"1", Granted}, {"granted", Granted}, {"Subscribed", Granted}, {"consented", Granted},
		{"allow", Granted},
		{"opt_out", Denied}, {"opt-out", Denied}, {"no", Denied}, {"N", Denied}, {"false", Denied}, {"0", Denied},
		{"denied", Denied}, {"UNSUBSCRIBED", Denied}, {"declined", Denied},
		{"withdrawn", Withdrawn}, {"Revoked", Withdrawn},
		{"pending", Unknown}, {"maybe later", Unknown}, {"", Unknown},
	}
	var people, events []string
	for i, c := range cases {
		people = append(people, fmt.Sprintf("%d,40,,US,NY", i+1))
		events = append(events, fmt.Sprintf("%d,email,%q,2026-10-01 10:00:00", i+1, c.word))
	}
	s, table := eventsWorkspace(t, strings.Join(people, "\n")+"\n", events)
	got := statesOf(t, s, table, "email")
	for i, c := range cases {
		ps := got[fmt.Sprint(i+1)]
		if ps.State != c.state {
			t.Errorf("status %q: %s, want %s", c.word, ps.State, c.state)
		}
		if ps.Unrecognized != (c.state == Unknown) {
			t.Errorf("status %q: unrecognized %v", c.word, ps.Unrecognized)
		}
	}
	cov, err := s.Coverage(context.Background(), WholeTable(table), []string{"email"})
	if err != nil {
		t.Fatal(err)
	}
	if cov.Channels[0].Unrecognized != 3 {
		t.Errorf("unrecognized words counted %d, want 3", cov.Channels[0].Unrecognized)
	}
}

func TestLatestEventWinsAndTiesRestrict(t *testing.T) {
	s, table := eventsWorkspace(t, "1,40,,US,NY\n2,40,,US,NY\n3,40,,US,NY\n4,40,,US,NY\n5,40,,US,NY\n6,40,,US,NY\n", []string{
		"1,email,opt_in,2025-01-01 00:00:00", "1,email,opt_out,2026-01-01 00:00:00", // later refusal
		"2,email,opt_out,2025-01-01 00:00:00", "2,email,opt_in,2026-01-01 00:00:00", // later grant
		"3,email,opt_in,2026-01-01 00:00:00", "3,email,withdrawn,2026-01-01 00:00:00", // tie: withdrawal wins
		"4,email,no,2026-01-01 00:00:00", "4,email,yes,2026-01-01 00:00:00", // tie, other order: refusal wins
		"5,email,yes,2026-01-01 00:00:00", "5,email,pending,2026-01-01 00:00:00", // tie with an unknown word
		"6,sms,yes,2026-01-01 00:00:00", // no email record
	})
	want := map[string]State{"1": Denied, "2": Granted, "3": Withdrawn, "4": Denied, "5": Unknown, "6": Unknown}
	got := statesOf(t, s, table, "email")
	for key, st := range want {
		if got[key].State != st {
			t.Errorf("person %s: %s, want %s", key, got[key].State, st)
		}
	}
}

func TestStale(t *testing.T) {
	s, table := eventsWorkspace(t, "1,40,,US,NY\n2,40,,US,NY\n3,40,,US,NY\n4,40,,US,NY\n5,40,,US,NY\n", []string{
		"1,email,yes,2024-01-01 00:00:00", // older than 730 days
		"2,email,yes,2025-01-01 00:00:00", // within
		"3,email,yes,2024-11-22 12:00:00", // exactly at the cutoff: still valid
		"4,email,yes,",                    // no time: freshness cannot be shown
		"5,email,no,2020-01-01 00:00:00",  // an old refusal stays a refusal
	})
	want := map[string]State{"1": Stale, "2": Granted, "3": Granted, "4": Stale, "5": Denied}
	got := statesOf(t, s, table, "email")
	for key, st := range want {
		if got[key].State != st {
			t.Errorf("person %s: %s, want %s", key, got[key].State, st)
		}
	}
}

func TestMinors(t *testing.T) {
	cases := []struct {
		row   string // age,parental,country,region
		state State
		why   string
	}{
		{"12,,US,NY", Minor, "COPPA: under 13 anywhere"},
		{"12,true,US,NY", Granted, "parental consent lifts the COPPA limit"},
		{"14,,US,CA", Granted, "14 is not a minor in the US"},
		{"14,,GB,", Granted, "14 is not a minor in the UK"},
		{"14,,DE,", Minor, "GDPR Art. 8: under 16 in the EU"},
		{"15,,NO,", Minor, "the EEA follows the EU rule"},
		{"14,yes,DE,", Granted, "parental consent lifts the EU limit"},
		{"14,no,DE,", Minor, "a refused parental consent does not"},
		{"16,,FR,", Granted, "16 is not a minor in the EU"},
		{"14,,,", Minor, "without a country the stricter EU limit applies"},
		{"12,,JP,", Minor, "COPPA's 13 applies to the rest of the world too"},
		{",,DE,", Minor, "an unknown age counts as a minor's by default"},
		{",true,DE,", Granted, "parental consent lifts the bar on an unknown age"},
	}
	var people, events []string
	for i, c := range cases {
		people = append(people, fmt.Sprintf("%d,%s", i+1, c.row))
		events = append(events, fmt.Sprintf("%d,email,opt_in,2026-10-01 10:00:00", i+1))
	}
	// Minor overrides every other state, including no record at all.
	people = append(people, fmt.Sprintf("%d,10,,US,TX", len(cases)+1))
	s, table := eventsWorkspace(t, strings.Join(people, "\n")+"\n", events)
	got := statesOf(t, s, table, "email")
	for i, c := range cases {
		if st := got[fmt.Sprint(i+1)].State; st != c.state {
			t.Errorf("%s (%s): %s, want %s", c.row, c.why, st, c.state)
		}
	}
	if st := got[fmt.Sprint(len(cases)+1)].State; st != Minor {
		t.Errorf("a 10-year-old without a record: %s, want minor", st)
	}
}

func TestJurisdictions(t *testing.T) {
	cases := []struct {
		country, region string
		want            Jurisdiction
	}{
		{"DE", "", EU}, {"de", "", EU}, {"Germany", "", EU}, {"DEU", "", EU}, {"EL", "", EU}, {"HR", "", EU},
		{"NO", "", EU}, {"IS", "", EU}, {"LI", "", EU},
		{"CH", "", RestOfWorld}, {"JP", "", RestOfWorld}, {"BR", "", RestOfWorld},
		{"GB", "", UK}, {"UK", "", UK}, {"United Kingdom", "", UK},
		{"US", "CA", USCalifornia}, {"USA", "California", USCalifornia}, {"united states", "ca", USCalifornia},
		{"US", "NY", USOther}, {"US", "", USOther},
		{"", "", NoCountry}, {" ", "CA", NoCountry},
		// Other languages, ISO alpha-3 codes, accents or none, punctuation.
		{"Deutschland", "", EU}, {"Allemagne", "", EU}, {"Alemania", "", EU}, {"Germania", "", EU}, {"Niemcy", "", EU},
		{"España", "", EU}, {"Espana", "", EU}, {"ESP", "", EU}, {"Espagne", "", EU}, {"Spanien", "", EU},
		{"Österreich", "", EU}, {"Osterreich", "", EU}, {"Autriche", "", EU}, {"AUT", "", EU},
		{"Nederland", "", EU}, {"Pays-Bas", "", EU}, {"Holland", "", EU}, {"NLD", "", EU},
		{"Polska", "", EU}, {"Ελλάδα", "", EU}, {"GRC", "", EU}, {"Sverige", "", EU}, {"Éire", "", EU},
		{"Česko", "", EU}, {"Czech Republic", "", EU}, {"Norge", "", EU}, {"Ísland", "", EU}, {"Suomi", "", EU},
		{"Italia", "", EU}, {"Irlanda", "", EU}, {"Belgique", "", EU}, {"België", "", EU},
		{"Royaume-Uni", "", UK}, {"royaume uni", "", UK}, {"GBR", "", UK}, {"Vereinigtes Königreich", "", UK},
		{"Reino Unido", "", UK}, {"Great Britain", "", UK}, {"England", "", UK}, {"U.K.", "", UK}, {"United  Kingdom", "", UK},
		{"États-Unis", "NY", USOther}, {"Etats Unis", "", USOther}, {"USA", "", USOther}, {"U.S.A.", "TX", USOther},
		{"Estados Unidos", "", USOther}, {"Vereinigte Staaten", "", USOther}, {"United States of America", "", USOther},
		{"U.S.", "Calif.", USCalifornia}, {"USA", "US-CA", USCalifornia}, {"États-Unis", "Californie", USCalifornia},
		{"Vereinigte Staaten", "Kalifornien", USCalifornia}, {"us", " california ", USCalifornia},
		{"USA", "Carolina", USOther},
		{"Canada", "", RestOfWorld}, {"CAN", "", RestOfWorld}, {"Schweiz", "", RestOfWorld}, {"Suisse", "", RestOfWorld},
		{"Japon", "", RestOfWorld}, {"Georgia", "", RestOfWorld}, {"Australia", "", RestOfWorld},
	}
	var people, events []string
	for i, c := range cases {
		people = append(people, fmt.Sprintf("%d,40,,%q,%q", i+1, c.country, c.region))
		events = append(events, fmt.Sprintf("%d,email,yes,2026-10-01 10:00:00", i+1))
	}
	s, table := eventsWorkspace(t, strings.Join(people, "\n")+"\n", events)
	got := statesOf(t, s, table, "email")
	for i, c := range cases {
		if j := got[fmt.Sprint(i+1)].Jurisdiction; j != c.want {
			t.Errorf("country %q state %q: %s, want %s", c.country, c.region, j, c.want)
		}
	}
}

// The SQL that puts a country as written into its key must agree with placeKey on
// every spelling known, or a spelling in the table would never match the data.
func TestPlaceKeySQLAgreesWithGo(t *testing.T) {
	ws := querytest.Empty(t)
	var raw []string
	seen := map[string]bool{}
	eachPlaceSpelling(func(_ Jurisdiction, s string) {
		if !seen[s] {
			seen[s] = true
			raw = append(raw, s)
		}
	})
	raw = append(raw, californiaSpellings...)
	raw = append(raw, " U.S.A. ", "Royaume--Uni", "ÉTATS_UNIS", "Straße")
	text, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ws.DB().Query(`SELECT s, `+placeKeySQL("s")+` FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS s)`, string(text))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var s, key string
		if err := rows.Scan(&s, &key); err != nil {
			t.Fatal(err)
		}
		if want := placeKey(s); key != want {
			t.Errorf("%q: DuckDB's key %q, Go's %q", s, key, want)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(raw) || n < 5000 {
		t.Errorf("checked %d spellings of %d", n, len(raw))
	}
	// Every EU/EEA, UK and US country has its alpha-2 and alpha-3 codes.
	for _, c := range countries {
		if c.code == "" {
			continue
		}
		for _, s := range []string{c.code, language.MustParseRegion(c.code).ISO3()} {
			if !slices.Contains(placeSpellings()[c.jurisdiction], placeKey(s)) {
				t.Errorf("%s: %q is not a spelling of %s", c.code, s, c.jurisdiction)
			}
		}
	}
}
