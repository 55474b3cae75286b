package consent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/querytest"
)

// customersCSV is a shop's customer export that happens to name its key
// subscriber_id, like the sample's consent events, but whose people are nobody in
// them (the sample's ids run from 1 to 20,000).
const customersCSV = `subscriber_id,email,plan,country,newsletter_opt_in
900001,ana@example.com,gold,PT,yes
900002,ben@example.com,gold,US,no
900003,cleo@example.com,basic,FR,
900004,dev@example.com,gold,GB,yes
`

// TestConsentBelongsToItsTable: the sample's consent events have a subscriber_id
// column and so does the user's file, but consent set up for subscribers says
// nothing about customers until a setup for customers is confirmed.
func TestConsentBelongsToItsTable(t *testing.T) {
	ctx := context.Background()
	ws := sample(t)
	querytest.ImportCSV(t, ws, "customers", customersCSV)
	s := newService(ws)
	gold := define(t, ws, "gold", "customers", "plan = 'gold'")

	_, err := s.Coverage(ctx, SegmentMembers(gold), nil)
	if !errors.Is(err, ErrNotConfigured) || !strings.Contains(err.Error(), "no consent set up for table customers") ||
		!strings.Contains(err.Error(), "segscope consent propose customers") {
		t.Fatalf("coverage: %v", err)
	}
	if _, err := s.Gate(ctx, SegmentMembers(gold), "email"); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("gate: %v", err)
	}
	m, err := s.Matrix(ctx)
	if err != nil || len(m.Rows) != 1 || !m.Rows[0].NotSetUp {
		t.Fatalf("matrix %+v (%v)", m, err)
	}

	// The consent events are not proposed (none of their people are customers);
	// the opt-in column is, and is not applied until confirmed.
	p, err := s.Propose(ctx, "customers")
	if err != nil {
		t.Fatal(err)
	}
	if p.Config.Layout != Wide || p.Overlap != nil || len(p.Config.Wide) != 1 ||
		p.Config.Wide[0] != (WideColumn{Column: "newsletter_opt_in", Channel: "newsletter"}) {
		t.Fatalf("proposal %+v", p)
	}
	if _, err := s.Config(ctx, "customers"); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("a proposal was stored: %v", err)
	}
	if _, err := s.Setup(ctx, p.Config, "the newsletter column"); err != nil {
		t.Fatal(err)
	}
	g, err := s.Gate(ctx, SegmentMembers(gold), "newsletter")
	if err != nil {
		t.Fatal(err)
	}
	// Of the three gold customers, 900001 and 900004 said yes and 900002 no.
	if g.Members != 3 || g.Included != 2 || g.Excluded[Denied] != 1 {
		t.Fatalf("gate %+v", g)
	}
	if n, err := ws.Count(ctx, "customers", g.Where); err != nil || n != 2 {
		t.Fatalf("the gate selects %d (%v)", n, err)
	}
	// The subscribers' setup is untouched.
	if c, err := s.Config(ctx, "subscribers"); err != nil || c.Events == nil || c.Events.Table != "consent" {
		t.Fatalf("subscribers %+v (%v)", c, err)
	}
}

