package tui

import (
	"context"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/styles"
)

func TestConsentMatrixMatchesCoverage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := sharedSampleWorkspace(t)
	m := newSampleModel(t, ws, 120, 36, styles.Dark)
	press(t, m, "5")
	mx := m.Consent().Matrix()
	if mx == nil || len(mx.Rows) != len(analysisSegments) {
		t.Fatalf("matrix %+v", mx)
	}
	svc := consent.New(ws)
	svc.Now = fixedNow
	store := segments.NewStore(ws)
	for _, row := range mx.Rows {
		if row.Table == "customers" {
			continue // no consent data: below
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
	mustContain(t, m, "churn_risk", common.Count(email.Contactable), "no consent data for customers")

	// The detail of churn_risk is its coverage, email under the cursor.
	press(t, m, "j", "l", "enter")
	cov, err := m.Consent().Coverage()
	if err != nil || cov == nil || cov.Population.Segment != "churn_risk" || m.Consent().Channel() != "email" {
		t.Fatalf("detail %+v (%v), channel %s", cov, err, m.Consent().Channel())
	}
	cc, _ := cov.Channel("email")
	mustContain(t, m, "email by jurisdiction", "EU/EEA", common.Count(cc.Counts[consent.Denied]))

	// j on the detail moves to the next segment: customers has no consent data.
	press(t, m, "j")
	mustContain(t, m, "No consent data is configured or detected for customers",
		"segscope consent setup --table customers --key customer_id")
	press(t, m, "esc")
	if m.Consent().InSegment() {
		t.Fatal("esc did not go back to the matrix")
	}
}
