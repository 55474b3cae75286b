package risk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
)

var now = time.Date(2026, time.November, 22, 12, 0, 0, 0, time.UTC)

// people is a table built so that each flag has a group of rows to fire on:
// tag a (30 adults in the US, opted in to email), m (15 twelve-year-olds), e
// (20 adults in Germany) and n (20 adults who said no to email).
func people(t *testing.T) *query.Workspace {
	t.Helper()
	ws := querytest.Empty(t)
	var b strings.Builder
	b.WriteString("id,email,country,age,email_opt_in,tag,religion,interest,spend\n")
	id := 0
	group := func(n int, tag, country string, age int, optIn string) {
		for range n {
			id++
			interest := "sports"
			if id%2 == 0 {
				interest = "diabetes care"
			}
			fmt.Fprintf(&b, "%d,p%d@example.com,%s,%d,%s,%s,none,%s,%d\n", id, id, country, age, optIn, tag, interest, 10+id)
		}
	}
	group(30, "a", "US", 30, "yes")
	group(15, "m", "US", 12, "yes")
	group(20, "e", "DE", 30, "yes")
	group(20, "n", "US", 30, "no")
	querytest.ImportCSV(t, ws, "people", b.String())
	// The same rows without any consent set up.
	querytest.ImportCSV(t, ws, "unconsented", b.String())
	c := consent.Config{Table: "people", Layout: consent.Wide, Policy: consent.DefaultPolicy(),
		Wide: []consent.WideColumn{{Column: "email_opt_in", Channel: "email"}}}
	c.Policy.CountryColumn, c.Policy.AgeColumn = "country", "age"
	if _, err := consent.New(ws).Setup(context.Background(), c, "test setup"); err != nil {
		t.Fatal(err)
	}
	return ws
}

func newAssessor(ws *query.Workspace) *Assessor {
	c := consent.New(ws)
	c.Now = func() time.Time { return now }
	return New(ws, c)
}

