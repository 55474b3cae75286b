package export

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/suppress"
)

// fansCSV is a small customer file: Mary (1) is erased by email and John (2)
// asked not to be contacted by phone, written here without its country code.
const fansCSV = `fan_id,email,phone,full_name,country,ads_opt_in
1,Mary@Example.com,(415) 555-2671,Mary Smith,US,yes
2,john@example.org,020 7946 0018,John Oneil,GB,yes
3,kim@example.net,(415) 555-0103,Kim Lee,US,yes
4,lou@example.net,,Lou Park,US,yes
5,max@example.net,,Max Bell,US,no
`

func suppressFans(t *testing.T, ws *query.Workspace) {
	t.Helper()
	ctx := context.Background()
	s := suppress.New(ws)
	if _, err := s.Add(ctx, suppress.AddRequest{List: suppress.Erasure, Kind: suppress.Email,
		Entries: []suppress.Entry{{Line: 2, Value: "  MARY@example.COM "}, {Line: 3, Value: "mary@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(ctx, suppress.AddRequest{List: suppress.DoNotContact, Kind: suppress.Phone,
		Entries: []suppress.Entry{{Line: 1, Value: "+44 20 7946 0018"}}}); err != nil {
		t.Fatal(err)
	}
}

// fanIDs reads the fan_id column of an exported table file.
func fanIDs(t *testing.T, ws *query.Workspace, f Format, path string) []string {
	t.Helper()
	reader := map[Format]string{CSV: "read_csv(?, header = true)", TSV: "read_csv(?, header = true, delim = '\t')",
		Parquet: "read_parquet(?)", JSON: "read_json(?)", NDJSON: "read_json(?)"}[f]
	return keys(t, ws.DB(), `SELECT CAST(fan_id AS VARCHAR) FROM `+reader+` ORDER BY fan_id`, path)
}

// A suppressed person never appears in any export format, gated or not, and
// still does not after the table is imported again; the manifest counts them as
// suppressed, a reason of its own.
func TestSuppressedNeverExported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "fans", fansCSV)
	define(t, ws, "fans_all", "fans", "fan_id > 0")
	setupOptIn(t, ws, "fans", map[string]string{"ads_opt_in": "ads"})
	suppressFans(t, ws)
	e := newExporter(ws)
	maryHash, johnHash := sha256Hex("mary@example.com"), sha256Hex("+442079460018")

	check := func(t *testing.T, round string) {
		dir := t.TempDir()
		for _, f := range Formats {
			for _, channel := range []string{"ads", ""} {
				if f.customerMatch() && channel == "" {
					continue // an ad platform's file is always gated
				}
				path := filepath.Join(dir, round+"-"+channel+"."+string(f))
				res, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "fans_all", Format: f, Channel: channel, Path: path})
				if err != nil {
					t.Fatalf("%s %s: %v", f, channel, err)
				}
				m := res.Manifest
				if m.Excluded[consent.Suppressed] != 2 {
					t.Errorf("%s %q: excluded %v, want 2 suppressed", f, channel, m.Excluded)
				}
				var excluded int64
				for _, n := range m.Excluded {
					excluded += n
				}
				if m.Rows+excluded != m.SegmentSize || m.SegmentSize != 5 {
					t.Errorf("%s %q: %d rows + %d excluded is not the segment's %d", f, channel, m.Rows, excluded, m.SegmentSize)
				}
				data, err := os.ReadFile(res.Path)
				if err != nil {
					t.Fatal(err)
				}
				if f.customerMatch() {
					if strings.Contains(string(data), maryHash) || strings.Contains(string(data), johnHash) {
						t.Errorf("%s: a suppressed person's hashed identifier is in the file", f)
					}
					continue
				}
				if ids := fanIDs(t, ws, f, res.Path); slices.Contains(ids, "1") || slices.Contains(ids, "2") {
					t.Errorf("%s %q: suppressed fans in the file: %v", f, channel, ids)
				}
			}
		}
	}
	check(t, "first")
	// Imported again, the table is new; the lists are not the table's.
	querytest.ImportCSV(t, ws, "fans", fansCSV)
	check(t, "reimported")

	cov, err := e.consent.Coverage(ctx, consent.Population{Table: "fans", Segment: "fans_all", Where: "fan_id > 0",
		Suppressed: mustPredicate(t, ws, "fans")}, []string{"ads"})
	if err != nil {
		t.Fatal(err)
	}
	if cc, _ := cov.Channel("ads"); cc.Counts[consent.Suppressed] != 2 || cc.Contactable != 2 {
		t.Fatalf("coverage with the lists: %+v", cc.Tally)
	}
}

