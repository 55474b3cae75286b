package consentscreen

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

func TestConsentMatrixMatchesCoverage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := tuitest.Sample.Open(t)
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 120, 33)
	mx := m.matrix
	if mx == nil || len(mx.Rows) != len(tuitest.AnalysisSegments) {
		t.Fatalf("matrix %+v", mx)
	}
	svc := consent.New(ws)
	svc.Now = tuitest.Now
	store := segments.NewStore(ws)
	for _, row := range mx.Rows {
		if row.Table == "customers" {
			continue // no consent set up: below
		}
		c, err := store.Compile(ctx, row.Segment)
		if err != nil {
			t.Fatal(err)
		}
		cov, err := svc.Coverage(ctx, consent.SegmentMembers(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, ch := range mx.Channels {
			cell := row.Cells[i]
			want, ok := cov.Channel(ch)
			if ok != cell.Available || cell.Contactable != want.Contactable || cell.Share != want.Share {
				t.Errorf("%s on %s: matrix %+v, coverage %+v (%v)", row.Segment, ch, cell, want.Tally, ok)
			}
		}
	}
	churn := mx.Rows[1]
	email := churn.Cells[1]
	if churn.Segment != "churn_risk" || mx.Channels[1] != "email" {
		t.Fatalf("rows %v, channels %v", churn.Segment, mx.Channels)
	}
	tuitest.MustShow(t, m.View(), "churn_risk", draw.Count(email.Contactable), "no consent set up for customers")

	// The detail of churn_risk is its coverage, email under the cursor.
	tuitest.Press(t, m, "j", "l", "enter")
	cov, err := m.cov, m.covErr
	if err != nil || cov == nil || cov.Population.Segment != "churn_risk" || m.channel() != "email" {
		t.Fatalf("detail %+v (%v), channel %s", cov, err, m.channel())
	}
	cc, _ := cov.Channel("email")
	tuitest.MustShow(t, m.View(), "email by jurisdiction", "EU/EEA", draw.Count(cc.Counts[consent.Denied]))

	// j on the detail moves to the next segment: customers has no consent set
	// up and nothing to propose (creators shares its customer_id key name, but
	// its opt-in columns are its own).
	tuitest.Press(t, m, "j")
	tuitest.MustShow(t, m.View(), "No consent is set up for customers", "never borrowed",
		"segscope consent setup --table customers")
	if p, err := m.setup.proposal, m.setup.proposalErr; p != nil || !errors.Is(err, consent.ErrNoProposal) {
		t.Fatalf("proposal for customers %+v (%v)", p, err)
	}
	tuitest.Press(t, m, "esc")
	if m.view == viewSegment {
		t.Fatal("esc did not go back to the matrix")
	}
}

// TestConsentSetupFromProposal: a table without a setup shows what segscope
// proposes; s opens the confirm form, enter saves it with the reason typed, and
// the matrix counts the table's segments at once.
func TestConsentSetupFromProposal(t *testing.T) {
	ctx := context.Background()
	ws := tuitest.Sample.Open(t)
	path := filepath.Join(t.TempDir(), "shop.csv")
	if err := os.WriteFile(path, []byte("shopper_id,plan,newsletter_opt_in\n1,gold,yes\n2,gold,no\n3,basic,yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(ctx, path, query.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	tuitest.Define(t, ws, segments.Definition{Name: "zz_gold_shoppers", Table: "shop", Rule: "plan = 'gold'"})
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 100, 27)
	tuitest.MustShow(t, m.View(), "no consent set up for shop")
	tuitest.Press(t, m, "G", "enter")
	tuitest.MustShow(t, m.View(), "No consent is set up for shop", "segscope proposes:", "newsletter_opt_in → newsletter", "Press s")
	if p, err := m.setup.proposal, m.setup.proposalErr; p == nil || err != nil || p.Config.Layout != consent.Wide {
		t.Fatalf("proposal %+v (%v)", p, err)
	}
	// Nothing is stored until the analyst confirms.
	svc := consent.New(ws)
	if _, err := svc.Config(ctx, "shop"); !errors.Is(err, consent.ErrNotConfigured) {
		t.Fatalf("before confirming: %v", err)
	}
	tuitest.Press(t, m, "s")
	if !m.confirming() || !m.CapturesText() {
		t.Fatal("s did not open the confirm form")
	}
	tuitest.MustShow(t, m.View(), "Save this consent setup for shop?", "Reason")
	// esc closes the form without saving.
	tuitest.Press(t, m, "esc")
	if m.confirming() || !(m.view == viewSegment) {
		t.Fatal("esc did not close the form")
	}
	tuitest.Press(t, m, "s")
	tuitest.Type(t, m, "newsletter only, quick check")
	tuitest.Press(t, m, "enter")
	if m.confirming() {
		t.Fatal("the form is still open after saving")
	}
	c, err := svc.Config(ctx, "shop")
	if err != nil || c.Layout != consent.Wide || c.Wide[0].Column != "newsletter_opt_in" {
		t.Fatalf("saved %+v (%v)", c, err)
	}
	log, err := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionPolicyChange})
	if err != nil || len(log) == 0 || log[0].Subject != "consent:shop" || !strings.Contains(log[0].Details, "newsletter only, quick check") {
		t.Fatalf("audit %+v (%v)", log, err)
	}
	// The recount counts shop's segment, and the detail is its coverage.
	mx := m.matrix
	row := mx.Rows[len(mx.Rows)-1]
	if row.Segment != "zz_gold_shoppers" || row.NotSetUp || row.Members != 2 {
		t.Fatalf("matrix row %+v", row)
	}
	cov, err := m.cov, m.covErr
	if err != nil || cov == nil || cov.Population.Segment != "zz_gold_shoppers" {
		t.Fatalf("detail %+v (%v)", cov, err)
	}
	if nl, ok := cov.Channel("newsletter"); !ok || nl.Contactable != 1 || nl.Counts[consent.Denied] != 1 {
		t.Fatalf("newsletter coverage %+v", nl)
	}
}