func define(t *testing.T, ws *query.Workspace, d segments.Definition) {
	t.Helper()
	if _, err := segments.NewStore(ws).Define(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

func codes(as Assessment) []Code {
	out := make([]Code, len(as.Flags))
	for i, f := range as.Flags {
		out[i] = f.Code
	}
	return out
}

// Each flag fires on the fixture built for it, and on nothing else there; the
// clean segment raises none.
func TestEachFlagFiresOnItsFixture(t *testing.T) {
	ws := people(t)
	ctx := context.Background()
	a := newAssessor(ws)
	described := func(name, table, rule string) segments.Definition {
		return segments.Definition{Name: name, Table: table, Rule: rule, Description: "a test audience", Reason: "test"}
	}
	cases := []struct {
		def    segments.Definition
		want   []Code
		reason string // a part of the flag's reason
	}{
		{described("clean", "people", "tag = 'a'"), nil, ""},
		{described("by_email", "people", "tag = 'a' and email <> ''"), []Code{PersonalData}, "email (email)"},
		{described("kids", "people", "tag in ('a', 'm')"), []Code{Minors}, "15 of 45 members are minors"},
		{described("few", "people", "tag = 'a' and id <= 5"), []Code{SmallCell}, "5 members, fewer than k = 10"},
		{described("faithful", "people", "tag = 'a' and religion <> 'x'"), []Code{SpecialCategory}, "religion or beliefs (column religion)"},
		{described("diabetics", "people", "tag = 'a' and interest = 'diabetes care'"), []Code{SpecialCategory}, "health (value 'diabetes care')"},
		{described("health_fans", "people", "tag = 'a'"), []Code{SpecialCategory}, "health (name health_fans)"},
		{described("refusers", "people", "tag = 'n'"), []Code{LowCoverage}, "only 0% of members (0 of 20) may be contacted on email"},
		{described("germans", "people", "tag = 'e'"), []Code{Strict}, "100% of members (EU/EEA 20)"},
		{described("elsewhere", "unconsented", "tag = 'a'"), []Code{NoConsent}, "table unconsented has no consent set up"},
		{segments.Definition{Name: "bare", Table: "people", Rule: "tag = 'a'", Reason: "test"}, []Code{NoDescription}, "no description"},
		{segments.Definition{Name: "unexplained", Table: "people", Rule: "tag = 'a'", Description: "a test audience"}, []Code{NoReason}, "version 1 was saved without a reason"},
	}
	for _, c := range cases {
		define(t, ws, c.def)
	}
	for _, c := range cases {
		t.Run(c.def.Name, func(t *testing.T) {
			as, err := a.Assess(ctx, c.def.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(codes(as), c.want) {
				t.Fatalf("flags %v, want %v (%+v)", codes(as), c.want, as.Flags)
			}
			if c.reason != "" && !strings.Contains(as.Flags[0].Reason, c.reason) {
				t.Errorf("reason %q does not say %q", as.Flags[0].Reason, c.reason)
			}
		})
	}
}

// A later version without a reason is flagged though the first had one, and the
// description kept from the first version counts.
func TestReasonIsTheLatestVersions(t *testing.T) {
	ws := people(t)
	ctx := context.Background()
	define(t, ws, segments.Definition{Name: "s", Table: "people", Rule: "tag = 'a'", Description: "d", Reason: "first"})
	define(t, ws, segments.Definition{Name: "s", Table: "people", Rule: "tag = 'a' and spend > 0"})
	as, err := newAssessor(ws).Assess(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes(as), []Code{NoReason}) || !strings.Contains(as.Flags[0].Reason, "version 2") {
		t.Fatalf("flags %+v, want only no_reason for version 2", as.Flags)
	}
}

func TestScore(t *testing.T) {
	f := func(levels ...Level) []Flag {
		out := make([]Flag, len(levels))
		for i, l := range levels {
			out[i] = Flag{Severity: l}
		}
		return out
	}
	for _, c := range []struct {
		flags []Flag
		want  Level
	}{
		{nil, Low}, {f(Low), Low}, {f(Low, Low), Medium}, {f(Medium), Medium}, {f(Medium, Low), Medium},
		{f(Medium, Medium), High}, {f(High), High}, {f(Low, High), High},
	} {
		if got := Score(c.flags); got != c.want {
			t.Errorf("Score(%v) = %s, want %s", c.flags, got, c.want)
		}
	}
}

// The policy decides what gates an export: the score from the gate score, and
// the flags it blocks on alone; its k moves the small-cell line. Every change
// is audited with the old and new policy; a bad one changes nothing.
func TestPolicyGatesAndIsAudited(t *testing.T) {
	ws := people(t)
	ctx := context.Background()
	a := newAssessor(ws)
	define(t, ws, segments.Definition{Name: "few", Table: "people", Rule: "tag = 'a' and id <= 5", Description: "d", Reason: "r"})
	define(t, ws, segments.Definition{Name: "bare", Table: "people", Rule: "tag = 'a'", Reason: "r"})

	gated := func(name string) bool {
		t.Helper()
		as, err := a.Assess(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return as.Gated
	}
	if !gated("few") || gated("bare") {
		t.Fatal("by default a small cell (high) gates and a missing description (low) does not")
	}

	p, err := a.Policy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.K, p.Block = 3, []Code{"No_Description "}
	if _, err := a.SetPolicy(ctx, p, "DPO review"); err != nil {
		t.Fatal(err)
	}
	if gated("few") || !gated("bare") {
		t.Fatal("with k = 3 five members are no small cell, and no_description now gates on its own")
	}
	as, _ := a.Assess(ctx, "bare")
	if !as.Flags[0].Blocks {
		t.Error("the blocking flag is not marked as such")
	}

	entries, err := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionPolicyChange})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range entries {
		if e.Subject == PolicySubject {
			found = strings.Contains(e.Details, `"k":3`) && strings.Contains(e.Details, `"no_description"`) &&
				strings.Contains(e.Details, "DPO review") && !strings.Contains(e.Details, `"previous"`)
		}
	}
	if !found {
		t.Fatalf("no audit entry of the first policy with k 3, the blocked flag and the reason: %+v", entries)
	}

	for _, bad := range []struct {
		change func(*Policy)
		reason string
		want   string
	}{
		{func(p *Policy) { p.K = 0 }, "r", "k must be at least 1"},
		{func(p *Policy) { p.GateScore = "severe" }, "r", "low, medium, high or off"},
		{func(p *Policy) { p.Block = []Code{"minor"} }, "r", `unknown flag "minor"`},
		{func(p *Policy) { p.MinCoverage = 2 }, "r", "from 0 to 1"},
		{func(p *Policy) { p.K = 50 }, "  ", "say why"},
	} {
		q, _ := a.Policy(ctx)
		bad.change(&q)
		if _, err := a.SetPolicy(ctx, q, bad.reason); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("SetPolicy: %v, want an error saying %q", err, bad.want)
		}
	}
	after, _ := a.Policy(ctx)
	if after.K != 3 {
		t.Errorf("a refused change changed the policy: k = %d", after.K)
	}
	again, _ := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionPolicyChange})
	if len(again) != len(entries) {
		t.Errorf("refused changes were audited: %d entries, then %d", len(entries), len(again))
	}
}

