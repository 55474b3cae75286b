package export

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

// adsCSV is a customer file recording Google's two ads consents under names of
// its own (ads for ad_personalization, google_ads_data for ad_user_data), email
// consent and a Global Privacy Control flag:
//   - 1 (Germany) granted both: uploaded;
//   - 2 (Germany) granted ad_personalization only: out, ad_consent_incomplete;
//   - 3 (UK) granted ad_user_data only: out on both files (denied on the
//     personalization channel the files are gated on);
//   - 4 (United States, New York) granted ad_personalization only: uploaded
//     (the EEA/UK rule does not apply there);
//   - 5 (California) granted everything but sends GPC: out of ads as
//     do_not_sell, still in an email export;
//   - 6 (California) granted everything, no GPC: uploaded.
const adsCSV = `fan_id,email,phone,full_name,country,state,ads,google_ads_data,email_opt_in,sec_gpc
1,ana@example.de,,Ana Berg,DE,,yes,yes,yes,
2,ben@example.de,,Ben Kraus,DE,,yes,no,yes,0
3,cai@example.co.uk,,Cai Ross,GB,,no,yes,yes,
4,dee@example.com,,Dee Ford,US,NY,yes,no,yes,
5,eve@example.com,,Eve Diaz,US,CA,yes,yes,yes,1
6,fay@example.com,,Fay Moss,US,CA,yes,yes,yes,false
`

func adsWorkspace(t *testing.T) *Exporter {
	t.Helper()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "fans", adsCSV)
	define(t, ws, "fans_all", "fans", "fan_id > 0")
	c := consent.Config{Table: "fans", Layout: consent.Wide, Policy: consent.DefaultPolicy(), Wide: []consent.WideColumn{
		{Column: "ads", Channel: "ads"}, {Column: "google_ads_data", Channel: "google_ads_data"}, {Column: "email_opt_in", Channel: "email"},
	}}
	c.Policy.CountryColumn, c.Policy.StateColumn, c.Policy.DoNotSellColumn = "country", "state", "sec_gpc"
	c.Policy.AdPersonalization, c.Policy.AdUserData = "ads", "google_ads_data"
	consenttest.Setup(t, ws, c)
	return newExporter(ws)
}

func manifestOf(t *testing.T, path string) Manifest {
	t.Helper()
	b, err := os.ReadFile(path + ".manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A Google customer-match file in the EEA/UK needs both of Google's consents,
// found under the channel names the policy maps; a California resident with
// the GPC flag is kept out of ads files (Google's and Meta's) but not out of
// an email export. Each is counted under its own reason.
func TestAdsConsentRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := adsWorkspace(t)
	dir := t.TempDir()
	cases := []struct {
		format   Format
		channel  string
		rows     int64
		excluded map[consent.State]int64
	}{
		{GoogleAds, "", 3, map[consent.State]int64{consent.AdConsentIncomplete: 1, consent.Denied: 1, consent.DoNotSell: 1}},
		// Meta asks nothing of the EEA beyond the channel, but GPC still keeps Eve out.
		{Meta, "", 4, map[consent.State]int64{consent.Denied: 1, consent.DoNotSell: 1}},
		{CSV, "email", 6, map[consent.State]int64{}},
	}
	for _, c := range cases {
		path := filepath.Join(dir, string(c.format)+".csv")
		res, err := e.Export(ctx, Request{Segment: "fans_all", Format: c.format, Channel: c.channel, Path: path,
			Acknowledge: "a six-person test file"})
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		m := manifestOf(t, path)
		if m.Rows != c.rows || res.Manifest.Rows != c.rows {
			t.Errorf("%s: %d rows, want %d (excluded %v)", c.format, m.Rows, c.rows, m.Excluded)
		}
		for st, n := range c.excluded {
			if m.Excluded[st] != n {
				t.Errorf("%s: excluded %s = %d, want %d (all: %v)", c.format, st, m.Excluded[st], n, m.Excluded)
			}
		}
		if c.format == CSV {
			if _, listed := m.Excluded[consent.DoNotSell]; listed {
				t.Errorf("an email export lists do_not_sell: %v", m.Excluded)
			}
			if got := querytest.CSVKeys(t, path); !slices.Contains(got, "5") {
				t.Errorf("the email export left out Eve, who sent GPC: %v", got)
			}
		}
		if c.format == GoogleAds && len(m.AdsRules) != 2 {
			t.Errorf("the Google manifest says which ads rules applied: %v", m.AdsRules)
		}
		if m.Channel != map[Format]string{GoogleAds: "ads", Meta: "ads", CSV: "email"}[c.format] {
			t.Errorf("%s gated on %q, want the policy's ad_personalization channel", c.format, m.Channel)
		}
	}
}

// Without the ad_user_data channel recorded, a Google file gates on the one
// consent there is: nobody is counted as missing a consent that is never recorded.
func TestGoogleRuleNeedsBothRecorded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "fans", fansCSV)
	define(t, ws, "fans_all", "fans", "fan_id > 0")
	setupOptIn(t, ws, "fans", map[string]string{"ads_opt_in": "ads_personalization"})
	p, err := newExporter(ws).Preview(ctx, Request{Segment: "fans_all", Format: GoogleAds})
	if err != nil {
		t.Fatal(err)
	}
	if _, listed := p.Excluded[consent.AdConsentIncomplete]; listed || p.Included != 4 {
		t.Errorf("included %d, excluded %v: want 4 and no ad_consent_incomplete", p.Included, p.Excluded)
	}
}

// Consent coverage counts the GPC flag on ads channels only.
func TestCoverageCountsDoNotSell(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := adsWorkspace(t)
	cov, err := e.consent.Coverage(ctx, consent.WholeTable("fans"), []string{"ads", "email"})
	if err != nil {
		t.Fatal(err)
	}
	ads, _ := cov.Channel("ads")
	email, _ := cov.Channel("email")
	if ads.Counts[consent.DoNotSell] != 1 || ads.Contactable != 4 {
		t.Errorf("ads: do_not_sell %d, contactable %d; want 1 and 4", ads.Counts[consent.DoNotSell], ads.Contactable)
	}
	if email.Counts[consent.DoNotSell] != 0 || email.Contactable != 6 {
		t.Errorf("email: do_not_sell %d, contactable %d; want 0 and 6", email.Counts[consent.DoNotSell], email.Contactable)
	}
}