// TestConsentDetailShowsEdgeCounts: a segment's detail shows how many members'
// age is unknown and how the policy treats them, and how many have an event dated
// in the future, beside the state counts those decide.
func TestConsentDetailShowsEdgeCounts(t *testing.T) {
	ctx := context.Background()
	ws := tuitest.Sample.Open(t)
	dir := t.TempDir()
	people := filepath.Join(dir, "people.csv")
	events := filepath.Join(dir, "people_consent.csv")
	if err := os.WriteFile(people, []byte("person_id,age,country\n1,30,Deutschland\n2,,Allemagne\n3,,USA\n4,40,GBR\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(events, []byte("person_id,channel,status,event_time\n"+
		"1,email,opt_in,2026-01-01 00:00:00\n1,email,withdrawn,\n2,email,opt_in,2026-01-01 00:00:00\n"+
		"3,email,opt_in,2999-01-01 00:00:00\n4,email,opt_in,2026-01-01 00:00:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{people, events} {
		if _, err := ws.Import(ctx, path, query.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := consent.New(ws).Setup(ctx, consent.Config{Table: "people", Key: "person_id", Layout: consent.Long,
		Events: &consent.Events{Table: "people_consent", Channel: "channel", Status: "status", Time: "event_time"},
		Policy: consent.Policy{StaleDays: 730, MinorAge: 13, MinorAgeEU: 16, AgeColumn: "age", CountryColumn: "country"},
	}, "test"); err != nil {
		t.Fatal(err)
	}
	tuitest.Define(t, ws, segments.Definition{Name: "zz_people", Table: "people", Rule: "person_id > 0"})
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 140, 37)
	tuitest.Press(t, m, "G", "enter")
	cov, err := m.cov, m.covErr
	if err != nil || cov == nil || cov.Population.Segment != "zz_people" {
		t.Fatalf("detail %+v (%v)", cov, err)
	}
	email, _ := cov.Channel("email")
	if cov.AgeUnknown != 2 || email.FutureDated != 1 || email.Contactable != 1 || email.Counts[consent.Withdrawn] != 1 {
		t.Fatalf("age unknown %d, future-dated %d, tally %+v", cov.AgeUnknown, email.FutureDated, email.Tally)
	}
	tuitest.MustShow(t, m.View(), "2 members' age is unknown: an unknown age counts as a minor's (unknown age: not_contactable)",
		"email: 1 members have an event dated in the future")
}

// The matrix's header tells when consent was counted, not an "as of": the
// status line's as-of is the events' (what windows count back from), and the
// sample's is a month before the clock, so two "as of" dates stood on screen.
func TestConsentMatrixSaysWhenCounted(t *testing.T) {
	t.Parallel()
	ws := tuitest.Sample.Open(t)
	env := tuitest.Env(t, ws)
	m := tuitest.Open(t, New(env), 120, 33)
	if m.matrix == nil {
		t.Fatal("no matrix")
	}
	view := m.View()
	tuitest.MustShow(t, view, "counted "+m.matrix.AsOf.In(env.Now().Location()).Format("2006-01-02 15:04"))
	if strings.Contains(view, "as of") {
		t.Errorf("the consent screen says as of:\n%s", view)
	}
}
