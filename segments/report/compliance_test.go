package report

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/subject"
	"github.com/segscope/segscope/segments/suppress"
)

// The report gives the evidence of compliance: the policy and its changes,
// the suppression lists' counts, each acknowledged risk, each erasure, and
// the exports as a table rather than raw JSON; never a suppressed or erased
// person's address.
func TestReportCompliance(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "people", "id,email,plan\n1,ana@example.com,gold\n2,ben@example.com,gold\n3,cleo@example.com,basic\n")
	if _, err := segments.NewStore(ws).Define(ctx, segments.Definition{Name: "gold", Table: "people", Rule: "plan = 'gold'"}); err != nil {
		t.Fatal(err)
	}
	a := risk.New(ws, consent.New(ws))
	p, _ := a.Policy(ctx)
	p.K = 5
	if _, err := a.SetPolicy(ctx, p, "DPO review 2026-11"); err != nil {
		t.Fatal(err)
	}
	if _, err := suppress.New(ws).Add(ctx, suppress.AddRequest{List: suppress.DoNotContact, Kind: suppress.Email,
		Entries: []suppress.Entry{{Line: 1, Value: "ben@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := export.New(ws, export.Options{}).Export(ctx, export.Request{Segment: "gold", Format: export.CSV,
		Path: filepath.Join(t.TempDir(), "gold.csv"), Acknowledge: "pilot approved by legal"}); err != nil {
		t.Fatal(err)
	}
	if _, err := subject.New(ws, consent.New(ws)).Erase(ctx, subject.Person{Kind: suppress.Email, Value: "cleo@example.com"}, "DSR-31"); err != nil {
		t.Fatal(err)
	}
	r, err := Build(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	c := r.Compliance
	if c.Policy.K != 5 || len(c.PolicyChanges) != 1 || len(c.Suppression) != 2 || len(c.Acknowledgements) != 1 || len(c.Erasures) != 1 {
		t.Fatalf("compliance %+v", c)
	}
	for _, f := range []Format{Markdown, HTML} {
		var out bytes.Buffer
		if err := Render(&out, r, f); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		for _, want := range []string{"k 5", "DPO review 2026-11", "do-not-contact", "erasure", "pilot approved by legal",
			"small_cell", "DSR-31", "gold.csv", "suppressed 1"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s report lacks %q", f, want)
			}
		}
		for _, never := range []string{"ben@", "cleo@", `"sha256"`} {
			if strings.Contains(text, never) {
				t.Errorf("%s report holds %q", f, never)
			}
		}
	}
}