// Coverage is judged on the policy's main channel, else email, else the first
// channel the table's consent knows; a main channel the table does not know
// falls back the same way.
func TestMainChannel(t *testing.T) {
	ws := people(t)
	ctx := context.Background()
	a := newAssessor(ws)
	querytest.ImportCSV(t, ws, "texters", "id,sms_opt_in,tag\n1,yes,a\n2,no,a\n3,no,a\n")
	c := consent.Config{Table: "texters", Layout: consent.Wide, Policy: consent.DefaultPolicy(),
		Wide: []consent.WideColumn{{Column: "sms_opt_in", Channel: "sms"}}}
	if _, err := consent.New(ws).Setup(ctx, c, "test setup"); err != nil {
		t.Fatal(err)
	}
	define(t, ws, segments.Definition{Name: "texts", Table: "texters", Rule: "tag = 'a'", Description: "d", Reason: "r"})
	define(t, ws, segments.Definition{Name: "mails", Table: "people", Rule: "tag = 'a'", Description: "d", Reason: "r"})
	channel := func(name string) (string, Assessment) {
		as, err := a.Assess(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return as.Channel, as
	}
	if ch, _ := channel("mails"); ch != "email" {
		t.Errorf("people judged on %q, want email", ch)
	}
	if ch, as := channel("texts"); ch != "sms" || !slices.Contains(codes(as), LowCoverage) {
		t.Errorf("texters judged on %q (%v), want sms with low coverage (1 of 3)", ch, codes(as))
	}
	p, _ := a.Policy(ctx)
	p.MainChannel = "push"
	if _, err := a.SetPolicy(ctx, p, "push first"); err != nil {
		t.Fatal(err)
	}
	if ch, _ := channel("mails"); ch != "email" {
		t.Errorf("with an unknown main channel, people judged on %q, want email", ch)
	}
}

// A consent setup that no longer fits its table is a flag of its own, with the
// reason, not a failure of the assessment.
func TestBrokenConsentIsAFlag(t *testing.T) {
	ws := people(t)
	ctx := context.Background()
	define(t, ws, segments.Definition{Name: "s", Table: "people", Rule: "tag = 'a'", Description: "d", Reason: "r"})
	// Imported again without its opt-in column.
	querytest.ImportCSV(t, ws, "people", "id,email,country,age,tag\n1,a@x.co,US,30,a\n")
	as, err := newAssessor(ws).Assess(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(codes(as), NoConsent) || !strings.Contains(as.Flags[0].Reason, "could not be counted") ||
		!strings.Contains(as.Flags[0].Reason, "email_opt_in") || as.Members != 1 {
		t.Fatalf("flags %+v, members %d", as.Flags, as.Members)
	}
}
