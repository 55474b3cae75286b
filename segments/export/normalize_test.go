package export

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/query/querytest"
)

func TestMetaWorkedExample(t *testing.T) {
	t.Parallel()
	// From Meta's customer-file hashing guide.
	e, ok := email("  Mary@Example.com ", false)
	if !ok || sha256Hex(e) != "f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79" {
		t.Fatalf("sha256(%q) = %s", e, sha256Hex(e))
	}
}

func TestEmailNormalization(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw          string
		google, meta string
		valid        bool
	}{
		{"Mary@Example.com", "mary@example.com", "mary@example.com", true},
		{"  john.smith@Gmail.com\t", "johnsmith@gmail.com", "john.smith@gmail.com", true},
		{"j.o.h.n@googlemail.com", "john@googlemail.com", "j.o.h.n@googlemail.com", true},
		{"first.last@outlook.com", "first.last@outlook.com", "first.last@outlook.com", true},
		{"a+tag@gmail.com", "a+tag@gmail.com", "a+tag@gmail.com", true},
		{"no-at-sign.example.com", "", "", false},
		{"two@@example.com", "", "", false},
		{"@example.com", "", "", false},
		{"someone@localhost", "", "", false},
		{"some one@example.com", "", "", false},
		{"trailing@example.", "", "", false},
	}
	for _, c := range cases {
		g, gok := email(c.raw, true)
		m, mok := email(c.raw, false)
		if g != c.google || m != c.meta || gok != c.valid || mok != c.valid {
			t.Errorf("%q: google %q %v, meta %q %v; want %q / %q %v", c.raw, g, gok, m, mok, c.google, c.meta, c.valid)
		}
	}
	// A Gmail local part of nothing but dots is empty once Google's rule drops them.
	if g, ok := email("...@gmail.com", true); ok {
		t.Errorf("...@gmail.com: google kept %q", g)
	}
}

func TestNameNormalization(t *testing.T) {
	t.Parallel()
	cases := []struct{ raw, google, meta string }{
		{"  Mary ", "mary", "mary"},
		{"O'Brien", "o'brien", "obrien"},
		{"Jean-Luc", "jean-luc", "jeanluc"},
		{"José", "josé", "josé"},
		{"Van der Berg", "van der berg", "vanderberg"},
		{"   ", "", ""},
		{"R2-D2", "r2-d2", "rd"},
	}
	for _, c := range cases {
		g, _ := googleName(c.raw)
		m, _ := metaName(c.raw)
		if g != c.google || m != c.meta {
			t.Errorf("%q: google %q, meta %q; want %q, %q", c.raw, g, m, c.google, c.meta)
		}
	}
	for _, c := range []struct{ full, first, last string }{
		{"Saoirse O'Brien", "Saoirse", "O'Brien"}, {"Mary Ann Smith", "Mary", "Smith"}, {"Cher", "Cher", ""}, {"", "", ""},
	} {
		if f, l := splitName(c.full); f != c.first || l != c.last {
			t.Errorf("split %q: %q %q", c.full, f, l)
		}
	}
}

func TestPhoneNormalization(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw, country, want string
	}{
		{"(415) 555-2671", "US", "+14155552671"},
		{"415.555.2671", "us", "+14155552671"},
		{"+1 415 555 2671", "", "+14155552671"},
		{"+1 415 555 2671", "GB", "+14155552671"}, // the number's own country code wins
		{"020 7946 0018", "GB", "+442079460018"},
		{"020 7946 0018", "UK", "+442079460018"},
		{"06 12 34 56 78", "FR", "+33612345678"},
		{"030 123456", "DE", "+4930123456"},
		{"(02) 5550 7789", "AU", "+61255507789"},
		{"+44 7911 123456", "US", "+447911123456"},
		{"0044 7911 123456", "DE", "+447911123456"}, // international prefix from Germany
		{"12345", "US", ""},                         // too short
		{"not a phone", "US", ""},
		{"0612345678", "", ""},     // national format with no country to read it by
		{"07700 900600", "GB", ""}, // Ofcom's range for drama: not a real number
		{"", "US", ""},
	}
	for _, c := range cases {
		got, ok := e164(c.raw, c.country)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%q in %q: %q %v, want %q", c.raw, c.country, got, ok, c.want)
		}
	}
}

// TestCustomerMatchCounts checks a whole customer-match export: values, hashes, and
// the per-field counts of valid, missing and invalid identifiers.
func TestCustomerMatchCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "fans", `fan_id,email,phone,full_name,country,postal_code,ads_opt_in
1,Mary@Example.com,(415) 555-2671,Mary Smith,US,94110,yes
2,j.o.h.n@gmail.com,020 7946 0018,John O'Neil,GB,SW1A 1AA,yes
3,bad-address,12345,,US,,yes
4,,,Cher,FR,,yes
5,nobody@example.com,(415) 555-2671,No Consent,US,94110,no
`)
	define(t, ws, "fans_all", "fans", "fan_id > 0")
	setupOptIn(t, ws, "fans", map[string]string{"ads_opt_in": "ads"})
	dir := t.TempDir()
	e := newExporter(ws)
	google, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "fans_all", Format: GoogleAds, Channel: "ads", Path: filepath.Join(dir, "g.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if google.Manifest.Rows != 4 || google.Manifest.Excluded["denied"] != 1 || google.Manifest.Channel != "ads" {
		t.Fatalf("manifest %+v", google.Manifest)
	}
	want := map[string]FieldCount{
		"Email":      {Source: "email", Valid: 2, Missing: 1, Invalid: 1},
		"Phone":      {Source: "phone", Valid: 2, Missing: 1, Invalid: 1},
		"First Name": {Source: "full_name", Valid: 3, Missing: 1},
		"Last Name":  {Source: "full_name", Valid: 2, Missing: 2},
		"Country":    {Source: "country", Valid: 4},
		"Zip":        {Source: "postal_code", Valid: 2, Missing: 2},
	}
	for field, fc := range want {
		if google.Manifest.Identifiers[field] != fc {
			t.Errorf("google %s: %+v, want %+v", field, google.Manifest.Identifiers[field], fc)
		}
	}
	rows := readCSV(t, google.Path)
	wantRows := [][]string{
		{"Email", "Phone", "First Name", "Last Name", "Country", "Zip"},
		{sha256Hex("mary@example.com"), sha256Hex("+14155552671"), sha256Hex("mary"), sha256Hex("smith"), "US", "94110"},
		{sha256Hex("john@gmail.com"), sha256Hex("+442079460018"), sha256Hex("john"), sha256Hex("o'neil"), "GB", "SW1A 1AA"},
		{"", "", "", "", "US", ""},
		{"", "", sha256Hex("cher"), "", "FR", ""},
	}
	compareRows(t, rows, wantRows)

	meta, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "fans_all", Format: Meta, Channel: "ads", Path: filepath.Join(dir, "m.csv")})
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, readCSV(t, meta.Path), [][]string{
		{"email", "phone", "fn", "ln"},
		{"f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79", sha256Hex("14155552671"), sha256Hex("mary"), sha256Hex("smith")},
		{sha256Hex("j.o.h.n@gmail.com"), sha256Hex("442079460018"), sha256Hex("john"), sha256Hex("oneil")},
		{"", "", "", ""},
		{"", "", sha256Hex("cher"), ""},
	})
	if meta.Manifest.Identifiers["phone"] != (FieldCount{Source: "phone", Valid: 2, Missing: 1, Invalid: 1}) {
		t.Errorf("meta phone %+v", meta.Manifest.Identifiers["phone"])
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func compareRows(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("row %d column %d: %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
}
