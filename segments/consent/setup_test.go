package consent

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

func TestSetupStoresAndAudits(t *testing.T) {
	ctx := context.Background()
	ws := querytest.SampleCopy(t)
	s := newService(ws)
	cfg := Config{
		Table: "subscribers", Key: "subscriber_id", Layout: Long,
		Events: &Events{Table: "consent", Key: "subscriber_id", Channel: "channel", Status: "status", Time: "event_time", Source: "source"},
		Policy: Policy{StaleDays: 365, MinorAge: 13, MinorAgeEU: 16, AgeColumn: "age", ParentalColumn: "parental_consent", CountryColumn: "country", StateColumn: "state"},
	}
	if _, err := s.Setup(ctx, cfg, "one year is our policy"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Config(ctx, "subscribers")
	if err != nil {
		t.Fatal(err)
	}
	if got.Policy.StaleDays != 365 || got.Events.Source != "source" {
		t.Fatalf("stored %+v", got)
	}
	cfg.Policy.StaleDays = 400
	if _, err := s.Setup(ctx, cfg, "relaxed"); err != nil {
		t.Fatal(err)
	}
	log, err := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionPolicyChange})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Subject != "consent:subscribers" || log[0].Actor != "tester" {
		t.Fatalf("audit %+v", log)
	}
	var details struct {
		Config, Previous Config
		Reason           string
	}
	if err := json.Unmarshal([]byte(log[0].Details), &details); err != nil {
		t.Fatal(err)
	}
	if details.Config.Policy.StaleDays != 400 || details.Previous.Policy.StaleDays != 365 || details.Reason != "relaxed" {
		t.Errorf("audit details %s", log[0].Details)
	}
	if v, err := ws.VerifyAudit(ctx); err != nil || !v.OK() {
		t.Errorf("audit chain: %+v %v", v, err)
	}

	// The stored policy is the one applied: a shorter window makes more grants stale.
	cov, err := s.Coverage(ctx, WholeTable("subscribers"), []string{"email"})
	if err != nil {
		t.Fatal(err)
	}
	want := scalar[int64](t, ws.DB(), `
		SELECT count(*) FROM (
			SELECT subscriber_id, arg_max(status, event_time) AS status, max(event_time) AS last_at FROM consent
			WHERE channel = 'email' GROUP BY ALL) l
		JOIN subscribers USING (subscriber_id)
		WHERE status IN ('opt_in', 'subscribed', 'granted', 'true', 'yes') AND last_at < TIMESTAMP '2025-10-18 12:00:00'
		AND NOT ((age < 13 OR (age < 16 AND country IN `+euCountries+`)) AND NOT coalesce(parental_consent, false))`)
	if got := cov.Channels[0].Counts[Stale]; got != want {
		t.Errorf("stale with a 400-day window: %d, want %d", got, want)
	}
}

func TestSetupRejectsBadConfigs(t *testing.T) {
	ctx := context.Background()
	ws := querytest.SampleCopy(t)
	s := newService(ws)
	long := func(edit func(*Config)) Config {
		c := Config{Table: "subscribers", Layout: Long, Policy: DefaultPolicy(),
			Events: &Events{Table: "consent", Channel: "channel", Status: "status", Time: "event_time"}}
		edit(&c)
		return c
	}
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no table", long(func(c *Config) { c.Table = "nope" }), `table "nope"`},
		{"status typo", long(func(c *Config) { c.Events.Status = "stauts" }), `status column "stauts" is not a column of consent (its columns: row_id, subscriber_id, channel, status, event_time, source)`},
		{"time not a time", long(func(c *Config) { c.Events.Time = "subscriber_id" }), "not dates or timestamps"},
		{"no window", long(func(c *Config) { c.Policy.StaleDays = 0 }), "at least one day"},
		{"ages upside down", long(func(c *Config) { c.Policy.MinorAgeEU = 10 }), "minor ages"},
		{"age column", long(func(c *Config) { c.Policy.AgeColumn = "years" }), `age column "years"`},
		{"key with duplicates", long(func(c *Config) { c.Key = "country" }), "duplicate or empty values"},
		{"events in the audience", long(func(c *Config) { c.Events.Table = "subscribers" }), "their own table"},
		{"layout", long(func(c *Config) { c.Layout = "diagonal" }), `layout must be "long" or "wide"`},
		{"wide without columns", Config{Table: "creators", Layout: Wide, Policy: DefaultPolicy()}, "at least one COLUMN=CHANNEL"},
		{"wide twice", Config{Table: "creators", Layout: Wide, Policy: DefaultPolicy(), Wide: []WideColumn{
			{Column: "email_opt_in", Channel: "email"}, {Column: "sms_opt_in", Channel: "EMAIL"}}}, "both record channel email"},
		{"wide bad channel", Config{Table: "creators", Layout: Wide, Policy: DefaultPolicy(), Wide: []WideColumn{
			{Column: "email_opt_in", Channel: "e.mail"}}}, "use lowercase letters"},
	}
	for _, c := range cases {
		_, err := s.Setup(ctx, c.cfg, "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
	}
	if log, _ := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionPolicyChange}); len(log) != 0 {
		t.Errorf("rejected setups were audited: %d entries", len(log))
	}
}

