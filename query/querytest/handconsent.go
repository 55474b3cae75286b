package querytest

import (
	"strings"
	"time"
)

// HandStatesSQL is the generated data's consent states written by hand, the
// shortest way a DuckDB user who knows this data would: the latest event by
// arg_max, the generator's status words, the EU/EEA by country code, minors under
// 13 (16 in the EU/EEA) without parental consent, grants older than 730 days
// before now stale. It yields subscriber_id, channel, jurisdiction and state for
// each member (subscribers matching members, "" for all) on each channel (every
// channel in the events when none are named). narrow drops the other people's
// events before finding the latest, as a user asking about a small segment
// would: it saves work for a small one and costs some for a large one, so each
// benchmark's twin takes the faster way for its population.
//
// Benchmarks measure segscope against it: segscope answers the same question for
// any data (any spelling of words and countries, undated and future-dated
// events, unknown ages), and the ratio is what that generality costs.
func HandStatesSQL(members string, narrow bool, now time.Time, channels ...string) string {
	on := "(SELECT DISTINCT channel FROM consent)"
	events := ""
	if narrow {
		events = " AND subscriber_id IN (SELECT subscriber_id FROM m)"
	}
	if len(channels) > 0 {
		on = "(VALUES ('" + strings.Join(channels, "'), ('") + "'))"
	}
	if strings.TrimSpace(members) != "" {
		members = " WHERE " + members
	}
	cutoff := "TIMESTAMP '" + now.UTC().AddDate(0, 0, -730).Format("2006-01-02 15:04:05") + "'"
	granted := `('opt_in', 'subscribed', 'granted', 'true', 'yes')`
	return `WITH m AS (
	SELECT subscriber_id, age, parental_consent,
		CASE WHEN country IN ('AT','BE','BG','HR','CY','CZ','DK','EE','FI','FR','DE','GR','HU','IE','IT','LV','LT',
		                      'LU','MT','NL','PL','PT','RO','SK','SI','ES','SE','IS','LI','NO') THEN 'EU/EEA'
		     WHEN country = 'GB' THEN 'UK'
		     WHEN country = 'US' AND state = 'CA' THEN 'US-California' WHEN country = 'US' THEN 'US-other'
		     WHEN country IS NULL THEN 'unknown' ELSE 'rest of world' END AS jurisdiction
	FROM subscribers` + members + `
),
l AS (
	SELECT subscriber_id, channel, arg_max(status, event_time) AS status, max(event_time) AS at
	FROM consent WHERE channel IN ` + on + events + ` GROUP BY ALL
)
SELECT m.subscriber_id, c.channel, m.jurisdiction,
	CASE WHEN age < CASE WHEN jurisdiction = 'EU/EEA' THEN 16 ELSE 13 END AND NOT coalesce(parental_consent, false) THEN 'minor'
	     WHEN l.status IN ` + granted + ` AND l.at >= ` + cutoff + ` THEN 'granted'
	     WHEN l.status IN ` + granted + ` THEN 'stale'
	     WHEN l.status IN ('opt_out', 'unsubscribed', 'denied', 'no') THEN 'denied'
	     WHEN l.status = 'withdrawn' THEN 'withdrawn' ELSE 'unknown' END AS state
FROM m CROSS JOIN ` + on + ` c(channel) LEFT JOIN l ON l.subscriber_id = m.subscriber_id AND l.channel = c.channel`
}
