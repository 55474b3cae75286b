package sampledata

import (
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"
)

var (
	grantedWords = []string{"opt_in", "granted", "yes", "subscribed", "true"}
	deniedWords  = []string{"opt_out", "denied", "no", "unsubscribed"}
	sources      = []string{"signup_form", "preference_center", "app_settings", "cookie_banner", "support_agent", "import"}
)

type channelKey struct {
	id      int
	channel string
}

func TestConsentHistory(t *testing.T) {
	subs, tb := parse(t, SubscribersFile), parse(t, ConsentFile)
	if len(tb.col) != len(consentHeader) {
		t.Fatalf("consent.csv has %d columns, want %d", len(tb.col), len(consentHeader))
	}
	asOf := DefaultOptions().AsOf
	latest := make(map[channelKey][]string)
	var last channelKey
	var lastTime time.Time
	for _, row := range tb.rows {
		id, err := strconv.Atoi(tb.get(row, "subscriber_id"))
		if err != nil || id < 1 || id > len(subs.rows) {
			t.Fatalf("unknown subscriber_id %q", tb.get(row, "subscriber_id"))
		}
		key := channelKey{id, tb.get(row, "channel")}
		status, source := tb.get(row, "status"), tb.get(row, "source")
		if !slices.Contains(grantedWords, status) && !slices.Contains(deniedWords, status) && status != "withdrawn" {
			t.Errorf("unexpected status %q", status)
		}
		if !slices.Contains(sources, source) {
			t.Errorf("unexpected source %q", source)
		}
		at, err := time.Parse(time.DateTime, tb.get(row, "event_time"))
		if err != nil {
			t.Fatal(err)
		}
		signup, _ := time.Parse(time.DateOnly, subs.get(subs.rows[id-1], "signup_date"))
		if at.Before(signup) || !at.Before(asOf) {
			t.Errorf("%v: event at %v outside signup %v … AsOf", key, at, signup)
		}
		if key.channel == "ads_personalization" && !slices.Contains(deniedWords, status) {
			if a, _ := strconv.Atoi(subs.get(subs.rows[id-1], "age")); a < minorAge {
				t.Errorf("subscriber %d aged %d has ads personalisation %s", id, a, status)
			}
		}
		if key == last && !at.After(lastTime) {
			t.Errorf("%v: events not in strict chronological order", key)
		}
		if key.id < last.id {
			t.Errorf("rows not grouped by subscriber: %d after %d", key.id, last.id)
		}
		last, lastTime = key, at
		latest[key] = row
	}

	people := float64(len(subs.rows))
	stale := asOf.AddDate(-2, 0, 0)
	var withdrawnLatest, grantedLatest, staleGrants int
	grants := map[string]float64{}
	euAds, euPeople := 0.0, 0.0
	for key, row := range latest {
		status := tb.get(row, "status")
		switch {
		case status == "withdrawn":
			withdrawnLatest++
		case slices.Contains(grantedWords, status):
			grantedLatest++
			grants[key.channel]++
			if at, _ := time.Parse(time.DateTime, tb.get(row, "event_time")); at.Before(stale) {
				staleGrants++
			}
			if key.channel == "ads_personalization" && countries[subs.get(subs.rows[key.id-1], "country")].eu {
				euAds++
			}
		}
	}
	for _, sub := range subs.rows {
		if countries[subs.get(sub, "country")].eu {
			euPeople++
		}
	}
	pairs := float64(len(latest))
	missing := 1 - pairs/(4*people)
	shares := map[string]float64{
		"missing channels":        missing,
		"withdrawn latest":        float64(withdrawnLatest) / pairs,
		"stale latest grants":     float64(staleGrants) / float64(grantedLatest),
		"email granted":           grants["email"] / people,
		"push granted":            grants["push"] / people,
		"sms granted":             grants["sms"] / people,
		"ads granted outside EU":  (grants["ads_personalization"] - euAds) / (people - euPeople),
		"ads granted in EU":       euAds / euPeople,
		"events per channel pair": float64(len(tb.rows)) / pairs,
	}
	for _, name := range slices.Sorted(maps.Keys(shares)) {
		t.Logf("%-24s %.3f", name, shares[name])
	}
	for _, c := range []struct {
		name      string
		low, high float64
	}{
		{"missing channels", 0.10, 0.15},
		{"withdrawn latest", 0.05, 0.08},
		{"stale latest grants", 0.07, 0.14},
		{"email granted", 0.55, 0.65},
		{"events per channel pair", 1.4, 2.2},
	} {
		if got := shares[c.name]; got < c.low || got > c.high {
			t.Errorf("%s = %.3f, want within [%.2f, %.2f]", c.name, got, c.low, c.high)
		}
	}
	if !(shares["sms granted"] < shares["push granted"] && shares["push granted"] < shares["email granted"]) {
		t.Error("want granted rates ordered sms < push < email")
	}
	if shares["ads granted in EU"] > 0.7*shares["ads granted outside EU"] {
		t.Error("ads personalisation is not clearly lower in the EU")
	}
}
