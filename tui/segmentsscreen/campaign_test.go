package segmentsscreen

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/priority"
	"github.com/segscope/segscope/segments/split"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/tuitest"
)

// c opens a segment's campaign view: its arms sum to the segment, the MDE for
// a typed baseline is the calculator's, and the waterfall's step takes out
// exactly the members the earlier step holds (counted by a rule of both).
func TestCampaignView(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := tuitest.Customers.Open(t)
	store := segments.NewStore(ws)
	sp, err := split.New(ws).Define(ctx, "big_spenders", []split.Arm{{Name: "control", Share: 2000}, {Name: "treatment", Share: 8000}}, "salt", "test", false)
	if err != nil {
		t.Fatal(err)
	}
	tuitest.Define(t, ws, segments.Definition{Name: "under_40", Table: "customers", Rule: "age < 40"},
		segments.Definition{Name: "zz_both", Table: "customers", Rule: "spend >= 400 and age < 40"})
	if _, err := priority.New(ws).Define(ctx, "q4", []string{"under_40", "big_spenders"}, "test"); err != nil {
		t.Fatal(err)
	}
	m, hs := console(t, ws, 100, 30)
	tuitest.Press(t, hs, "c")
	text := screenText(m, hs)
	tuitest.MustShow(t, text, "Campaign · big_spenders", "control:20,treatment:80 · salt salt", "type the control's expected rate",
		"Priority list q4", "under_40 > big_spenders", "no export yet")

	size, err := store.Count(ctx, "big_spenders")
	if err != nil {
		t.Fatal(err)
	}
	sizes, err := split.New(ws).Sizes(ctx, sp)
	if err != nil {
		t.Fatal(err)
	}
	if sizes[0].Members+sizes[1].Members != size || sizes[0].Members == 0 || sizes[1].Members == 0 {
		t.Fatalf("arms %d + %d, segment %d", sizes[0].Members, sizes[1].Members, size)
	}
	for _, a := range sizes {
		if row := lineWith(text, "   "+a.Name+" "); !strings.Contains(row, draw.Count(a.Members)) {
			t.Fatalf("arm %s's row %q lacks %d", a.Name, row, a.Members)
		}
	}

	both, err := store.Count(ctx, "zz_both")
	if err != nil || both == 0 {
		t.Fatalf("members of both: %d, %v", both, err)
	}
	step := lineWith(text, "2 big_spenders")
	if want := fmt.Sprintf("−%s", draw.Count(both)); !strings.Contains(step, want) || !strings.Contains(step, "= "+draw.Count(size-both)) {
		t.Fatalf("step 2 %q: want %s taken and %d left", step, want, size-both)
	}

	tuitest.Press(t, hs, "b")
	if !m.CapturesText() {
		t.Fatal("the baseline does not take typing")
	}
	tuitest.Type(t, hs, "5%")
	tuitest.Press(t, hs, "enter")
	d, err := split.MDE(0.05, sizes[0].Members, sizes[1].Members, mdeAlpha, mdePower)
	if err != nil {
		t.Fatal(err)
	}
	tuitest.MustShow(t, screenText(m, hs), fmt.Sprintf("treatment vs control: detects %s or more", pct(d.Rate)))
	tuitest.Press(t, hs, "esc")
	if m.view != viewList {
		t.Fatal("esc did not go back to the list")
	}
	tuitest.Press(t, hs, "j", "c")
	tuitest.MustShow(t, screenText(m, hs), "Campaign · gold_us", "not split", "none holds gold_us")
	tuitest.RequireFits(t, m.View(), 100, 27, "campaign")
}
