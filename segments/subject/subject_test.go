package subject

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/consent/consenttest"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/segments/suppress"
)

var now = time.Date(2026, time.November, 22, 12, 0, 0, 0, time.UTC)

// Ana is in customers (twice, once with her address in capitals) and in
// tickets, under a column whose name says nothing (its values say emails).
const customersCSV = `id,email,plan,country,email_opt_in
1,ana@example.com,gold,PT,yes
2,ben@example.com,gold,US,no
3,ANA@Example.com ,basic,PT,yes
4,cleo@example.com,basic,FR,yes
`

const ticketsCSV = `ticket,contact,subject
10,ana@example.com,refund
11,cleo@example.com,login
12,dan@example.com,login
`

func workspace(t *testing.T) (*query.Workspace, *Service) {
	t.Helper()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "customers", customersCSV)
	querytest.ImportCSV(t, ws, "tickets", ticketsCSV)
	ctx := context.Background()
	store := segments.NewStore(ws)
	for _, d := range []segments.Definition{
		{Name: "gold", Table: "customers", Rule: "plan = 'gold'"},
		{Name: "basic", Table: "customers", Rule: "plan = 'basic'"},
		{Name: "fr", Table: "customers", Rule: "country = 'FR'"},
	} {
		if _, err := store.Define(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	c := consent.Config{Table: "customers", Layout: consent.Wide, Policy: consent.DefaultPolicy(),
		Wide: []consent.WideColumn{{Column: "email_opt_in", Channel: "email"}}}
	if _, err := consent.New(ws).Setup(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	svc := consent.New(ws)
	svc.Now = func() time.Time { return now }
	return ws, New(ws, svc)
}

// Find lists exactly the tables, rows and segments that hold the person, and
// their consent.
func TestFind(t *testing.T) {
	_, s := workspace(t)
	f, err := s.Find(context.Background(), Person{Kind: suppress.Email, Value: " Ana@EXAMPLE.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tables) != 2 || f.Tables[0].Table != "customers" || f.Tables[0].Rows != 2 ||
		!slices.Equal(f.Tables[0].Keys, []string{"1", "3"}) || f.Tables[1].Table != "tickets" || f.Tables[1].Rows != 1 {
		t.Fatalf("tables %+v", f.Tables)
	}
	if f.Tables[0].Consent["email"] != consent.Granted || f.Tables[1].Consent != nil {
		t.Errorf("consent %+v / %+v", f.Tables[0].Consent, f.Tables[1].Consent)
	}
	if !slices.Equal(f.Segments, []string{"basic", "gold"}) {
		t.Errorf("segments %v, want basic and gold (not fr)", f.Segments)
	}

	byKey, err := s.Find(context.Background(), Person{Kind: suppress.Key, Value: "4", Table: "customers"})
	if err != nil || len(byKey.Tables) != 1 || !slices.Equal(byKey.Segments, []string{"basic", "fr"}) {
		t.Fatalf("by key: %+v, %v", byKey, err)
	}
	if _, err := s.Find(context.Background(), Person{Kind: suppress.Key, Value: "4"}); err == nil || !strings.Contains(err.Error(), "say which table") {
		t.Errorf("a key without its table: %v", err)
	}
	if _, err := s.Find(context.Background(), Person{Kind: suppress.Email, Value: "not an address"}); err == nil || !strings.Contains(err.Error(), "not an email address") {
		t.Errorf("an invalid address: %v", err)
	}
}

// Erase leaves no row of the person in any table, audits counts but not the
// address, and a later re-import of the same file does not bring them back
// into an export.
func TestEraseAndReimport(t *testing.T) {
	ws, s := workspace(t)
	ctx := context.Background()
	ana := Person{Kind: suppress.Email, Value: "ana@example.com"}
	if _, err := s.Erase(ctx, ana, " "); err == nil || !strings.Contains(err.Error(), "say why") {
		t.Fatalf("an erasure without a reason: %v", err)
	}
	e, err := s.Erase(ctx, ana, "DSR-1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Rows["customers"] != 2 || e.Rows["tickets"] != 1 || e.Listed != 1 {
		t.Fatalf("erased %+v", e)
	}
	for table, column := range map[string]string{"customers": "email", "tickets": "contact"} {
		var n, rest int64
		if err := ws.DB().QueryRow(`SELECT count(*) FILTER (WHERE lower(`+column+`) LIKE '%ana@%'), count(*) FROM main.`+table).Scan(&n, &rest); err != nil {
			t.Fatal(err)
		}
		if n != 0 || rest == 0 {
			t.Errorf("%s: %d rows of ana left, %d rows in all", table, n, rest)
		}
	}
	audit, err := ws.AuditLog(ctx, query.AuditFilter{Action: ActionErase})
	if err != nil || len(audit) != 1 || strings.Contains(audit[0].Details, "ana") || !strings.Contains(audit[0].Details, "DSR-1") {
		t.Fatalf("audit %+v, %v", audit, err)
	}
	if f, err := s.Find(ctx, ana); err != nil || len(f.Tables) != 0 || !slices.Equal(f.Suppressed, []string{suppress.Erasure}) {
		t.Fatalf("after the erasure: %+v, %v", f, err)
	}
	if _, err := s.Erase(ctx, ana, "again"); !errors.Is(err, ErrAbsent) || !strings.Contains(err.Error(), "nothing was erased") {
		t.Fatalf("erasing someone absent: %v", err)
	}

	// The old file comes back.
	querytest.ImportCSV(t, ws, "customers", customersCSV)
	if _, err := segments.NewStore(ws).Define(ctx, segments.Definition{Name: "everyone", Table: "customers", Rule: "id > 0"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "everyone.csv")
	res, err := export.New(ws, export.Options{Now: func() time.Time { return now }}).Export(ctx,
		export.Request{Segment: "everyone", Format: export.CSV, Columns: []string{"email"}, Path: path, Acknowledge: "four-row test fixture"})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(strings.ToLower(string(data)), "ana@") || res.Manifest.Excluded[consent.Suppressed] != 2 {
		t.Fatalf("after a re-import the export holds:\n%s\n(excluded %v)", data, res.Manifest.Excluded)
	}
}

// A person's consent events are theirs too: found by their key in the audience,
// and erased with them.
func TestConsentEventsGoWithThePerson(t *testing.T) {
	ctx := context.Background()
	ws := consenttest.Sample(t, "subscribers", "consent")
	s := New(ws, consent.New(ws))
	var key, email string
	if err := ws.DB().QueryRow(`SELECT CAST(s.subscriber_id AS VARCHAR), s.email FROM subscribers s
		WHERE s.subscriber_id IN (SELECT subscriber_id FROM consent) ORDER BY s.subscriber_id LIMIT 1`).Scan(&key, &email); err != nil {
		t.Fatal(err)
	}
	events := func() int64 {
		var n int64
		if err := ws.DB().QueryRow(`SELECT count(*) FROM consent WHERE CAST(subscriber_id AS VARCHAR) = ?`, key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := events()
	f, err := s.Find(ctx, Person{Kind: suppress.Email, Value: email})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tables) != 2 || f.Tables[1].Table != "consent" || f.Tables[1].Via != "subscribers" || f.Tables[1].Rows != before {
		t.Fatalf("tables %+v, want subscribers and their %d consent events", f.Tables, before)
	}
	if _, err := s.Erase(ctx, Person{Kind: suppress.Email, Value: email}, "DSR-2"); err != nil {
		t.Fatal(err)
	}
	if n := events(); n != 0 {
		t.Fatalf("%d consent events of the erased person left", n)
	}
}

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// Find lists exactly the exports of segments the person was in when each was
// exported: not a segment's exports from before they joined or after they
// left, nor a plain snapshot.
func TestFindListsExports(t *testing.T) {
	ctx := context.Background()
	ws, s := workspace(t)
	ex := export.New(ws, export.Options{Version: "test", Now: func() time.Time { return now }})
	dir := t.TempDir()
	exp := func(segment, file string) {
		t.Helper()
		if _, err := ex.Export(ctx, export.Request{Segment: segment, Format: export.CSV, Channel: "email",
			Path: filepath.Join(dir, file), Acknowledge: "a four-person test file"}); err != nil {
			t.Fatal(err)
		}
	}
	exp("gold", "gold.csv") // Ana (1) and Ben
	exp("fr", "fr-1.csv")   // Cleo
	if _, err := ws.DB().ExecContext(ctx, `UPDATE customers SET country = 'PT' WHERE id = 4`); err != nil {
		t.Fatal(err)
	}
	exp("fr", "fr-2.csv") // nobody: Cleo moved
	if _, err := ws.DB().ExecContext(ctx, `UPDATE customers SET country = 'FR' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	exp("fr", "fr-3.csv") // Ben, who is denied on email: in the snapshot, not in the file
	if _, err := snapshot.New(ws).Take(ctx, "gold", "a plain snapshot is no export"); err != nil {
		t.Fatal(err)
	}
	files := func(email string) []string {
		t.Helper()
		f, err := s.Find(ctx, Person{Kind: suppress.Email, Value: email})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range f.Exports {
			out = append(out, x.Segment+":"+filepath.Base(x.File)+":"+x.Channel)
			if x.AuditSeq == 0 || x.Format != "csv" {
				t.Errorf("%s: export %+v has no audit entry or format", email, x)
			}
		}
		return out
	}
	for email, want := range map[string][]string{
		"ana@example.com":  {"gold:gold.csv:email"},
		"cleo@example.com": {"fr:fr-1.csv:email"},
		"ben@example.com":  {"gold:gold.csv:email", "fr:fr-3.csv:email"},
		"dan@example.com":  nil,
	} {
		if got := files(email); !slices.Equal(got, want) {
			t.Errorf("%s: exports %v, want %v", email, got, want)
		}
	}
}