func mustPredicate(t *testing.T, ws *query.Workspace, table string) string {
	t.Helper()
	where, err := suppress.New(ws).Predicate(context.Background(), table)
	if err != nil || where == "" {
		t.Fatalf("predicate %q, %v", where, err)
	}
	return where
}

// A gated segment is not exported without a reason, and a blank one is no
// reason; nothing is written or audited then. With one, the acknowledgement is
// audited with the flags in the export's own transaction and stamped in the
// manifest.
func TestGateNeedsAcknowledgement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "fans", fansCSV)
	define(t, ws, "fans_all", "fans", "fan_id > 0") // 5 members: a small cell
	setupOptIn(t, ws, "fans", map[string]string{"ads_opt_in": "ads"})
	e := newExporter(ws)
	dir := t.TempDir()
	path := filepath.Join(dir, "fans.csv")

	p, err := e.Preview(ctx, Request{Segment: "fans_all", Format: CSV, Channel: "ads"})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Risk.Gated || p.Risk.Score != risk.High {
		t.Fatalf("preview's risk %+v, want gated and high", p.Risk)
	}
	for _, ack := range []string{"", "  \t"} {
		_, err := e.Export(ctx, Request{Segment: "fans_all", Format: CSV, Channel: "ads", Path: path, Acknowledge: ack})
		if err == nil {
			t.Fatalf("acknowledgement %q: exported", ack)
		}
		if ack == "" && (!errors.Is(err, ErrUnacknowledged) || !strings.Contains(err.Error(), "fewer than k = 10")) {
			t.Errorf("no acknowledgement: %v", err)
		}
		if ack != "" && !strings.Contains(err.Error(), "blank") {
			t.Errorf("a blank acknowledgement: %v", err)
		}
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Fatalf("a refused export left %v", names)
	}
	if exports, _ := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionExport}); len(exports) != 0 {
		t.Fatalf("a refused export was audited: %+v", exports)
	}

	res, err := e.Export(ctx, Request{Segment: "fans_all", Format: CSV, Channel: "ads", Path: path, Acknowledge: " campaign approved by the DPO "})
	if err != nil {
		t.Fatal(err)
	}
	stamp := res.Manifest.Risk
	if stamp == nil || stamp.Acknowledgement == nil || stamp.Acknowledgement.Reason != "campaign approved by the DPO" ||
		stamp.Acknowledgement.Actor != "tester" || !slices.Contains(stamp.Codes(), string(risk.SmallCell)) {
		t.Fatalf("manifest's risk %+v", stamp)
	}
	acks, err := ws.AuditLog(ctx, query.AuditFilter{Action: ActionAcknowledge})
	if err != nil || len(acks) != 1 {
		t.Fatalf("acknowledgements audited: %+v, %v", acks, err)
	}
	exports, _ := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionExport})
	if len(exports) != 1 || exports[0].Seq != acks[0].Seq+1 {
		t.Fatalf("the acknowledgement (%d) is not just before its export (%+v)", acks[0].Seq, exports)
	}
	for _, want := range []string{"campaign approved by the DPO", `"small_cell"`, "fewer than k = 10", `"score":"high"`} {
		if !strings.Contains(acks[0].Details, want) {
			t.Errorf("the acknowledgement's entry does not hold %s: %s", want, acks[0].Details)
		}
	}

	// Below the gate, no acknowledgement is needed, and the risk is still stamped.
	a := risk.New(ws, e.consent)
	pol, _ := a.Policy(ctx)
	pol.K = 2
	if _, err := a.SetPolicy(ctx, pol, "tiny test audiences"); err != nil {
		t.Fatal(err)
	}
	res, err = e.Export(ctx, Request{Segment: "fans_all", Format: CSV, Channel: "ads", Path: filepath.Join(dir, "ok.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Manifest.Risk; r == nil || r.Gated || r.Acknowledgement != nil {
		t.Fatalf("an ungated export's risk: %+v", r)
	}
}

// BenchmarkRiskAssess is what every export adds before it writes: the segment's
// assessment (its consent coverage on the main channel is the pass over the
// data). Beside BenchmarkExportCSV on the same data, it says what the gate costs.
func BenchmarkRiskAssess(b *testing.B) {
	e, _ := benchLoaded(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.risk.Assess(ctx, "adults"); err != nil {
			b.Fatal(err)
		}
	}
}
