package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

// Each segment's risk is in the report, score and flags with their reasons, in
// both formats, with a rule's email masked in a reason as in the rule.
func TestReportShowsRisk(t *testing.T) {
	ctx := context.Background()
	ws := consenttest.Sample(t, "subscribers", "consent")
	if _, err := segments.NewStore(ws).Define(ctx, segments.Definition{Name: "health_watchers", Table: "subscribers",
		Rule: "subscriber_id <= 3 and email <> 'ana@example.com'", Description: "d", Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	r, err := Build(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if rk := r.Segments[0].Risk; rk == nil || rk.Score != "high" || !rk.Gated {
		t.Fatalf("risk %+v", rk)
	}
	for _, f := range []Format{Markdown, HTML} {
		var out bytes.Buffer
		if err := Render(&out, r, f); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		for _, want := range []string{"high", "exported only with an acknowledged reason", "small_cell (high)",
			"special_category (high)", "health (name health_watchers)", "personal_data (medium)"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s report lacks %q", f, want)
			}
		}
		if strings.Contains(text, "ana@example.com") {
			t.Errorf("%s report shows the rule's email", f)
		}
		if f == Markdown && (!strings.Contains(text, "`subscriber_id <= 3 and") || strings.Contains(text, "&lt;")) {
			t.Errorf("the Markdown report's rule is not written as it reads (a code span shows &lt; as such)")
		}
	}
}
