package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

// A segment of a table without a consent setup says so, rather than leaving the
// reader to wonder why it has no coverage; the sample's segment keeps its table.
func TestReportSaysNoConsentSetUp(t *testing.T) {
	ctx := context.Background()
	ws := consenttest.Sample(t, "subscribers", "consent")
	querytest.ImportCSV(t, ws, "customers", "subscriber_id,plan\n900001,gold\n900002,basic\n")
	store := segments.NewStore(ws)
	for _, d := range []segments.Definition{
		{Name: "gold", Table: "customers", Rule: "plan = 'gold'"},
		{Name: "adults", Table: "subscribers", Rule: "age >= 18"},
	} {
		if _, err := store.Define(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Build(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[Format]string{Markdown: "No consent set up for customers.", HTML: "<p>No consent set up for customers.</p>"} {
		var b bytes.Buffer
		if err := Render(&b, r, f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) || strings.Count(b.String(), "No consent set up") != 1 ||
			!strings.Contains(b.String(), "Consent coverage of") {
			t.Errorf("%v report lacks %q or has it twice:\n%s", f, want, b.String())
		}
	}
}
