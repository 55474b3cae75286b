package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

// TestChurnRiskEmailExport is the acceptance: a churn-risk segment, its
// coverage by channel, and an email export holding exactly the members whose
// latest email consent is a grant that is neither stale nor a minor's.
func TestChurnRiskEmailExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := consenttest.Sample(t)
	define(t, ws, "churn_risk", "subscribers", churnRule)
	size := keys(t, ws.DB(), `SELECT count(*) FROM subscribers WHERE `+churnRule)[0]

	svc := consent.New(ws)
	svc.Now = func() time.Time { return now }
	compiled, err := segments.NewStore(ws).Compile(ctx, "churn_risk")
	if err != nil {
		t.Fatal(err)
	}
	cov, err := svc.Coverage(ctx, consent.SegmentMembers(compiled), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cov.Channels) != 4 || fmt.Sprint(cov.Members) != size {
		t.Fatalf("coverage of churn_risk: %d channels, %d members (segment %s)", len(cov.Channels), cov.Members, size)
	}
	for _, c := range cov.Channels {
		if c.Counts[consent.Granted] == 0 || c.Counts[consent.Granted] == c.Members {
			t.Errorf("%s: %d granted of %d: the sample should have some of each", c.Channel, c.Counts[consent.Granted], c.Members)
		}
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "churn_email.csv")
	res, err := newExporter(ws).Export(ctx, Request{Acknowledge: acknowledged, Segment: "churn_risk", Format: CSV, Channel: "email",
		Columns: []string{"email", "first_name"}, Path: path})
	if err != nil {
		t.Fatal(err)
	}

	// Every key in the file, read back by DuckDB, against hand-written SQL.
	got := keys(t, ws.DB(), `SELECT CAST(subscriber_id AS VARCHAR) FROM read_csv(?) ORDER BY subscriber_id`, path)
	want := keys(t, ws.DB(), `
		WITH latest AS (
			SELECT subscriber_id, status, event_time FROM consent WHERE channel = 'email'
			QUALIFY row_number() OVER (PARTITION BY subscriber_id ORDER BY event_time DESC) = 1
		)
		SELECT CAST(s.subscriber_id AS VARCHAR) FROM subscribers s JOIN latest l USING (subscriber_id)
		WHERE s.days_since_login > 30 AND s.watch_hours_30d < s.watch_hours_prev_30d / 2
		  AND l.status IN ('opt_in', 'subscribed', 'granted', 'true', 'yes')
		  AND l.event_time >= TIMESTAMP '2024-11-22 12:00:00'
		  AND NOT ((s.age < 13 OR (s.age < 16 AND s.country IN ('AT','BE','BG','HR','CY','CZ','DK','EE','FI','FR','DE',
		      'GR','HU','IE','IT','LV','LT','LU','MT','NL','PL','PT','RO','SK','SI','ES','SE','IS','LI','NO')))
		      AND NOT coalesce(s.parental_consent, false))
		ORDER BY s.subscriber_id`)
	if !slices.Equal(got, want) || len(got) == 0 {
		t.Fatalf("exported %d keys, hand-written SQL %d", len(got), len(want))
	}
	header := keys(t, ws.DB(), `SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM read_csv(?))`, path)[0]
	if header != "subscriber_id,email,first_name" {
		t.Errorf("columns %s", header)
	}

	// The manifest accounts for every member and matches the file.
	data, err := os.ReadFile(res.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	var excluded int64
	for _, n := range m.Excluded {
		excluded += n
	}
	if fmt.Sprint(m.Rows+excluded) != size || fmt.Sprint(m.SegmentSize) != size || m.Rows != int64(len(want)) {
		t.Errorf("manifest: %d rows + %d excluded, segment %d, hand-written %s", m.Rows, excluded, m.SegmentSize, size)
	}
	for _, st := range []consent.State{consent.Denied, consent.Withdrawn, consent.Stale, consent.Unknown} {
		if m.Excluded[st] == 0 {
			t.Errorf("no members excluded as %s: the sample has all of them", st)
		}
	}
	email, _ := cov.Channel("email")
	for st, n := range m.Excluded {
		if email.Counts[st] != n {
			t.Errorf("excluded as %s: manifest %d, coverage %d", st, n, email.Counts[st])
		}
	}
	file, _ := os.ReadFile(path)
	sum := sha256.Sum256(file)
	if m.SHA256 != hex.EncodeToString(sum[:]) || m.Bytes != int64(len(file)) {
		t.Errorf("manifest SHA-256 %s, file %x", m.SHA256, sum)
	}
	if m.Segment.Name != "churn_risk" || m.Segment.Version != 1 || m.Segment.Rule != churnRule || m.Segment.CompiledSQL == "" ||
		m.Channel != "email" || m.ConsentPolicy == nil || m.ConsentPolicy.Policy.StaleDays != 730 || !m.ConsentAsOf.Equal(now) ||
		m.Format != CSV || m.File != "churn_email.csv" || m.Actor != "tester" || m.SegscopeVersion != "test" ||
		m.Workspace != ws.Path() || m.Created.IsZero() || !slices.Equal(m.Columns, []string{"subscriber_id", "email", "first_name"}) {
		t.Errorf("manifest %s", data)
	}

	log, err := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionExport})
	if err != nil || len(log) != 1 || log[0].Subject != "churn_risk" {
		t.Fatalf("audit %+v %v", log, err)
	}
	var details map[string]any
	if err := json.Unmarshal([]byte(log[0].Details), &details); err != nil || details["sha256"] != m.SHA256 || details["file"] != path {
		t.Errorf("audit details %s", log[0].Details)
	}
	if entries := dirEntries(t, dir); !slices.Equal(entries, []string{"churn_email.csv", "churn_email.csv.manifest.json"}) {
		t.Errorf("directory holds %v", entries)
	}
}
