package sampledata

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// normalizeEmail applies the normalisation exports are expected to do, so
// uniqueness is checked where it matters.
func normalizeEmail(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	local, domain, _ := strings.Cut(e, "@")
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}

func TestSubscribersShape(t *testing.T) {
	tb := parse(t, SubscribersFile)
	if len(tb.col) != len(subscriberHeader) || len(tb.rows) != DefaultOptions().Rows {
		t.Fatalf("got %d columns × %d rows, want %d × %d", len(tb.col), len(tb.rows), len(subscriberHeader), DefaultOptions().Rows)
	}
	asOf := DefaultOptions().AsOf
	emails := make(map[string]bool)
	var spaced, mixedCase, googlemail, dotted, noPhone int
	for i, row := range tb.rows {
		if id := tb.get(row, "subscriber_id"); id != strconv.Itoa(i+1) {
			t.Fatalf("row %d has subscriber_id %s", i+1, id)
		}
		e := tb.get(row, "email")
		n := normalizeEmail(e)
		if emails[n] {
			t.Errorf("duplicate email %q", n)
		}
		emails[n] = true
		switch {
		case e != strings.TrimSpace(e):
			spaced++
		case e != strings.ToLower(e):
			mixedCase++
		}
		local, domain, _ := strings.Cut(strings.ToLower(strings.TrimSpace(e)), "@")
		if strings.Contains(local, ".") && domain == "gmail.com" {
			dotted++
		}
		if domain == "googlemail.com" {
			googlemail++
		}
		if tb.get(row, "phone") == "" {
			noPhone++
		}
		signup, err := time.Parse(time.DateOnly, tb.get(row, "signup_date"))
		if err != nil || signup.Before(asOf.AddDate(-6, 0, -1)) || signup.After(asOf.AddDate(0, 0, -minTenure)) {
			t.Errorf("row %d: signup_date %s outside the last six years", i+1, tb.get(row, "signup_date"))
		}
		if d, _ := strconv.Atoi(tb.get(row, "devices")); d < 1 || d > 6 {
			t.Errorf("row %d: devices %d", i+1, d)
		}
		for _, c := range []string{"completion_rate_30d", "completion_rate_prev_30d"} {
			if v := tb.get(row, c); v != "" {
				if f := num(t, v); f < 0 || f > 1 {
					t.Errorf("row %d: %s = %s", i+1, c, v)
				}
			}
		}
	}
	for what, n := range map[string]int{"spaced": spaced, "mixed-case": mixedCase,
		"googlemail": googlemail, "dotted gmail": dotted, "missing phone": noPhone} {
		if n == 0 {
			t.Errorf("no %s e-mails or phones; the normalisation cases are missing", what)
		}
	}
}

func TestSubscriberShares(t *testing.T) {
	tb := parse(t, SubscribersFile)
	n := float64(len(tb.rows))
	count := func(pred func([]string) bool) float64 {
		c := 0
		for _, row := range tb.rows {
			if pred(row) {
				c++
			}
		}
		return float64(c)
	}
	age := func(row []string) int { a, _ := strconv.Atoi(tb.get(row, "age")); return a }
	eu := count(func(r []string) bool { return countries[tb.get(r, "country")].eu }) / n
	us := count(func(r []string) bool { return tb.get(r, "country") == "US" })
	california := count(func(r []string) bool { return tb.get(r, "state") == "CA" }) / us
	minors := count(func(r []string) bool { return age(r) < minorAge }) / n
	children := count(func(r []string) bool { return age(r) < 13 }) / n
	churn := count(func(r []string) bool { return tb.get(r, "churned") == "true" }) / n
	missingPrev := count(func(r []string) bool { return tb.get(r, "completion_rate_prev_30d") == "" }) / n
	t.Logf("EU %.3f, US %.3f (CA %.3f of US), minors %.3f (<13 %.3f), churn %.3f, missing prev completion %.3f",
		eu, us/n, california, minors, children, churn, missingPrev)

	for _, c := range []struct {
		name           string
		got, low, high float64
	}{
		{"EU share", eu, 0.28, 0.38},
		{"US share", us / n, 0.36, 0.44},
		{"California share of US", california, 0.12, 0.18},
		{"minor share", minors, 0.03, 0.08},
		{"under-13 share", children, 0.01, 0.03},
		{"churn share", churn, 0.12, 0.25},
		{"missing completion_rate_prev_30d", missingPrev, 0.005, 0.03},
	} {
		if c.got < c.low || c.got > c.high {
			t.Errorf("%s = %.3f, want within [%.2f, %.2f]", c.name, c.got, c.low, c.high)
		}
	}

	for _, row := range tb.rows {
		minor, consent := age(row) < minorAge, tb.get(row, "parental_consent")
		if minor != (consent != "") {
			t.Fatalf("subscriber %s aged %d has parental_consent %q", tb.get(row, "subscriber_id"), age(row), consent)
		}
		if (tb.get(row, "country") == "US") != (tb.get(row, "state") != "") {
			t.Fatalf("subscriber %s: country %s with state %q", tb.get(row, "subscriber_id"), tb.get(row, "country"), tb.get(row, "state"))
		}
	}
}

