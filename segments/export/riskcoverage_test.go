package export

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/risk"
)

// An export assesses its segment's risk from the consent states its gate kept
// (see consent.Service.GateCoverage): the manifest's risk is what assessing the
// segment on its own says, suppression lists or not. With the fans' lists, the
// suppressed count by their consent (both granted): counted as suppressed, the
// coverage would fall to 2 of 5 and raise a low-coverage flag.
func TestExportRiskIsTheSegmentsRisk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "fans", fansCSV)
	define(t, ws, "fans_all", "fans", "fan_id > 0")
	// email is the channel the risk judges coverage on when its policy names none.
	setupOptIn(t, ws, "fans", map[string]string{"ads_opt_in": "email"})
	e := newExporter(ws)
	for _, lists := range []bool{false, true} {
		if lists {
			suppressFans(t, ws)
		}
		res, err := e.Export(ctx, Request{Acknowledge: acknowledged, Segment: "fans_all", Format: CSV, Channel: "email",
			Path: filepath.Join(t.TempDir(), "fans.csv")})
		if err != nil {
			t.Fatal(err)
		}
		want, err := risk.New(ws, e.consent).Assess(ctx, "fans_all")
		if err != nil {
			t.Fatal(err)
		}
		got := res.Manifest.Risk.Assessment
		got.AsOf, want.AsOf = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("lists %v: the export's risk\n%+v\nassessed on its own\n%+v", lists, got, want)
		}
		if got.Channel != "email" || got.Members != 5 {
			t.Errorf("lists %v: judged on %q with %d members, want email and 5", lists, got.Channel, got.Members)
		}
	}
}
