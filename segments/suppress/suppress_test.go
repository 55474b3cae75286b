package suppress

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

const contacts = "id,email,phone,country\n" +
	"1,anna@example.com,+44 20 7946 0001,GB\n" +
	"2,ben@example.com,020 7946 0002,GB\n" +
	"3,cara@example.com,,DE\n" +
	"4,,+1 415 555 0104,US\n"

func entries(values ...string) []Entry {
	out := make([]Entry, len(values))
	for i, v := range values {
		out[i] = Entry{Line: i + 2, Value: v}
	}
	return out
}

// suppressed lists the ids of contacts the predicate selects.
func suppressed(t *testing.T, ws *query.Workspace) []string {
	t.Helper()
	where, err := New(ws).Predicate(context.Background(), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	if where == "" {
		return nil
	}
	rows, err := ws.DB().Query(`SELECT CAST(id AS VARCHAR) FROM main.contacts WHERE ` + where + ` ORDER BY id`)
	if err != nil {
		t.Fatalf("%v\n%s", err, where)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// Mixed case and whitespace normalize to one entry; duplicates are counted, not
// stored twice; the list stores hashes only; and what is listed matches the
// table's email, phone (in the row's country when written without a code) and
// key columns.
func TestAddNormalizesAndMatches(t *testing.T) {
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "contacts", contacts)
	ctx := context.Background()
	s := New(ws)
	if ids := suppressed(t, ws); ids != nil {
		t.Fatalf("no list yet, yet %v suppressed", ids)
	}
	res, err := s.Add(ctx, AddRequest{List: Erasure, Kind: Email,
		Entries: entries("  ANNA@Example.COM\t", "anna@example.com", "zed@example.com"), Reason: "DSR"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 || res.Duplicates != 1 || res.Read != 3 {
		t.Fatalf("added %+v, want 2 added and 1 duplicate of 3", res)
	}
	again, err := s.Add(ctx, AddRequest{List: Erasure, Kind: Email, Entries: entries("anna@example.com")})
	if err != nil || again.Added != 0 || again.AlreadyListed != 1 {
		t.Fatalf("adding a listed entry again: %+v, %v", again, err)
	}
	if got := strings.Join(suppressed(t, ws), ","); got != "1" {
		t.Fatalf("suppressed %s, want 1", got)
	}
	// 020 7946 0002 is +442079460002 in its row's country, GB.
	if _, err := s.Add(ctx, AddRequest{List: DoNotContact, Kind: Phone, Entries: entries("+44 20 7946 0002")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(ctx, AddRequest{List: "fraud", Kind: Key, Entries: entries(" 4 ")}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(suppressed(t, ws), ","); got != "1,2,4" {
		t.Fatalf("suppressed %s, want 1,2,4", got)
	}

	var stored string
	if err := ws.DB().QueryRow(`SELECT string_agg(list || ' ' || kind || ' ' || hash, ';') FROM segscope.suppressions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"anna", "example", "zed", "7946", "+44"} {
		if strings.Contains(stored, plain) {
			t.Errorf("the lists hold %q: %s", plain, stored)
		}
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 3 || counts[1].List != Erasure || counts[1].Kind != Email || counts[1].Entries != 2 {
		t.Fatalf("counts %+v", counts)
	}
	audit, err := ws.AuditLog(ctx, query.AuditFilter{Action: ActionAdd})
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 4 || strings.Contains(audit[len(audit)-1].Details, "anna") {
		t.Fatalf("audit of adds: %+v", audit)
	}
}

// An invalid entry refuses the whole file, naming lines, not values; with
// SkipInvalid the valid ones go in and the invalid ones are reported.
func TestInvalidEntries(t *testing.T) {
	ws := querytest.Empty(t)
	ctx := context.Background()
	s := New(ws)
	req := AddRequest{List: Erasure, Kind: Email, Entries: entries("ok@example.com", "not an email", "x@nodot", "")}
	_, err := s.Add(ctx, req)
	var invalid *InvalidError
	if !errors.As(err, &invalid) || len(invalid.Invalid) != 3 {
		t.Fatalf("err %v, want 3 invalid entries", err)
	}
	for _, want := range []string{"3 entries are not valid email addresses", "nothing was added", "line 3:", "line 4:", "line 5:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "nodot") {
		t.Errorf("the error repeats a value: %v", err)
	}
	if counts, _ := s.Counts(ctx); len(counts) != 0 {
		t.Fatalf("a refused file left entries: %+v", counts)
	}
	req.SkipInvalid = true
	res, err := s.Add(ctx, req)
	if err != nil || res.Added != 1 || len(res.Skipped) != 3 {
		t.Fatalf("with SkipInvalid: %+v, %v", res, err)
	}

	for _, bad := range []struct {
		req  AddRequest
		want string
	}{
		{AddRequest{List: "Erasure!", Kind: Email, Entries: entries("a@b.co")}, "not a valid list name"},
		{AddRequest{List: Erasure, Kind: "fax", Entries: entries("a@b.co")}, "unknown identifier kind"},
		{AddRequest{List: Erasure, Kind: Email}, "no entries"},
		{AddRequest{List: Erasure, Kind: Phone, Entries: entries("020 7946 0000")}, "give --region"},
		{AddRequest{List: Erasure, Kind: Email, Entries: entries("bad"), SkipInvalid: true}, "none of the 1 entries"},
	} {
		if _, err := s.Add(ctx, bad.req); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Add(%+v): %v, want %q", bad.req, err, bad.want)
		}
	}
}

func TestRemove(t *testing.T) {
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "contacts", contacts)
	ctx := context.Background()
	s := New(ws)
	if _, err := s.Add(ctx, AddRequest{List: Erasure, Kind: Email, Entries: entries("anna@example.com", "ben@example.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove(ctx, RemoveRequest{List: Erasure, Kind: Email, Entries: entries("ANNA@example.com")}); err == nil || !strings.Contains(err.Error(), "--reason") {
		t.Fatalf("a removal without a reason: %v", err)
	}
	res, err := s.Remove(ctx, RemoveRequest{List: Erasure, Kind: Email, Entries: entries("ANNA@example.com", "nobody@example.com"), Reason: "listed by mistake"})
	if err != nil || res.Removed != 1 || res.NotListed != 1 {
		t.Fatalf("remove: %+v, %v", res, err)
	}
	if got := strings.Join(suppressed(t, ws), ","); got != "2" {
		t.Fatalf("suppressed %s after removing anna, want 2", got)
	}
	if _, err := s.Remove(ctx, RemoveRequest{List: "nolist", All: true, Reason: "r"}); err == nil || !strings.Contains(err.Error(), "no suppression list nolist") {
		t.Fatalf("removing an unknown list: %v", err)
	}
	if _, err := s.Remove(ctx, RemoveRequest{List: Erasure, All: true, Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	if ids := suppressed(t, ws); ids != nil {
		t.Fatalf("suppressed %v after removing the whole list", ids)
	}
}

func TestReadEntries(t *testing.T) {
	got, err := ReadEntries(strings.NewReader("\ufeffName,E-mail\nA,a@x.co\nB,\n\"C, jr\",c@x.co\n"), "e-mail", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != (Entry{Line: 2, Value: "a@x.co"}) || got[1] != (Entry{Line: 4, Value: "c@x.co"}) {
		t.Fatalf("entries %+v", got)
	}
	if _, err := ReadEntries(strings.NewReader("name,mail\n"), "email", false); err == nil || !strings.Contains(err.Error(), `no column "email" (its columns: name, mail)`) {
		t.Fatalf("a missing column: %v", err)
	}
	lines, err := ReadEntries(strings.NewReader("a@x.co\n\n  \nb@x.co"), "", false)
	if err != nil || len(lines) != 2 || lines[1].Line != 4 {
		t.Fatalf("lines %+v, %v", lines, err)
	}
}

// keySQL trims what keyText trims (every Unicode space), so a key read from a
// file and the same key in a table hash alike.
func TestKeyTrimAgreesWithGo(t *testing.T) {
	ws := querytest.Empty(t)
	for r := rune(0); r <= 0x3000; r++ {
		if !unicode.IsSpace(r) {
			continue
		}
		raw := string(r) + "k 1" + string(r) + " "
		var got string
		if err := ws.DB().QueryRow(`SELECT `+keySQL("?"), raw).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != keyText(raw) || got != "k 1" {
			t.Errorf("around U+%04X: SQL trims to %q, Go to %q", r, got, keyText(raw))
		}
	}
}