func TestProposalNeedsKeyOverlap(t *testing.T) {
	ctx := context.Background()
	ws := sample(t, "subscribers", "consent")
	s := newService(ws)

	// No overlap and no opt-in columns: nothing is proposed, and the reason names
	// the events table that was looked at.
	named := scalar[int64](t, ws.DB(), `SELECT count(DISTINCT subscriber_id) FROM consent`)
	querytest.ImportCSV(t, ws, "members", "subscriber_id,plan\n900001,gold\n900002,basic\n")
	_, err := s.Propose(ctx, "members")
	if !errors.Is(err, ErrNoProposal) || !strings.Contains(err.Error(), "consent has a subscriber_id column, but none of the "+
		counts.Format(named)+" people it names are among the 2 rows of members") {
		t.Fatalf("zero overlap: %v", err)
	}

	// Keys that do match are proposed, with the overlap said, and doubts raised:
	// these are a sliver of the events' people, who already belong to subscribers.
	querytest.ImportCSV(t, ws, "vips", "subscriber_id,tier\n1,a\n2,a\n3,b\n4,b\n999999,c\n")
	p, err := s.Propose(ctx, "vips")
	if err != nil {
		t.Fatal(err)
	}
	matched := scalar[int64](t, ws.DB(), `SELECT count(DISTINCT subscriber_id) FROM consent WHERE subscriber_id IN (1, 2, 3, 4, 999999)`)
	want := Overlap{Members: 5, Matched: matched, Named: named, Strangers: named - matched}
	if matched == 0 || p.Config.Layout != Long || p.Config.Events.Table != "consent" || p.Overlap == nil || *p.Overlap != want {
		t.Fatalf("proposal %+v, overlap %+v, want %+v", p.Config, p.Overlap, want)
	}
	if wantText := fmt.Sprintf("%d of the 5 rows of vips (%.1f%%) have consent events in consent; %s of the %s people consent names are not in vips",
		matched, 100*float64(matched)/5, counts.Format(named-matched), counts.Format(named)); !strings.Contains(p.Evidence[0], wantText) {
		t.Errorf("evidence %q, want %q", p.Evidence, wantText)
	}
	if len(p.Warnings) != 2 || !strings.Contains(p.Warnings[0], "most people in consent") ||
		!strings.Contains(p.Warnings[1], "consent already holds the consent of subscribers") {
		t.Errorf("warnings %q", p.Warnings)
	}

	// With opt-in columns of its own, a table whose keys only look like the
	// events' gets its columns proposed, and the events are said to be set aside.
	querytest.ImportCSV(t, ws, "fans", "subscriber_id,sms_opt_in\n1,yes\n2,no\n")
	p, err = s.Propose(ctx, "fans")
	if err != nil || p.Config.Layout != Wide || p.Config.Wide[0].Channel != "sms" || len(p.Evidence) != 2 ||
		!strings.Contains(p.Evidence[1], "consent was set aside, as most of its people are not in fans") {
		t.Fatalf("fans: %+v (%v)", p, err)
	}

	// The sample's own pairing: everyone in the events is a subscriber, no doubts.
	p, err = s.Propose(ctx, "subscribers")
	if err != nil || p.Overlap == nil || p.Overlap.Matched != named || p.Overlap.Strangers != 0 || len(p.Warnings) != 0 {
		t.Fatalf("subscribers: %+v (%v)", p, err)
	}
}

// TestOverlapAcrossKeyTypes: an events table whose keys were read as text still
// matches an integer key, as the states query reads it.
func TestOverlapAcrossKeyTypes(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "people", "id,name\n1,a\n2,b\n3,c\n")
	querytest.ImportCSV(t, ws, "consent_log", "id,channel,status,event_time\nP-1,email,yes,2026-01-01\n2,email,yes,2026-01-01\n3,sms,no,2026-01-02\n")
	p, err := newService(ws).Propose(ctx, "people")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Overlap{Members: 3, Matched: 2, Named: 3, Strangers: 1}); p.Overlap == nil || *p.Overlap != want {
		t.Fatalf("overlap %+v, want %+v", p.Overlap, want)
	}
}

func TestSetupSample(t *testing.T) {
	ctx := context.Background()
	// Without its events table the subscribers' setup is left out; creators' stands alone.
	ws := sample(t, "subscribers", "creators")
	s := newService(ws)
	if _, err := s.Config(ctx, "subscribers"); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("subscribers without consent events: %v", err)
	}
	c, err := s.Config(ctx, "creators")
	if err != nil || c.Layout != Wide {
		t.Fatalf("creators %+v (%v)", c, err)
	}
	d := strings.Join(c.Describe(), "\n")
	for _, want := range []string{"opt-in columns of creators (key customer_id): email_opt_in → email, sms_opt_in → sms",
		"stale after 730 days", "nobody counts as a minor", "jurisdiction from country"} {
		if !strings.Contains(d, want) {
			t.Errorf("description %q lacks %q", d, want)
		}
	}
}

// A Global Privacy Control or do-not-sell column is proposed by its name.
func TestDetectDoNotSellColumn(t *testing.T) {
	for _, name := range []string{"sec_gpc", "GPC", "do_not_sell", "dns"} {
		got := detectPolicy(columnSet{table: "t", names: []string{"id", "email", name}, types: map[string]string{"id": "BIGINT", "email": "VARCHAR", name: "BOOLEAN"}})
		if got.DoNotSellColumn != name {
			t.Errorf("%s: proposed %q", name, got.DoNotSellColumn)
		}
	}
	if got := detectPolicy(columnSet{table: "t", names: []string{"id", "dnsname"}, types: map[string]string{}}); got.DoNotSellColumn != "" {
		t.Errorf("dnsname proposed as a do-not-sell flag")
	}
}
