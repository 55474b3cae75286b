package consent

import (
	"context"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

// A do-not-sell column that is not there, an ad channel that is not a channel
// name, and Google's two consents mapped to one channel are refused with what
// to fix, and nothing is saved.
func TestAdsSettingsBadInput(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "fans", "fan_id,country,ads,gpc\n1,DE,yes,\n2,US,yes,1\n")
	s := newService(ws)
	base := func() Config {
		c := Config{Table: "fans", Layout: Wide, Policy: DefaultPolicy(), Wide: []WideColumn{{Column: "ads", Channel: "ads"}}}
		c.Policy.CountryColumn = "country"
		return c
	}
	for _, bad := range []struct {
		set  func(*Policy)
		want string
	}{
		{func(p *Policy) { p.DoNotSellColumn = "sec_gpc" }, `do-not-sell column "sec_gpc" is not a column of fans`},
		{func(p *Policy) { p.AdUserData = "Google Ads!" }, "use lowercase letters, digits and _"},
		{func(p *Policy) { p.AdUserData, p.AdPersonalization = "ads", "ads" }, "two consents: map them to two channels"},
	} {
		c := base()
		bad.set(&c.Policy)
		if _, err := s.Setup(ctx, c, "test"); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v, want %q", c.Policy, err, bad.want)
		}
		if _, err := s.Config(ctx, "fans"); err == nil {
			t.Fatalf("a refused setup was saved")
		}
	}
	c := base()
	c.Policy.DoNotSellColumn, c.Policy.AdPersonalization = "gpc", " Ads "
	saved, err := s.Setup(ctx, c, "test")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Policy.AdPersonalization != "ads" || !strings.Contains(strings.Join(saved.Describe(), "\n"), "flagged in gpc") {
		t.Fatalf("saved %+v: %v", saved.Policy, saved.Describe())
	}
}

// The console's matrix counts a California resident with the do-not-sell flag
// as not contactable on an ads channel, as coverage does, and still on email.
func TestMatrixHonoursDoNotSell(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "fans", "fan_id,country,state,ads,email_opt_in,gpc\n1,US,CA,yes,yes,1\n2,US,CA,yes,yes,\n3,DE,,yes,yes,1\n")
	c := Config{Table: "fans", Layout: Wide, Policy: DefaultPolicy(), Wide: []WideColumn{{Column: "ads", Channel: "ads_personalization"},
		{Column: "email_opt_in", Channel: "email"}}}
	c.Policy.CountryColumn, c.Policy.StateColumn, c.Policy.DoNotSellColumn = "country", "state", "gpc"
	s := newService(ws)
	if _, err := s.Setup(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := segments.NewStore(ws).Define(ctx, segments.Definition{Name: "all_fans", Table: "fans", Rule: "fan_id > 0"}); err != nil {
		t.Fatal(err)
	}
	m, err := s.Matrix(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for i, ch := range m.Channels {
		got[ch] = m.Rows[0].Cells[i].Contactable
	}
	// Fan 3 is flagged but in Germany: the flag is California's law.
	if got["ads_personalization"] != 2 || got["email"] != 3 {
		t.Fatalf("contactable %v, want ads_personalization 2 and email 3", got)
	}
}

// A long layout: Google's two consents are events on two channels, the later
// event of each standing. In the EU/EEA and the UK a person needs both; a
// withdrawal of ad_user_data after a grant counts; elsewhere one is enough.
func TestGoogleGateOnEvents(t *testing.T) {
	ctx := context.Background()
	s, table := eventsWorkspace(t, "1,40,,DE,\n2,40,,DE,\n3,40,,GB,\n4,40,,US,NY\n", []string{
		"1,ad_personalization,yes,2026-10-01 00:00:00", "1,ad_user_data,yes,2026-10-01 00:00:00",
		"2,ad_personalization,yes,2026-10-01 00:00:00", "2,ad_user_data,yes,2026-09-01 00:00:00", "2,ad_user_data,withdrawn,2026-10-02 00:00:00",
		"3,ad_personalization,yes,2026-10-01 00:00:00",
		"4,ad_personalization,yes,2026-10-01 00:00:00",
	})
	pop := WholeTable(table)
	pop.Ads, pop.Google = true, true
	g, err := s.Gate(ctx, pop, AdPersonalizationChannel)
	if err != nil {
		t.Fatal(err)
	}
	if g.Included != 2 || g.Excluded[AdConsentIncomplete] != 2 || len(g.AdsRules) != 1 {
		t.Fatalf("included %d, excluded %v, rules %v: want 1 and 4 in, 2 and 3 out as %s", g.Included, g.Excluded, g.AdsRules, AdConsentIncomplete)
	}
	// Not a Google file: the channel alone decides.
	pop.Google = false
	if g, err = s.Gate(ctx, pop, AdPersonalizationChannel); err != nil || g.Included != 4 {
		t.Fatalf("a Meta-like gate: included %d, %v", g.Included, err)
	}
}
