package consent

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// An event without a time may be the latest: a refusal without one is never
// outranked by a dated grant, and a grant without one never outranks a dated event.
func TestUndatedEvents(t *testing.T) {
	cases := []struct {
		events []string // channel,status,time
		want   State
		why    string
	}{
		{[]string{"opt_in,2026-10-01 00:00:00", "withdrawn,"}, Withdrawn, "an undated withdrawal beats a dated grant"},
		{[]string{"opt_in,2026-10-01 00:00:00", "opt_out,"}, Denied, "an undated denial beats a dated grant"},
		{[]string{"withdrawn,2025-01-01 00:00:00", "opt_in,2026-10-01 00:00:00", "no,"}, Denied,
			"an undated denial ties with the latest dated event, a grant"},
		{[]string{"withdrawn,2026-10-01 00:00:00", "opt_out,"}, Withdrawn, "a tie of refusals: the more restrictive"},
		{[]string{"withdrawn,", "yes,", "opt_in,2026-10-01 00:00:00"}, Withdrawn, "undated grants do not soften an undated withdrawal"},
		{[]string{"opt_out,2025-01-01 00:00:00", "opt_in,"}, Denied, "an undated grant never beats a dated refusal"},
		{[]string{"opt_in,2026-10-01 00:00:00", "opt_in,"}, Granted, "an undated grant beside a fresh dated one"},
		{[]string{"opt_in,"}, Stale, "an undated grant alone cannot show it is fresh"},
		{[]string{"opt_out,"}, Denied, "an undated denial alone"},
		{[]string{"opt_in,2026-10-01 00:00:00", "pending,"}, Granted, "an undated unrecognized word is not a refusal"},
	}
	var people, events []string
	for i, c := range cases {
		people = append(people, fmt.Sprintf("%d,40,,US,NY", i+1))
		for _, e := range c.events {
			events = append(events, fmt.Sprintf("%d,email,%s", i+1, e))
		}
	}
	s, table := eventsWorkspace(t, strings.Join(people, "\n")+"\n", events)
	got := statesOf(t, s, table, "email")
	for i, c := range cases {
		if st := got[fmt.Sprint(i+1)].State; st != c.want {
			t.Errorf("%s (%v): %s, want %s", c.why, c.events, st, c.want)
		}
	}
}

// A time column read as text: a value that is not a time is undated.
func TestUndatedTextTimes(t *testing.T) {
	s, table := eventsWorkspace(t, "1,40,,US,NY\n2,40,,US,NY\n", []string{
		"1,email,opt_in,2026-10-01 00:00:00", "1,email,opt_out,soon",
		"2,email,opt_in,2026-10-01 00:00:00", "2,email,opt_in,someday",
	})
	got := statesOf(t, s, table, "email")
	if got["1"].State != Denied || got["2"].State != Granted {
		t.Errorf("a refusal dated 'soon': %s, want denied; a grant dated 'someday': %s, want granted", got["1"].State, got["2"].State)
	}
}

// An event dated in the future (past now plus ClockSkew) is counted, and never
// counts as the latest: a grant is set aside, a refusal still stands.
func TestFutureDatedEvents(t *testing.T) {
	at := func(minutes int) string {
		return now.Add(time.Duration(minutes) * time.Minute).Format("2006-01-02 15:04:05")
	}
	cases := []struct {
		events []string
		want   State
		future bool
		why    string
	}{
		{[]string{"opt_out,2025-06-01 00:00:00", "opt_in,2027-01-01 00:00:00"}, Denied, true, "a future grant does not undo a refusal"},
		{[]string{"opt_in,2027-01-01 00:00:00"}, Stale, true, "a future grant alone cannot show it is fresh"},
		{[]string{"opt_in,2025-06-01 00:00:00", "withdrawn,2030-01-01 00:00:00"}, Withdrawn, true, "a future withdrawal still stands"},
		{[]string{"opt_in,2025-06-01 00:00:00", "opt_in,2027-01-01 00:00:00"}, Granted, true, "the dated grant stands"},
		{[]string{"opt_out,2025-06-01 00:00:00", "opt_in," + at(2)}, Granted, false, "two minutes ahead is clock skew"},
		{[]string{"opt_out,2025-06-01 00:00:00", "opt_in," + at(10)}, Denied, true, "ten minutes ahead is the future"},
	}
	var people, events []string
	for i, c := range cases {
		people = append(people, fmt.Sprintf("%d,40,,US,NY", i+1))
		for _, e := range c.events {
			events = append(events, fmt.Sprintf("%d,email,%s", i+1, e))
		}
	}
	// Someone else's future event on another channel is not this channel's.
	people = append(people, fmt.Sprintf("%d,40,,US,NY", len(cases)+1))
	events = append(events, fmt.Sprintf("%d,sms,opt_in,2031-01-01 00:00:00", len(cases)+1))
	s, table := eventsWorkspace(t, strings.Join(people, "\n")+"\n", events)
	got := statesOf(t, s, table, "email")
	wantFuture := int64(0)
	for i, c := range cases {
		if st := got[fmt.Sprint(i+1)].State; st != c.want {
			t.Errorf("%s (%v): %s, want %s", c.why, c.events, st, c.want)
		}
		if c.future {
			wantFuture++
		}
	}
	cov, err := s.Coverage(context.Background(), WholeTable(table), nil)
	if err != nil {
		t.Fatal(err)
	}
	email, _ := cov.Channel("email")
	sms, _ := cov.Channel("sms")
	if email.FutureDated != wantFuture || sms.FutureDated != 1 {
		t.Errorf("future-dated members: email %d, want %d; sms %d, want 1", email.FutureDated, wantFuture, sms.FutureDated)
	}
	// The export gate lets through exactly the members counted granted.
	g, err := s.Gate(context.Background(), WholeTable(table), "email")
	if err != nil {
		t.Fatal(err)
	}
	if g.Included != email.Counts[Granted] || g.Included != 2 {
		t.Errorf("gate includes %d, coverage counts %d granted, want 2", g.Included, email.Counts[Granted])
	}
	included := scalar[int64](t, s.ws.DB(), `SELECT count(*) FROM main.people WHERE `+g.Where)
	if included != g.Included {
		t.Errorf("the gate's predicate selects %d, its count is %d", included, g.Included)
	}
}

