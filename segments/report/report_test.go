package report

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

func TestReportMarkdownAndHTML(t *testing.T) {
	ctx := context.Background()
	ws := consenttest.Sample(t, "subscribers", "consent")
	store := segments.NewStore(ws)
	rule := `days_since_login > 7 and watch_hours_30d < watch_hours_prev_30d / 2`
	for _, reason := range []string{"first cut", "second look"} {
		if _, err := store.Define(ctx, segments.Definition{Name: "churn_risk", Table: "subscribers", Rule: rule,
			Description: "Lapsing <script>alert(1)</script> viewers | pipes", Reason: reason}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Build(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Segments) != 1 || !r.Chain.OK() {
		t.Fatalf("report %+v", r)
	}
	seg := r.Segments[0]
	want, _ := ws.Count(ctx, "subscribers", `days_since_login > 7 and watch_hours_30d < watch_hours_prev_30d / 2`)
	if seg.Size != want || seg.Base != 20000 || len(seg.History) != 2 || seg.Consent == nil || len(seg.Composed) == 0 {
		t.Fatalf("segment %+v", seg)
	}
	if email, ok := seg.Consent.Channel("email"); !ok || email.Members != want {
		t.Fatalf("email coverage %+v", email)
	}

	var md bytes.Buffer
	if err := Render(&md, r, Markdown); err != nil {
		t.Fatal(err)
	}
	// Two imports, the sample's consent setup and two segment versions.
	for _, s := range []string{"### churn_risk", "intact — 5 entries verified", "second look", "| email |", `\| pipes`, "By plan:"} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("markdown lacks %q:\n%s", s, md.String()[:400])
		}
	}
	if strings.Contains(md.String(), "<script>") {
		t.Error("the Markdown report lets a description's HTML through")
	}
	var html bytes.Buffer
	if err := Render(&html, r, HTML); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "<script>") || !strings.Contains(html.String(), "&lt;script&gt;") {
		t.Error("the HTML report does not escape a segment's description")
	}

	if _, err := ws.DB().ExecContext(ctx, `UPDATE segscope.audit SET actor = 'mallory' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	r, _ = Build(ctx, ws)
	md.Reset()
	Render(&md, r, Markdown)
	if !strings.Contains(md.String(), "BROKEN at entry 3") {
		t.Error("a tampered log is not reported as broken")
	}
	if FormatFor("x.HTML") != HTML || FormatFor("x.md") != Markdown {
		t.Error("FormatFor")
	}
}

// The report carries the signed checkpoint it was verified against, and names a
// cut tail: entries gone from the end leave no broken link in the chain itself.
func TestReportCarriesCheckpoint(t *testing.T) {
	ctx := context.Background()
	ws := consenttest.Sample(t, "subscribers", "consent")
	r, err := Build(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	cp := r.Chain.Checkpoint
	if cp == nil || cp.Seq != r.Chain.Entries || !r.Chain.OK() {
		t.Fatalf("chain %+v", r.Chain)
	}
	for f, want := range map[Format][]string{
		Markdown: {"anchored to a signed checkpoint at entry 3", "## Audit checkpoint", "segscope audit checkpoint\n3\n" + cp.Hash + "\n", "— segscope-audit "},
		HTML:     {"anchored to a signed checkpoint at entry 3", `<h2 id="checkpoint">Audit checkpoint</h2>`, "segscope audit checkpoint\n3\n" + cp.Hash + "\n"},
	} {
		var out bytes.Buffer
		if err := Render(&out, r, f); err != nil {
			t.Fatal(err)
		}
		for _, s := range want {
			if !strings.Contains(out.String(), s) {
				t.Errorf("%s report lacks %q", f, s)
			}
		}
	}

	if _, err := ws.DB().ExecContext(ctx, `DELETE FROM segscope.audit WHERE seq >= 2`); err != nil {
		t.Fatal(err)
	}
	r, _ = Build(ctx, ws)
	var md bytes.Buffer
	Render(&md, r, Markdown)
	if !strings.Contains(md.String(), "BROKEN at entry 2") || !strings.Contains(md.String(), "entries 2–3 are gone") {
		t.Errorf("a cut tail is not reported:\n%s", md.String()[:600])
	}
}