func TestUnknownChannel(t *testing.T) {
	ctx := context.Background()
	ws := sample(t)
	s := newService(ws)
	_, err := s.Coverage(ctx, WholeTable("subscribers"), []string{"fax"})
	if !errors.Is(err, ErrUnknownChannel) || !strings.Contains(err.Error(), "ads_personalization, email, push, sms") {
		t.Fatalf("coverage: error %v", err)
	}
	_, err = s.Gate(ctx, WholeTable("subscribers"), "e-mail")
	if !errors.Is(err, ErrUnknownChannel) || !strings.Contains(err.Error(), `"e_mail"`) {
		t.Fatalf("gate: error %v", err)
	}
	_, err = s.Coverage(ctx, WholeTable("creators"), []string{"push"})
	if !errors.Is(err, ErrUnknownChannel) || !strings.Contains(err.Error(), "knows email, sms") {
		t.Fatalf("wide: error %v", err)
	}

	// Nobody in the population has a record: the channels still exist, at zero.
	nobody := define(t, ws, "nobody", "subscribers", "age > 500")
	cov, err := s.Coverage(ctx, SegmentMembers(nobody), nil)
	if err != nil || len(cov.Channels) != 4 || cov.Members != 0 {
		t.Fatalf("empty segment: %+v %v", cov, err)
	}
	if cov, err = s.Coverage(ctx, SegmentMembers(nobody), []string{"sms"}); err != nil || cov.Channels[0].Counts[Unknown] != 0 {
		t.Fatalf("empty segment on sms: %+v %v", cov, err)
	}
}

func TestGate(t *testing.T) {
	ctx := context.Background()
	ws := sample(t)
	s := newService(ws)
	churn := define(t, ws, "churn_risk", "subscribers", "days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2")
	g, err := s.Gate(ctx, SegmentMembers(churn), "email")
	if err != nil {
		t.Fatal(err)
	}
	var excluded int64
	for _, n := range g.Excluded {
		excluded += n
	}
	if g.Members == 0 || g.Included+excluded != g.Members || len(g.Excluded) != len(States)-1 {
		t.Fatalf("gate %+v", g)
	}
	if n, err := ws.Count(ctx, "subscribers", g.Where); err != nil || n != g.Included {
		t.Fatalf("the gate's predicate selects %d (%v), it counted %d", n, err, g.Included)
	}
	cov, err := s.Coverage(ctx, SegmentMembers(churn), []string{"email"})
	if err != nil {
		t.Fatal(err)
	}
	for st, n := range cov.Channels[0].Counts {
		if st != Granted && g.Excluded[st] != n {
			t.Errorf("%s: gate %d, coverage %d", st, g.Excluded[st], n)
		}
	}
}

func TestMatrix(t *testing.T) {
	ctx := context.Background()
	ws := sample(t)
	s := newService(ws)
	define(t, ws, "churn_risk", "subscribers", "days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2")
	define(t, ws, "premium", "subscribers", "plan = 'premium'")
	define(t, ws, "nobody", "subscribers", "age > 500")
	define(t, ws, "big_spenders", "creators", "total_spent > 200")
	querytest.ImportCSV(t, ws, "plain", "id,name\n1,a\n2,b\n")
	define(t, ws, "plain_all", "plain", "id > 0")

	m, err := s.Matrix(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.Channels, ",") != "ads_personalization,email,push,sms" || len(m.Rows) != 5 {
		t.Fatalf("matrix channels %v, rows %d", m.Channels, len(m.Rows))
	}
	for _, r := range m.Rows {
		switch r.Segment {
		case "plain_all":
			// plain has a key but no consent: nobody's consent is borrowed for it.
			if !r.NotSetUp || !strings.Contains(r.Problem, "no consent set up for table plain") {
				t.Errorf("plain_all: problem %q", r.Problem)
			}
			continue
		case "nobody":
			if r.Members != 0 || !r.Cells[1].Available || r.Cells[1].Contactable != 0 {
				t.Errorf("nobody: %+v", r)
			}
			continue
		}
		c, err := s.segments.Compile(ctx, r.Segment)
		if err != nil {
			t.Fatal(err)
		}
		cov, err := s.Coverage(ctx, SegmentMembers(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, channel := range m.Channels {
			cc, ok := cov.Channel(channel)
			cell := r.Cells[i]
			if cell.Available != ok || cell.Contactable != cc.Contactable || cell.Share != cc.Share || (ok && r.Members != cc.Members) {
				t.Errorf("%s/%s: matrix %+v (members %d), coverage %d of %d", r.Segment, channel, cell, r.Members, cc.Contactable, cc.Members)
			}
		}
	}
}