// A wide layout's time column is judged the same way.
func TestWideFutureDated(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "shop", `id,email_opt_in,email_opt_in_at,country
1,yes,2026-10-01,US
2,yes,2027-06-01,US
3,no,2027-06-01,US
4,yes,,US
`)
	s := newService(ws)
	if _, err := s.Setup(ctx, Config{Table: "shop", Key: "id", Layout: Wide,
		Wide:   []WideColumn{{Column: "email_opt_in", Channel: "email", Time: "email_opt_in_at"}},
		Policy: Policy{StaleDays: 730, MinorAge: 13, MinorAgeEU: 16, CountryColumn: "country"}}, "test"); err != nil {
		t.Fatal(err)
	}
	got := statesOf(t, s, "shop", "email")
	for key, want := range map[string]State{"1": Granted, "2": Stale, "3": Denied, "4": Stale} {
		if got[key].State != want {
			t.Errorf("person %s: %s, want %s", key, got[key].State, want)
		}
	}
	cov, err := s.Coverage(ctx, WholeTable("shop"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cov.Channels[0].FutureDated != 2 {
		t.Errorf("future-dated %d, want 2", cov.Channels[0].FutureDated)
	}
}

// An unknown age is counted on its own, and the policy says whether it bars
// contact; changing that is a policy change, audited with what it replaced.
func TestUnknownAge(t *testing.T) {
	ctx := context.Background()
	rows := []string{
		"1,30,,DE,", "2,,,DE,", "3,,,US,NY", "4,n/a,,GB,", "5,999,,US,NY", "6,-1,,FR,", "7,12,,US,NY", "8,,true,DE,",
	}
	var events []string
	for i := range rows {
		events = append(events, fmt.Sprintf("%d,email,opt_in,2026-10-01 00:00:00", i+1))
	}
	s, table := eventsWorkspace(t, strings.Join(rows, "\n")+"\n", events)
	cfg, err := s.Config(ctx, table)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Policy.UnknownAge != NotContactable {
		t.Errorf("a setup without the setting stores %q, want the default %q", cfg.Policy.UnknownAge, NotContactable)
	}
	check := func(want map[string]State, contactable int64) {
		t.Helper()
		got := statesOf(t, s, table, "email")
		for key, st := range want {
			if got[key].State != st {
				t.Errorf("person %s: %s, want %s", key, got[key].State, st)
			}
		}
		cov, err := s.Coverage(ctx, WholeTable(table), []string{"email"})
		if err != nil {
			t.Fatal(err)
		}
		if cov.AgeUnknown != 6 {
			t.Errorf("age unknown %d, want 6 (empty, n/a, 999, -1, and the one with parental consent)", cov.AgeUnknown)
		}
		if cov.Channels[0].Contactable != contactable {
			t.Errorf("contactable %d, want %d", cov.Channels[0].Contactable, contactable)
		}
	}
	check(map[string]State{"1": Granted, "2": Minor, "3": Minor, "4": Minor, "5": Minor, "6": Minor, "7": Minor, "8": Granted}, 2)

	cfg.Policy.UnknownAge = "Contactable"
	if _, err := s.Setup(ctx, cfg, "ages are collected only from adults"); err != nil {
		t.Fatal(err)
	}
	check(map[string]State{"1": Granted, "2": Granted, "3": Granted, "4": Granted, "5": Granted, "6": Granted, "7": Minor, "8": Granted}, 7)

	log, err := s.ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionPolicyChange, Subject: "consent:" + table, Limit: 1})
	if err != nil || len(log) != 1 {
		t.Fatalf("audit log %v, %v", log, err)
	}
	var entry struct {
		Config   Config `json:"config"`
		Previous Config `json:"previous"`
	}
	if err := json.Unmarshal([]byte(log[0].Details), &entry); err != nil {
		t.Fatal(err)
	}
	if entry.Config.Policy.UnknownAge != Contactable || entry.Previous.Policy.UnknownAge != NotContactable {
		t.Errorf("audited %q, previously %q", entry.Config.Policy.UnknownAge, entry.Previous.Policy.UnknownAge)
	}

	cfg.Policy.UnknownAge = "sometimes"
	if _, err := s.Setup(ctx, cfg, ""); err == nil || !strings.Contains(err.Error(), "unknown age must be not_contactable or contactable") {
		t.Errorf("a bad setting: %v", err)
	}
}
