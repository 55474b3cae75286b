package sampledata_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	sampledata "github.com/segscope/segscope/sample-data"
)

// loadSet generates opts into a directory and imports its subscribers and
// views into an in-memory workspace the way segscope imports any file.
func loadSet(t *testing.T, opts sampledata.Options) *query.Workspace {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := sampledata.Generate(ctx, opts, dir); err != nil {
		t.Fatal(err)
	}
	ws, err := query.Open(ctx, query.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for _, name := range []string{"subscribers", "views"} {
		if _, err := ws.Import(ctx, filepath.Join(dir, name+".csv"), query.ImportOptions{Table: name}); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

// perSubscriber aggregates the views of each subscriber over the two 30-day
// windows before AsOf, beside the subscriber's own columns.
const perSubscriber = `
CREATE TEMP TABLE agg AS
WITH v AS (
	SELECT subscriber_id,
		count(*) FILTER (WHERE "time" >= TIMESTAMP '2026-10-02') AS n30,
		sum(minutes) FILTER (WHERE "time" >= TIMESTAMP '2026-10-02') AS m30,
		count(*) FILTER (WHERE completed AND "time" >= TIMESTAMP '2026-10-02') AS c30,
		count(*) FILTER (WHERE "time" < TIMESTAMP '2026-10-02') AS nprev,
		sum(minutes) FILTER (WHERE "time" < TIMESTAMP '2026-10-02') AS mprev,
		count(*) FILTER (WHERE completed AND "time" < TIMESTAMP '2026-10-02') AS cprev,
		min("time") AS first_view, max("time") AS last_view,
		count(DISTINCT device) AS device_types,
		count(*) FILTER (WHERE "time" >= TIMESTAMP '2026-11-01' OR "time" < TIMESTAMP '2026-09-02') AS outside
	FROM views GROUP BY subscriber_id)
SELECT s.*, coalesce(n30, 0) AS n30, coalesce(m30, 0) AS m30, coalesce(c30, 0) AS c30,
	coalesce(nprev, 0) AS nprev, coalesce(mprev, 0) AS mprev, coalesce(cprev, 0) AS cprev,
	first_view, last_view, coalesce(device_types, 0) AS device_types, coalesce(outside, 0) AS outside,
	-- whole days between the last view and AsOf's midnight
	floor(epoch(TIMESTAMP '2026-11-01' - last_view) / 86400)::INT AS days_since_view
FROM subscribers s LEFT JOIN v USING (subscriber_id)`

// rules are the agreements sample-data/README.md promises, each written as
// the rows that break it; {rate} is the views-per-subscriber rate.
var rules = []struct{ name, broken string }{
	{"views in the last 30 days are the sessions (scaled to the rate)",
		`n30 <> CASE WHEN sessions_30d = 0 THEN 0
			ELSE least(greatest((sessions_30d * {rate} + 15) // 30, 1), greatest(m30 // 10, 1)) END`},
	{"minutes in the last 30 days are watch_hours_30d", `m30 <> round(watch_hours_30d * 60)`},
	{"minutes in the 30 days before are watch_hours_prev_30d (last login within 60 days)",
		`days_since_login < 60 AND mprev <> round(watch_hours_prev_30d * 60)`},
	{"completed views in the last 30 days are the rate times the views, rounded",
		`n30 > 0 AND c30 <> (round(completion_rate_30d * 1000)::INT * n30 + 500) // 1000`},
	{"completed views in the 30 days before are the rate times the views, rounded",
		`nprev > 0 AND completion_rate_prev_30d IS NOT NULL AND cprev <> (round(completion_rate_prev_30d * 1000)::INT * nprev + 500) // 1000`},
	{"completion_rate_30d is empty exactly when nothing was viewed in the last 30 days",
		`(completion_rate_30d IS NULL) <> (n30 = 0)`},
	{"the last view is on the day of the last login when there was a view in the last 30 days",
		`n30 > 0 AND days_since_view <> days_since_login`},
	{"no view after the last login", `days_since_view < days_since_login`},
	{"no view before the signup", `first_view::DATE < signup_date`},
	{"views on no more device types than devices registered", `device_types > devices`},
	{"every view in the 60 days before AsOf", `outside > 0`},
	{"no view in the last 30 days without watch hours", `n30 > 0 AND watch_hours_30d = 0`},
}

func checkRules(t *testing.T, db *sql.DB, rate int) {
	t.Helper()
	for _, r := range rules {
		q := `SELECT count(*), coalesce(min(subscriber_id), 0) FROM agg WHERE ` + strings.ReplaceAll(r.broken, "{rate}", strconv.Itoa(rate))
		var n, example int
		if err := db.QueryRow(q).Scan(&n, &example); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if n > 0 {
			t.Errorf("%s: broken for %d subscribers, e.g. subscriber %d", r.name, n, example)
		}
	}
}

// The default set is checked as a new workspace gets it: the embedded
// subscribers and the views SeedFS generates.
func TestViewsAgreeWithSubscribers(t *testing.T) {
	opts := sampledata.DefaultOptions()
	db := querytest.SampleWithEvents(t, "subscribers").DB()
	if _, err := db.Exec(perSubscriber); err != nil {
		t.Fatal(err)
	}
	checkRules(t, db, opts.ViewsPerSubscriber)

	var (
		views, subscribers                     int
		churnedAvg, retainedAvg                float64
		churned30, retained30                  float64
		favouriteShare, primaryShare           float64
		lateLogins, noRecent, lapsed14, none14 int
	)
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM views), count(*),
		avg(n30 + nprev) FILTER (WHERE churned), avg(n30 + nprev) FILTER (WHERE NOT churned),
		avg(n30) FILTER (WHERE churned), avg(n30) FILTER (WHERE NOT churned),
		count(*) FILTER (WHERE days_since_login >= 60 AND watch_hours_prev_30d > 0),
		count(*) FILTER (WHERE churned AND n30 = 0),
		count(*) FILTER (WHERE days_since_login >= 14 OR sessions_30d = 0)
		FROM agg`).Scan(&views, &subscribers, &churnedAvg, &retainedAvg, &churned30, &retained30, &lateLogins, &noRecent, &lapsed14); err != nil {
		t.Fatal(err)
	}
	if per := float64(views) / float64(subscribers); per < 28 || per > 34 {
		t.Errorf("%.1f views per subscriber, want about 30", per)
	}
	if churnedAvg >= retainedAvg || churned30 >= retained30/2 {
		t.Errorf("churned subscribers average %.1f views (%.1f in the last 30 days) against %.1f (%.1f) for the others; want fewer, and far fewer lately",
			churnedAvg, churned30, retainedAvg, retained30)
	}
	if noRecent == 0 {
		t.Error("every churned subscriber viewed in the last 30 days")
	}
	t.Logf("%d views, %.1f per subscriber (churned %.1f, %.1f in 30 days; retained %.1f, %.1f); %d subscribers with prev-window hours but a last login 60+ days ago",
		views, float64(views)/float64(subscribers), churnedAvg, churned30, retainedAvg, retained30, lateLogins)

	// "Did not watch in the last 14 days" is a subscriber-column question too.
	if err := db.QueryRow(`SELECT count(*) FROM subscribers s WHERE NOT EXISTS (
		SELECT 1 FROM views v WHERE v.subscriber_id = s.subscriber_id AND v."time" >= TIMESTAMP '2026-11-01' - INTERVAL 14 DAY)`).Scan(&none14); err != nil {
		t.Fatal(err)
	}
	if none14 != lapsed14 {
		t.Errorf("%d subscribers have no view in the last 14 days, but %d have days_since_login >= 14 or no sessions", none14, lapsed14)
	}

	// The approximate agreements: what people watch most is mostly their
	// favourite genre, on mostly their primary device.
	if err := db.QueryRow(`
		WITH g AS (SELECT subscriber_id, mode(genre ORDER BY genre) AS top_genre, mode(device ORDER BY device) AS top_device FROM views GROUP BY ALL)
		SELECT avg((top_genre = favorite_genre)::INT) FILTER (WHERE favorite_genre IS NOT NULL),
			avg((top_device = primary_device)::INT)
		FROM g JOIN subscribers USING (subscriber_id)`).Scan(&favouriteShare, &primaryShare); err != nil {
		t.Fatal(err)
	}
	if favouriteShare < 0.8 || primaryShare < 0.8 {
		t.Errorf("the most-watched genre is the favourite for %.0f%% and the most-used device the primary for %.0f%%; want most", 100*favouriteShare, 100*primaryShare)
	}
	t.Logf("most-watched genre = favorite_genre for %.1f%%, most-used device = primary_device for %.1f%%", 100*favouriteShare, 100*primaryShare)
}

// At another seed and a lower rate the exact agreements hold, with the
// sessions merged into fewer views.
func TestViewsAgreeAtAnotherRate(t *testing.T) {
	opts := sampledata.Options{Rows: 4000, Seed: 11, ViewsPerSubscriber: 10}
	db := loadSet(t, opts).DB()
	if _, err := db.Exec(perSubscriber); err != nil {
		t.Fatal(err)
	}
	checkRules(t, db, opts.ViewsPerSubscriber)
	var per float64
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM views) / count(*) FROM subscribers`).Scan(&per); err != nil {
		t.Fatal(err)
	}
	if per < 9 || per > 13 {
		t.Errorf("%.1f views per subscriber at a rate of 10", per)
	}
}

func TestViewsColumnsImportTyped(t *testing.T) {
	ws := loadSet(t, sampledata.Options{Rows: 50, Seed: 2, ViewsPerSubscriber: 30})
	if info, err := ws.Table(context.Background(), "views"); err != nil || info.Key != "view_id" {
		t.Errorf("views' key: %q (%v), want view_id", info.Key, err)
	}
	var got []string
	rows, err := ws.DB().Query(`SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_name = 'views' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	want := "view_id BIGINT, subscriber_id BIGINT, title VARCHAR, genre VARCHAR, minutes BIGINT, completed BOOLEAN, device VARCHAR, time TIMESTAMP"
	if g := strings.Join(got, ", "); g != want {
		t.Errorf("views imports as\n%s\nwant\n%s", g, want)
	}
}
