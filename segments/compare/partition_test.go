package compare

import (
	"context"
	"testing"

	"github.com/segscope/segscope/query/querytest"
)

// TestNegationPartitions compares segments whose rules meet blank cells with
// the rest of the table and with their negations: each pair covers every row
// exactly once, so no customer whose age is missing falls out of both sides.
func TestNegationPartitions(t *testing.T) {
	ctx := context.Background()
	ws, store := openWorkspace(t)
	querytest.ImportCSV(t, ws, "customers", `customer_id,age,plan,churned
1,25,basic,true
2,,premium,false
3,41,basic,
4,35,,true
5,,basic,
6,52,premium,false
`)
	define(t, store, "over_30", "customers", "age > 30")
	define(t, store, "not_over_30", "customers", "not segment('over_30')")
	define(t, store, "stayed_basic", "customers", "not churned and plan = 'basic'")
	define(t, store, "not_stayed_basic", "customers", "not (not churned and plan = 'basic')")
	for _, pair := range [][2]string{{"over_30", ""}, {"over_30", "not_over_30"}, {"stayed_basic", "not_stayed_basic"}} {
		res, err := Segments(ctx, ws, store, pair[0], pair[1])
		if err != nil {
			t.Fatal(err)
		}
		if res.BaseRows != 6 || res.A.Size+res.B.Size != res.BaseRows || res.A.Size == 0 || res.B.Size == 0 {
			t.Errorf("%s against %q: A %d + B %d of %d rows", pair[0], pair[1], res.A.Size, res.B.Size, res.BaseRows)
		}
		if res.Overlap != nil && res.Overlap.Both != 0 {
			t.Errorf("%s and %s overlap on %d rows", pair[0], pair[1], res.Overlap.Both)
		}
	}
}
