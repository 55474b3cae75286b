package consent

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
)

func TestCoverageWideMatchesHandWrittenSQL(t *testing.T) {
	ctx := context.Background()
	ws := sample(t)
	s := newService(ws)
	// Detection proposes exactly the setup the sample is seeded with.
	proposed, err := s.Propose(ctx, "creators")
	if err != nil {
		t.Fatal(err)
	}
	c := proposed.Config
	if c.Layout != Wide || len(c.Wide) != 2 || c.Wide[0] != (WideColumn{Column: "email_opt_in", Channel: "email"}) ||
		c.Wide[1] != (WideColumn{Column: "sms_opt_in", Channel: "sms"}) || c.Policy.CountryColumn != "country" || c.Policy.AgeColumn != "" {
		t.Fatalf("proposed %+v", c)
	}
	stored, err := s.Config(ctx, "creators")
	if err != nil || !reflect.DeepEqual(stored, c) {
		t.Fatalf("the sample's setup %+v (%v), proposed %+v", stored, err, c)
	}
	cov, err := s.Coverage(ctx, WholeTable("creators"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// No age column, so no minors; no time column, so nothing is stale.
	want := tallies(t, ws.DB(), `
		SELECT 'email', CASE WHEN email_opt_in IS NULL THEN 'unknown' WHEN email_opt_in THEN 'granted' ELSE 'denied' END, count(*)
		FROM creators GROUP BY ALL
		UNION ALL
		SELECT 'sms', CASE WHEN sms_opt_in IS NULL THEN 'unknown' WHEN sms_opt_in THEN 'granted' ELSE 'denied' END, count(*)
		FROM creators GROUP BY ALL`)
	sameTallies(t, coverageTallies(cov), want)
	email, _ := cov.Channel("email")
	var eu int64
	for _, j := range email.Jurisdictions {
		if j.Jurisdiction == EU {
			eu = j.Members
		}
	}
	if wantEU := scalar[int64](t, ws.DB(), `SELECT count(*) FROM creators WHERE country IN `+euCountries); eu != wantEU {
		t.Errorf("EU/EEA creators %d, want %d", eu, wantEU)
	}
}

func TestWideWithTimesAndDetection(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "shop", `id,Email_Opt_In,email_opt_in_at,consent_sms,push_consent,parental_consent,age,country
1,yes,2026-01-01,no,Y,,30,US
2,yes,2020-01-01,,n,,30,US
3,yes,,1,,,30,US
4,maybe,2026-01-01,0,y,,12,US
5,yes,2026-01-01,1,y,true,12,US
`)
	s := newService(ws)
	proposed, err := s.Propose(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	c := proposed.Config
	wantWide := []WideColumn{
		{Column: "Email_Opt_In", Channel: "email", Time: "email_opt_in_at"},
		{Column: "consent_sms", Channel: "sms"},
		{Column: "push_consent", Channel: "push"},
	}
	if c.Layout != Wide || len(c.Wide) != len(wantWide) {
		t.Fatalf("detected %+v", c)
	}
	for i := range wantWide {
		if c.Wide[i] != wantWide[i] {
			t.Errorf("wide column %d: %+v, want %+v", i, c.Wide[i], wantWide[i])
		}
	}
	if c.Policy.ParentalColumn != "parental_consent" || c.Policy.AgeColumn != "age" {
		t.Errorf("policy %+v", c.Policy)
	}
	// A proposal is applied only once confirmed.
	if _, err := s.Coverage(ctx, WholeTable("shop"), nil); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("coverage before the proposal is confirmed: %v", err)
	}
	if _, err := s.Setup(ctx, c, "accepted the proposal"); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]State{
		"email": {"1": Granted, "2": Stale, "3": Stale, "4": Minor, "5": Granted},
		"sms":   {"1": Denied, "2": Unknown, "3": Granted, "4": Minor, "5": Granted},
		"push":  {"1": Granted, "2": Denied, "3": Unknown, "4": Minor, "5": Granted},
	}
	for channel, people := range want {
		got := statesOf(t, s, "shop", channel)
		for key, st := range people {
			if got[key].State != st {
				t.Errorf("%s, person %s: %s, want %s", channel, key, got[key].State, st)
			}
		}
	}
	cov, err := s.Coverage(ctx, WholeTable("shop"), []string{"email"})
	if err != nil {
		t.Fatal(err)
	}
	if cov.Channels[0].Unrecognized != 0 {
		t.Errorf("a minor's unrecognized word was counted: %d", cov.Channels[0].Unrecognized)
	}
}

func TestProposeNothing(t *testing.T) {
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "plain", "id,name\n1,a\n2,b\n")
	_, err := newService(ws).Propose(context.Background(), "plain")
	if !errors.Is(err, ErrNoProposal) || !strings.Contains(err.Error(), "no opt-in columns") {
		t.Fatalf("error %v", err)
	}
}
