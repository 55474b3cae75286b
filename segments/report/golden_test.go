package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/consent/consenttest"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/subject"
	"github.com/segscope/segscope/segments/suppress"
)

var update = flag.Bool("update", false, "rewrite the golden report in testdata/")

// goldenNow is the report's clock, and the consent clock of its exports.
var goldenNow = time.Date(2026, time.November, 22, 12, 0, 0, 0, time.UTC)

// membersCSV is a small customer file with every kind of consent the evidence
// pack reports: email opt-in, Google's two ads consents, a GPC flag.
const membersCSV = `member_id,email,plan,country,state,email_opt_in,ad_personalization,ad_user_data,sec_gpc
1,ana@example.de,gold,DE,,yes,yes,yes,
2,ben@example.de,gold,DE,,yes,yes,no,
3,cai@example.co.uk,basic,GB,,no,no,yes,
4,dee@example.com,basic,US,NY,yes,yes,no,
5,eve@example.com,gold,US,CA,yes,yes,yes,1
6,fay@example.com,gold,US,CA,yes,yes,yes,
7,gus@example.com,basic,US,TX,,yes,yes,
8,hal@example.fr,gold,FR,,yes,,,
`

// volatile are the parts of a report that differ from run to run whatever
// the clock: the files' places, the times the database stamps, hashes
// chained over them, the checkpoint's signature and key.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile("`[^`]*\\.duckdb`"), "`WORKSPACE`"},
	{regexp.MustCompile("/[^ |`]*/([^/ |`]+)"), "DIR/$1"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d UTC`), "TIME"},
	{regexp.MustCompile("(?s)```\n.*?```"), "```\nSIGNED CHECKPOINT\n```"},
	{regexp.MustCompile(`\b[0-9a-f]{12,64}\b`), "HASH"},
}

func normalize(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

// The whole Markdown report of a fixed workspace — segments with history,
// risk and consent coverage counting the suppressed, exports with what each
// left out and why, the policy and its change, the suppression lists, an
// acknowledged risk and an erasure — against testdata/report.golden.md.
func TestReportGolden(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "members", membersCSV)
	c := consent.Config{Table: "members", Layout: consent.Wide, Policy: consent.DefaultPolicy(), Wide: []consent.WideColumn{
		{Column: "email_opt_in", Channel: "email"}, {Column: "ad_personalization", Channel: "ad_personalization"},
		{Column: "ad_user_data", Channel: "ad_user_data"},
	}}
	c.Policy.CountryColumn, c.Policy.StateColumn, c.Policy.DoNotSellColumn = "country", "state", "sec_gpc"
	consenttest.Setup(t, ws, c)
	store := segments.NewStore(ws)
	for _, d := range []segments.Definition{
		{Name: "gold", Table: "members", Rule: "plan = 'gold'", Description: "gold plan members", Reason: "first cut"},
		{Name: "gold", Table: "members", Rule: "plan = 'gold' and country <> 'FR'", Description: "gold plan members", Reason: "France has its own campaign"},
		{Name: "everyone", Table: "members", Rule: "member_id > 0"},
	} {
		if _, err := store.Define(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := risk.New(ws, consent.New(ws)).SetPolicy(ctx, risk.Policy{K: 5, GateScore: "high", MinCoverage: 0.5, StrictShare: 0.5},
		"a small pilot list"); err != nil {
		t.Fatal(err)
	}
	if _, err := suppress.New(ws).Add(ctx, suppress.AddRequest{List: suppress.DoNotContact, Kind: suppress.Email,
		Entries: []suppress.Entry{{Line: 1, Value: " FAY@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	cs := consent.New(ws)
	cs.Now = func() time.Time { return goldenNow }
	if _, err := subject.New(ws, cs).Erase(ctx, subject.Person{Kind: suppress.Email, Value: "gus@example.com"}, "DSR-1"); err != nil {
		t.Fatal(err)
	}
	ex := export.New(ws, export.Options{Version: "golden", Now: func() time.Time { return goldenNow }})
	dir := t.TempDir()
	for _, req := range []export.Request{
		{Segment: "gold", Format: export.CSV, Channel: "email", Path: filepath.Join(dir, "gold.csv"), Acknowledge: "pilot of five"},
		{Segment: "everyone", Format: export.GoogleAds, Path: filepath.Join(dir, "everyone.google-ads"), Acknowledge: "pilot upload"},
	} {
		if _, err := ex.Export(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	r, err := BuildWith(ctx, ws, Options{Now: func() time.Time { return goldenNow }})
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := Render(&md, r, Markdown); err != nil {
		t.Fatal(err)
	}
	got := normalize(md.String())
	path := filepath.Join("testdata", "report.golden.md")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./segments/report/ -run TestReportGolden -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("the report differs from %s (rewrite it with -update if the change is meant):\n%s", path, diffLines(string(want), got))
	}
	// The figures the golden file holds, checked on their own too.
	for _, s := range []string{"| email | 5 (71.4%) | 1 (14.3%) |", "| do_not_sell |", "ad_consent_incomplete 1, denied 1, do_not_sell 1, suppressed 1, unknown 1", "| erasure | email | 1 |",
		"| do-not-contact | email | 1 |", "DSR-1", "a small pilot list", "France has its own campaign"} {
		if !strings.Contains(got, s) {
			t.Errorf("the report lacks %q", s)
		}
	}
}

// diffLines shows the first lines that differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(w), len(g)) && len(out) < 12; i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, "line "+strconv.Itoa(i+1)+":\n  want "+a+"\n  got  "+b)
		}
	}
	return strings.Join(out, "\n")
}