func TestChurnCorrelations(t *testing.T) {
	tb := parse(t, SubscribersFile)
	split := func(column string) (churned, retained []float64) {
		for _, row := range tb.rows {
			v := tb.get(row, column)
			if v == "" {
				continue
			}
			if tb.get(row, "churned") == "true" {
				churned = append(churned, num(t, v))
			} else {
				retained = append(retained, num(t, v))
			}
		}
		return churned, retained
	}
	// d > 0 means churners score higher.
	for _, c := range []struct {
		column     string
		minD, maxD float64
	}{
		{"watch_hours_30d", -1.6, -0.7},
		{"days_since_login", 0.7, 1.6},
		{"sessions_30d", -1.6, -0.5},
		{"completion_rate_30d", -2, -0.3},
		{"support_tickets_90d", 0.3, 2},
	} {
		ch, re := split(c.column)
		d := cohensD(ch, re)
		t.Logf("%-22s churned %7.2f  retained %7.2f  d = %+.2f", c.column, mean(ch), mean(re), d)
		if d < c.minD || d > c.maxD {
			t.Errorf("%s: Cohen's d = %.2f, want within [%.1f, %.1f]", c.column, d, c.minD, c.maxD)
		}
	}

	// Churners' viewing drops month over month; retained viewing holds.
	drop := func(churned bool) float64 {
		var this, prev float64
		for _, row := range tb.rows {
			if (tb.get(row, "churned") == "true") == churned {
				this += num(t, tb.get(row, "watch_hours_30d"))
				prev += num(t, tb.get(row, "watch_hours_prev_30d"))
			}
		}
		return this / prev
	}
	if c, r := drop(true), drop(false); c > 0.5 || r < 0.9 {
		t.Errorf("this/previous month viewing: churned %.2f, retained %.2f; want a clear drop for churners only", c, r)
	}

	rate := func(column string) map[string]float64 {
		churned, total := map[string]float64{}, map[string]float64{}
		for _, row := range tb.rows {
			v := tb.get(row, column)
			total[v]++
			if tb.get(row, "churned") == "true" {
				churned[v]++
			}
		}
		for v := range churned {
			churned[v] /= total[v]
		}
		return churned
	}
	billing, channel := rate("billing_cycle"), rate("acquisition_channel")
	t.Logf("churn: annual %.3f, monthly %.3f; organic %.3f, paid_search %.3f, partner_bundle %.3f",
		billing["annual"], billing["monthly"], channel["organic"], channel["paid_search"], channel["partner_bundle"])
	if billing["annual"] >= billing["monthly"]*0.7 {
		t.Errorf("annual churn %.3f not clearly below monthly %.3f", billing["annual"], billing["monthly"])
	}
	for _, risky := range []string{"partner_bundle", "paid_search"} {
		if channel[risky] <= channel["organic"]*1.3 {
			t.Errorf("%s churn %.3f not clearly above organic %.3f", risky, channel[risky], channel["organic"])
		}
	}
}

func TestKidsGenre(t *testing.T) {
	tb := parse(t, SubscribersFile)
	kids := func(pred func([]string) bool) float64 {
		var k, n float64
		for _, row := range tb.rows {
			if pred(row) {
				n++
				if tb.get(row, "favorite_genre") == "kids" {
					k++
				}
			}
		}
		return k / n
	}
	isMinor := func(r []string) bool { a, _ := strconv.Atoi(tb.get(r, "age")); return a < minorAge }
	minors := kids(isMinor)
	adults := kids(func(r []string) bool { return !isMinor(r) && tb.get(r, "plan") != "family" })
	family := kids(func(r []string) bool { return !isMinor(r) && tb.get(r, "plan") == "family" })
	t.Logf("kids genre share: minors %.2f, family-plan adults %.2f, other adults %.2f", minors, family, adults)
	if minors < 3*adults || family < 3*adults {
		t.Error("kids genre is not clearly more common for minors and family plans")
	}
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func variance(xs []float64) float64 {
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return s / float64(len(xs)-1)
}

// cohensD is the standardised mean difference a - b with pooled variance.
func cohensD(a, b []float64) float64 {
	na, nb := float64(len(a)), float64(len(b))
	pooled := ((na-1)*variance(a) + (nb-1)*variance(b)) / (na + nb - 2)
	return (mean(a) - mean(b)) / math.Sqrt(pooled)
}

func TestFoldCoversEveryName(t *testing.T) {
	for _, p := range []*namePool{anglo, irish, hispanic, german, french, italian, dutch,
		nordic, polish, lusophone, indian, japanese, eastAsian, panAfricanArab} {
		for _, name := range slices.Concat(p.first, p.last) {
			for _, c := range strings.ToLower(name) {
				if c > 'z' && asciiFold[c] == "" {
					t.Errorf("fold drops %q in %q", c, name)
				}
			}
			if fold(name) == "" {
				t.Errorf("%q folds to nothing", name)
			}
		}
	}
}
