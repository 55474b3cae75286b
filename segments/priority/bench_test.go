package priority

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

var benchSegments = [][2]string{
	{"fans", "watch_hours_30d > 40"},
	{"churn_risk", "days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2"},
	{"at_risk", "days_since_login > 14"},
	{"premium", "plan = 'premium'"},
	{"unhappy", "support_tickets_90d > 2"},
}

// BenchmarkWaterfallVsRaw sizes a priority list of five segments (segscope:
// five look-ups and compilations, one pass) against the same waterfall written
// by hand, and the five segments counted one by one for scale.
func BenchmarkWaterfallVsRaw(b *testing.B) {
	ws := querytest.Workspace(b)
	db := querytest.RawSubscribers(b)
	ctx := context.Background()
	store := segments.NewStore(ws)
	var names, sizes, steps []string
	for _, s := range benchSegments {
		if _, err := store.Define(ctx, segments.Definition{Name: s[0], Table: "subscribers", Rule: s[1]}); err != nil {
			b.Fatal(err)
		}
		names = append(names, s[0])
		sizes = append(sizes, "count(*) FILTER (WHERE "+s[1]+")")
		steps = append(steps, "WHEN "+s[1]+" THEN '"+s[0]+"'")
	}
	s := New(ws)
	if _, err := s.Define(ctx, "q4", names, ""); err != nil {
		b.Fatal(err)
	}
	rawSizes := `SELECT ` + strings.Join(sizes, ", ") + ` FROM subscribers`
	rawSteps := `SELECT CASE ` + strings.Join(steps, " ") + ` END AS step, count(*) FROM subscribers GROUP BY ALL`
	querytest.ByTurns(b,
		querytest.Side{Name: "segscope", Run: func() {
			if _, err := s.Waterfall(ctx, "q4"); err != nil {
				b.Fatal(err)
			}
		}},
		querytest.Side{Name: "raw", Run: func() {
			rows, err := db.Query(rawSizes)
			querytest.Drain(b, rows, err)
			rows, err = db.Query(rawSteps)
			querytest.Drain(b, rows, err)
		}},
		querytest.Side{Name: "counts", Run: func() {
			for _, n := range names {
				if _, err := store.Count(ctx, n); err != nil {
					b.Fatal(err)
				}
			}
		}},
	)
}
