package split

import (
	"context"
	"os"
	"testing"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

// Benchmarks run on the generated subscribers (100,000, or SEGSCOPE_BENCH_ROWS),
// segscope against a hand-written twin by turns (querytest.ByTurns).

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

const benchRule = "days_since_login > 7 and watch_hours_30d < watch_hours_prev_30d / 2"

// BenchmarkSplitVsRaw sizes a 10/90 split (segscope: look-up, fresh compilation,
// one pass) against the same bucket written by hand, and a plain count of the
// segment for scale.
func BenchmarkSplitVsRaw(b *testing.B) {
	ws := querytest.Workspace(b)
	db := querytest.RawSubscribers(b)
	ctx := context.Background()
	store := segments.NewStore(ws)
	if _, err := store.Define(ctx, segments.Definition{Name: "churn_risk", Table: "subscribers", Rule: benchRule}); err != nil {
		b.Fatal(err)
	}
	s := New(ws)
	arms, _ := ParseArms("control:10,treatment:90")
	sp, err := s.Define(ctx, "churn_risk", arms, "q4", "", false)
	if err != nil {
		b.Fatal(err)
	}
	raw := `SELECT (('0x' || left(md5('q4:' || subscriber_id::VARCHAR), 16))::UBIGINT % 10000) < 1000 AS control, count(*)
		FROM subscribers WHERE ` + benchRule + ` GROUP BY ALL`
	querytest.ByTurns(b,
		querytest.Side{Name: "segscope", Run: func() {
			if _, err := s.Sizes(ctx, sp); err != nil {
				b.Fatal(err)
			}
		}},
		querytest.Side{Name: "raw", Run: func() {
			rows, err := db.Query(raw)
			querytest.Drain(b, rows, err)
		}},
		querytest.Side{Name: "count", Run: func() {
			if _, err := store.Count(ctx, "churn_risk"); err != nil {
				b.Fatal(err)
			}
		}},
	)
}
