package query_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// A table with a column of its own called rowid is paged in its insertion
// order, never by the user's values; the key is a parameter, so a quote in it
// is a value like any other.
func TestKeyRowsWithAShadowedRowid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	if _, err := ws.DB().ExecContext(ctx, `CREATE TABLE main.visits AS SELECT
		CASE WHEN i % 2 = 0 THEN 'o''neil' ELSE 'x' END AS who, 100 - i AS rowid, i AS n, (i % 3) AS day FROM range(30) t(i)`); err != nil {
		t.Fatal(err)
	}
	var got []string
	for offset := int64(0); ; offset += 4 {
		res, total, err := ws.KeyRows(ctx, query.KeyPage{Table: "visits", Column: "who", Value: "o'neil", OrderBy: "day", Desc: true, Offset: offset, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if total != 15 {
			t.Fatalf("total %d, want 15", total)
		}
		if len(res.Rows) == 0 {
			break
		}
		for _, r := range res.Rows {
			got = append(got, fmt.Sprint(r[3], "/", r[2]))
		}
	}
	// Latest day first; within a day, later rows first.
	want := []string{"2/26", "2/20", "2/14", "2/8", "2/2", "1/28", "1/22", "1/16", "1/10", "1/4", "0/24", "0/18", "0/12", "0/6", "0/0"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("pages\n%v\nwant\n%v", got, want)
	}
}
