package consent

import (
	"context"
	"testing"
)

// longStatesSQL is the sample's consent states written by hand: a window function
// picks the latest event (the sample has no ties), the status words are the ones
// the sample uses, minors are under 13, or under 16 in the EU/EEA, without
// parental consent.
func longStatesSQL(members string) string {
	return `
WITH ev AS (
	SELECT subscriber_id, channel, event_time,
		CASE WHEN status IN ('opt_in', 'subscribed', 'granted', 'true', 'yes') THEN 'g'
		     WHEN status IN ('opt_out', 'unsubscribed', 'denied', 'no') THEN 'd'
		     WHEN status = 'withdrawn' THEN 'w' ELSE 'u' END AS cls
	FROM consent
),
latest AS (
	SELECT * FROM ev QUALIFY row_number() OVER (PARTITION BY subscriber_id, channel ORDER BY event_time DESC) = 1
),
people AS (
	SELECT subscriber_id,
		(age < 13 OR (age < 16 AND country IN ` + euCountries + `)) AND NOT coalesce(parental_consent, false) AS minor
	FROM subscribers` + where(members) + `
)
SELECT ch.channel,
	CASE WHEN p.minor THEN 'minor'
	     WHEN l.cls IS NULL THEN 'unknown'
	     WHEN l.cls = 'g' AND l.event_time >= ` + staleCutoff + ` THEN 'granted'
	     WHEN l.cls = 'g' THEN 'stale'
	     WHEN l.cls = 'd' THEN 'denied'
	     WHEN l.cls = 'w' THEN 'withdrawn'
	     ELSE 'unknown' END AS state,
	count(*)
FROM people p CROSS JOIN (VALUES ('email'), ('sms'), ('push'), ('ads_personalization')) ch(channel)
LEFT JOIN latest l ON l.subscriber_id = p.subscriber_id AND l.channel = ch.channel
GROUP BY ALL`
}

func TestCoverageLongMatchesHandWrittenSQL(t *testing.T) {
	ctx := context.Background()
	ws := sample(t)
	s := newService(ws)

	whole, err := s.Coverage(ctx, WholeTable("subscribers"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if whole.Config.Layout != Long || whole.Config.Events.Table != "consent" {
		t.Fatalf("the sample's setup %+v", whole.Config)
	}
	if whole.Members != 20000 || len(whole.Channels) != 4 {
		t.Fatalf("members %d, channels %d", whole.Members, len(whole.Channels))
	}
	sameTallies(t, coverageTallies(whole), tallies(t, ws.DB(), longStatesSQL("")))

	churn := define(t, ws, "churn_risk", "subscribers", "days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2")
	cov, err := s.Coverage(ctx, SegmentMembers(churn), []string{"email", "SMS"})
	if err != nil {
		t.Fatal(err)
	}
	want := tallies(t, ws.DB(), longStatesSQL("days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2")+` HAVING ch.channel IN ('email', 'sms')`)
	sameTallies(t, coverageTallies(cov), want)
	size := scalar[int64](t, ws.DB(), `SELECT count(*) FROM subscribers WHERE days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2`)
	for _, c := range cov.Channels {
		var sum, jsum int64
		for _, n := range c.Counts {
			sum += n
		}
		for _, j := range c.Jurisdictions {
			jsum += j.Members
		}
		if c.Members != size || sum != size || jsum != size {
			t.Errorf("%s: members %d, states sum %d, jurisdictions sum %d, segment size %d", c.Channel, c.Members, sum, jsum, size)
		}
		if c.Contactable != c.Counts[Granted] || c.Share != float64(c.Contactable)/float64(size) {
			t.Errorf("%s: contactable %d share %f", c.Channel, c.Contactable, c.Share)
		}
		var shares float64
		for st, n := range c.Counts {
			if c.Shares[st] != float64(n)/float64(size) {
				t.Errorf("%s: share of %s %f for %d of %d", c.Channel, st, c.Shares[st], n, size)
			}
			shares += c.Shares[st]
		}
		if shares < 0.999999 || shares > 1.000001 {
			t.Errorf("%s: shares add up to %f", c.Channel, shares)
		}
	}
}
