package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

// smallWorkspace holds a few people with wide consent columns: quick to set up.
func smallWorkspace(t *testing.T) *query.Workspace {
	t.Helper()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "people", `person_id,email,first_name,plan,email_opt_in,age,country
1,a@example.com,Ann,basic,yes,30,US
2,b@example.com,Bob,premium,no,40,DE
3,c@example.com,Cid,premium,yes,14,DE
4,d@example.com,Dee,basic,,50,US
`)
	define(t, ws, "everyone", "people", "person_id > 0")
	policy := consent.DefaultPolicy()
	policy.AgeColumn, policy.CountryColumn = "age", "country"
	consenttest.Setup(t, ws, consent.Config{Table: "people", Layout: consent.Wide, Policy: policy,
		Wide: []consent.WideColumn{{Column: "email_opt_in", Channel: "email"}}})
	return ws
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := smallWorkspace(t)
	e := newExporter(ws)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.csv")
	if err := os.WriteFile(existing, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		req  Request
		want string
		is   error
	}{
		{"existing file", Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Path: existing}, "existing.csv: already exists", ErrExists},
		{"no directory", Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Path: filepath.Join(dir, "missing", "out.csv")},
			"the directory " + filepath.Join(dir, "missing") + " does not exist", nil},
		{"directory as file", Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Path: dir, Force: true}, "is a directory", nil},
		{"unknown column", Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Columns: []string{"frist_name"}, Path: filepath.Join(dir, "a.csv")},
			`no column "frist_name" (did you mean "first_name"?)`, nil},
		{"swapped letters", Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Columns: []string{"emial"}, Path: filepath.Join(dir, "a.csv")},
			`no column "emial" (did you mean "email"?)`, nil},
		{"unrelated column", Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Columns: []string{"zzzzzz"}, Path: filepath.Join(dir, "a.csv")},
			`no column "zzzzzz" (columns: person_id, email, first_name, plan, email_opt_in, age, country)`, nil},
		{"unknown segment", Request{Acknowledge: acknowledged, Segment: "nobody_here", Format: CSV, Path: filepath.Join(dir, "a.csv")}, `segment "nobody_here"`, segments.ErrNotFound},
		{"unknown channel", Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Channel: "fax", Path: filepath.Join(dir, "a.csv")},
			`unknown channel "fax" for people: the consent data knows email`, consent.ErrUnknownChannel},
		{"ads gate without ads consent", Request{Acknowledge: acknowledged, Segment: "everyone", Format: GoogleAds, Path: filepath.Join(dir, "a.csv")},
			`unknown channel "ads_personalization"`, consent.ErrUnknownChannel},
		{"customer match with columns", Request{Acknowledge: acknowledged, Segment: "everyone", Format: Meta, Channel: "email", Columns: []string{"plan"}, Path: filepath.Join(dir, "a.csv")},
			"a meta file has a fixed set of columns (email, phone, fn, ln)", nil},
		{"unknown format", Request{Acknowledge: acknowledged, Segment: "everyone", Format: "xlsx", Path: filepath.Join(dir, "a.csv")},
			`unknown export format "xlsx": use one of csv, tsv, parquet, json, ndjson, google-ads, meta`, nil},
		{"no path", Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV}, "no destination file given", nil},
	}
	for _, c := range cases {
		_, err := e.Export(ctx, c.req)
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if data, _ := os.ReadFile(existing); string(data) != "keep me\n" {
		t.Errorf("the existing file was touched: %q", data)
	}
	if entries := dirEntries(t, dir); !slices.Equal(entries, []string{"existing.csv"}) {
		t.Errorf("failed exports left %v", entries)
	}
	if log, _ := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionExport}); len(log) != 0 {
		t.Errorf("failed exports were audited: %d", len(log))
	}

	res, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Path: existing, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(existing); !strings.HasPrefix(string(data), "person_id,plan,email_opt_in,age,country\n") || res.Manifest.Rows != 4 {
		t.Errorf("forced export wrote %q", data)
	}
}

func TestEmptySegment(t *testing.T) {
	t.Parallel()
	ws := smallWorkspace(t)
	define(t, ws, "nobody", "people", "person_id < 0")
	e := newExporter(ws)
	dir := t.TempDir()
	for _, f := range []Format{CSV, Parquet, JSON, NDJSON, Meta} {
		res, err := e.Export(context.Background(), Request{Acknowledge: acknowledged, Segment: "nobody", Format: f, Channel: "email", Path: filepath.Join(dir, "out."+string(f))})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if res.Manifest.Rows != 0 || res.Manifest.SegmentSize != 0 || res.Manifest.SHA256 == "" {
			t.Errorf("%s: manifest %+v", f, res.Manifest)
		}
	}
}

func TestPIIStaysOutWithoutAChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := smallWorkspace(t)
	e := newExporter(ws)
	p, err := e.Preview(ctx, Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Columns, []string{"person_id", "plan", "email_opt_in", "age", "country"}) ||
		!slices.Equal(p.WithheldPII, []string{"email", "first_name"}) || p.Included != 4 || p.Members != 4 {
		t.Errorf("no channel: %+v", p)
	}
	p, err = e.Preview(ctx, Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Columns: []string{"email", "plan"}})
	if err != nil || !slices.Equal(p.Columns, []string{"person_id", "email", "plan"}) || len(p.WithheldPII) != 0 {
		t.Errorf("named explicitly: %+v %v", p, err)
	}
	p, err = e.Preview(ctx, Request{Acknowledge: acknowledged, Segment: "everyone", Format: CSV, Channel: "email"})
	if err != nil || !slices.Equal(p.Columns, []string{"person_id", "email", "plan", "email_opt_in", "age", "country"}) ||
		!slices.Equal(p.WithheldPII, []string{"first_name"}) {
		t.Errorf("with a channel, only its contact column of the personal data: %+v %v", p, err)
	}
	// Ann is granted; Bob denied; Cid, 14 in Germany, a minor; Dee has no record.
	want := map[consent.State]int64{consent.Denied: 1, consent.Minor: 1, consent.Unknown: 1, consent.Withdrawn: 0, consent.Stale: 0}
	if p.Included != 1 || !mapsEqual(p.Excluded, want) {
		t.Errorf("email gate: included %d, excluded %v", p.Included, p.Excluded)
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// bigWorkspace holds enough rows that an export is still running when the test
// cancels it.
func bigWorkspace(t *testing.T, rows int) *query.Workspace {
	t.Helper()
	ws := querytest.Empty(t)
	path := filepath.Join(t.TempDir(), "big.csv")
	_, err := ws.DB().Exec(fmt.Sprintf(`COPY (SELECT range AS id, 'p' || range || '@example.com' AS email,
		'+1415555' || lpad(CAST(range %% 10000 AS VARCHAR), 4, '0') AS phone, 'US' AS country, 'yes' AS ads_opt_in,
		range %% 97 AS score FROM range(%d)) TO %s (FORMAT csv)`, rows, query.QuoteString(path)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(context.Background(), path, query.ImportOptions{Table: "big"}); err != nil {
		t.Fatal(err)
	}
	define(t, ws, "most", "big", "score > 3")
	setupOptIn(t, ws, "big", map[string]string{"ads_opt_in": "ads"})
	return ws
}

func TestCancelledExportLeavesNothing(t *testing.T) {
	t.Parallel()
	ws := bigWorkspace(t, 400_000)
	e := newExporter(ws)
	for _, f := range []Format{CSV, Parquet, GoogleAds} {
		t.Run(string(f), func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var reports int
			_, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "most", Format: f, Channel: "ads", Path: filepath.Join(dir, "out"),
				Progress: func(p Progress) {
					reports++
					cancel() // mid-export: the first rows are through, most are not
				}})
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled, nothing was written") {
				t.Fatalf("error %v", err)
			}
			if reports == 0 {
				t.Error("the export was not under way when cancelled")
			}
			if entries := dirEntries(t, dir); len(entries) != 0 {
				t.Errorf("cancelled export left %v", entries)
			}
		})
	}
	if log, _ := ws.AuditLog(context.Background(), query.AuditFilter{Action: query.ActionExport}); len(log) != 0 {
		t.Errorf("cancelled exports were audited: %d", len(log))
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	ws := bigWorkspace(t, 50_000)
	e := newExporter(ws)
	for _, f := range []Format{CSV, Parquet, Meta} {
		t.Run(string(f), func(t *testing.T) {
			var seen []Progress
			res, err := e.Export(context.Background(), Request{Acknowledge: acknowledged, Segment: "most", Format: f, Channel: "ads",
				Path: filepath.Join(t.TempDir(), "out"), Progress: func(p Progress) { seen = append(seen, p) }})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) < 2 {
				t.Fatalf("progress reported %d times", len(seen))
			}
			for i, p := range seen {
				if p.Total != res.Manifest.Rows || (i > 0 && p.Rows <= seen[i-1].Rows) {
					t.Fatalf("report %d: %+v after %+v", i, p, seen[max(i-1, 0)])
				}
			}
			if last := seen[len(seen)-1]; last.Rows != last.Total {
				t.Errorf("last report %+v", last)
			}
		})
	}
}

// TestRefusedWithoutConsentSetup: a user's file whose key is named like the
// sample's consent events (subscriber_id) gets none of their consent. Exports for
// a channel, and customer-match files, are refused until its own setup is saved;
// an internal export is not gated and goes ahead.
func TestRefusedWithoutConsentSetup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := consenttest.Sample(t, "subscribers", "consent")
	querytest.ImportCSV(t, ws, "customers", `subscriber_id,email,plan,country,email_opt_in
900001,ana@example.com,gold,PT,yes
900002,ben@example.com,gold,US,no
900003,cleo@example.com,basic,FR,yes
`)
	define(t, ws, "gold", "customers", "plan = 'gold'")
	e := newExporter(ws)
	dir := t.TempDir()
	for _, req := range []Request{
		{Segment: "gold", Format: CSV, Channel: "email", Path: filepath.Join(dir, "gold-email.csv")},
		{Segment: "gold", Format: GoogleAds, Path: filepath.Join(dir, "gold-ads.csv")},
	} {
		_, err := e.Export(ctx, req)
		if !errors.Is(err, consent.ErrNotConfigured) || !strings.Contains(err.Error(), "no consent set up for table customers") ||
			!strings.Contains(err.Error(), "segscope consent setup --table customers") {
			t.Fatalf("%s on %q: error %v", req.Format, req.Channel, err)
		}
	}
	if entries := dirEntries(t, dir); len(entries) != 0 {
		t.Fatalf("refused exports left %v", entries)
	}

	internal, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "gold", Format: CSV, Path: filepath.Join(dir, "gold.csv")})
	if err != nil || internal.Manifest.Rows != 2 || internal.Manifest.Channel != "" {
		t.Fatalf("internal export: %+v (%v)", internal, err)
	}

	setupOptIn(t, ws, "customers", map[string]string{"email_opt_in": "email"})
	res, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "gold", Format: CSV, Channel: "email", Path: filepath.Join(dir, "gold-email.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.Rows != 1 || res.Manifest.Excluded[consent.Denied] != 1 || res.Manifest.ConsentPolicy.Table != "customers" {
		t.Fatalf("after setup: %+v", res.Manifest)
	}
}
