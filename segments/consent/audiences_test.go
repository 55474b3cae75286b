package consent

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

func TestAudiences(t *testing.T) {
	ctx := context.Background()
	ws := sample(t)
	querytest.ImportCSV(t, ws, "plain", "id,name\n1,a\n2,b\n")
	s := newService(ws)
	a, err := s.Audiences(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.SetUp, []string{"creators", "subscribers"}) || !slices.Contains(a.NotSetUp, "plain") ||
		a.Events["consent"] != "subscribers" || slices.Contains(a.NotSetUp, "consent") || !a.IsEvents("consent") || a.IsEvents("plain") {
		t.Fatalf("audiences %+v", a)
	}

	// A segment on the events table is about consent records, not people to
	// reach: the matrix says so rather than offering to set its consent up.
	if err := ws.SetKey(ctx, "consent", query.SurrogateKey); err != nil {
		t.Fatal(err)
	}
	define(t, ws, "email_events", "consent", "channel = 'email'")
	define(t, ws, "plain_all", "plain", "id > 0")
	m, err := s.Matrix(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Audiences.NotSetUp, a.NotSetUp) {
		t.Fatalf("matrix audiences %+v, want %+v", m.Audiences, a)
	}
	for _, r := range m.Rows {
		switch r.Segment {
		case "email_events":
			if r.NotSetUp || !strings.Contains(r.Problem, "consent events of subscribers") {
				t.Errorf("segment on the events table: %+v", r)
			}
		case "plain_all":
			if !r.NotSetUp {
				t.Errorf("segment on a table without setup: %+v", r)
			}
		}
	}

	// Once set up, a table moves from NotSetUp to SetUp.
	querytest.ImportCSV(t, ws, "shop", "id,email_opt_in\n1,yes\n2,no\n")
	if a, _ := s.Audiences(ctx); !slices.Contains(a.NotSetUp, "shop") {
		t.Fatalf("shop before its setup: %+v", a)
	}
	if _, err := s.Setup(ctx, Config{Table: "shop", Key: "id", Layout: Wide,
		Wide:   []WideColumn{{Column: "email_opt_in", Channel: "email"}},
		Policy: Policy{StaleDays: 730, MinorAge: 13, MinorAgeEU: 16}}, "test"); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Audiences(ctx); !slices.Contains(a.SetUp, "shop") || slices.Contains(a.NotSetUp, "shop") {
		t.Fatalf("shop after its setup: %+v", a)
	}
}
