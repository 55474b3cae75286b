package query

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// pagingTable writes n rows whose score has many ties and NULLs (every 7th),
// in insertion order id = 0..n-1; with shadow, a user column "rowid" (ties
// too) hides DuckDB's pseudo-column.
func pagingTable(t *testing.T, w *Workspace, name string, n int, shadow bool) {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,score,plan")
	if shadow {
		b.WriteString(",rowid")
	}
	b.WriteString("\n")
	for i := range n {
		score := fmt.Sprint((i * 7919) % 13)
		if i%7 == 3 {
			score = ""
		}
		fmt.Fprintf(&b, "%d,%s,%s", i, score, []string{"basic", "premium", "family"}[i%3])
		if shadow {
			fmt.Fprintf(&b, ",%d", (i*31)%5)
		}
		b.WriteString("\n")
	}
	mustImport(t, w, writeFile(t, t.TempDir(), name+".csv", b.String()), ImportOptions{Table: name})
}

func pageIDs(t *testing.T, res *Result) []string {
	t.Helper()
	ids := make([]string, len(res.Rows))
	for i, r := range res.Rows {
		ids[i] = FormatValue(r[0])
	}
	return ids
}

// waitOrdering waits for a browsed view's ordering, built in the background.
func waitOrdering(t *testing.T, w *Workspace, p Page) {
	t.Helper()
	key := w.orderingKey(p)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, ok := w.orderings.lookup(key); ok {
			return
		}
	}
	t.Fatalf("%+v: no ordering after 30 s", p)
}

// TestTopNPagesEqualOrderingPages checks that the pages a sorted or filtered
// view shows before its ordering exists (top-N from the front, the reverse
// top-N and prefetched last rows at the end) are the very rows the ordering
// shows there once it is built, and the rows of a plain ORDER BY ... OFFSET,
// with ties and NULLs in the sort column, on a table with and without a user
// column named rowid.
func TestTopNPagesEqualOrderingPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	const n = 5*shallowOffset + 37
	const limit = 60
	views := []Page{
		{OrderBy: "score"},
		{OrderBy: "score", Desc: true},
		{OrderBy: "score", Where: `"plan" <> 'basic'`},
		{Where: `"plan" <> 'basic'`},
	}
	for _, shadow := range []bool{false, true} {
		table := fmt.Sprintf("t_shadow_%v", shadow)
		pagingTable(t, w, table, n, shadow)
		for _, v := range views {
			v.Table, v.Limit = table, limit
			name := fmt.Sprintf("%s order=%q desc=%v where=%q", table, v.OrderBy, v.Desc, v.Where)
			total, err := w.Count(ctx, table, v.Where)
			if err != nil {
				t.Fatal(err)
			}
			// A plain ORDER BY with the insertion position (id) breaking ties.
			ref := func(offset int64) []string {
				order := "id"
				if v.OrderBy != "" {
					order = QuoteIdent(v.OrderBy) + map[bool]string{false: " ASC", true: " DESC"}[v.Desc] + " NULLS LAST, id"
				}
				res, err := w.Query(ctx, fmt.Sprintf(`SELECT id FROM %s%s ORDER BY %s LIMIT %d OFFSET %d`,
					QuoteIdent(table), whereClause(v.Where), order, limit, offset), 0)
				if err != nil {
					t.Fatal(err)
				}
				return pageIDs(t, res)
			}
			get := func(p Page, offset int64) []string {
				t.Helper()
				p.Offset = offset
				res, err := w.Rows(ctx, p)
				if err != nil {
					t.Fatalf("%s offset %d: %v", name, offset, err)
				}
				return pageIDs(t, res)
			}
			first, last, middle := int64(0), total-limit, total/2
			plain := v // no Browse: the last page is the reverse top-N itself
			if _, ok := w.orderings.lookup(w.orderingKey(plain)); ok {
				t.Fatalf("%s: an ordering exists before any page", name)
			}
			topFirst, topLast := get(plain, first), get(plain, last)
			if _, ok := w.orderings.lookup(w.orderingKey(plain)); ok {
				t.Fatalf("%s: pages at the ends built an ordering", name)
			}
			browse := v
			browse.Browse = true
			browsedFirst, browsedLast := get(browse, first), get(browse, last) // the last from the prefetched tail
			waitOrdering(t, w, browse)
			for _, c := range []struct {
				what     string
				top      []string
				offset   int64
				browsing []string
			}{{"first page", topFirst, first, browsedFirst}, {"last page", topLast, last, browsedLast}} {
				ordered := get(browse, c.offset)
				want := ref(c.offset)
				if len(want) != limit || strings.Join(c.top, ",") != strings.Join(ordered, ",") ||
					strings.Join(c.browsing, ",") != strings.Join(ordered, ",") || strings.Join(ordered, ",") != strings.Join(want, ",") {
					t.Fatalf("%s, %s:\ntop-N     %v\nbrowsing  %v\nordering  %v\nORDER BY  %v", name, c.what, c.top, c.browsing, ordered, want)
				}
			}
			if got, want := get(browse, middle), ref(middle); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("%s, middle page:\nordering %v\nORDER BY %v", name, got, want)
			}
		}
	}
}

// TestOrderingsAreFreed checks that sorting a table by one column after another
// keeps at most maxOrderings ordering tables in the scratch database.
func TestOrderingsAreFreed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	const n = 3 * shallowOffset
	pagingTable(t, w, "t", n, false)
	for _, v := range []Page{{OrderBy: "score"}, {OrderBy: "score", Desc: true}, {OrderBy: "id", Desc: true}, {OrderBy: "plan"}} {
		v.Table, v.Limit, v.Browse = "t", 50, true
		if _, err := w.Rows(ctx, v); err != nil {
			t.Fatal(err)
		}
		waitOrdering(t, w, v)
	}
	var tables int
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = ?`, scratchDB).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != maxOrderings {
		t.Fatalf("%d ordering tables after four sorts, want %d", tables, maxOrderings)
	}
}

// TestCloseStopsBackgroundSort checks that closing the workspace stops an
// ordering being built for a browsed view instead of waiting for it.
func TestCloseStopsBackgroundSort(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, Memory)
	if err != nil {
		t.Fatal(err)
	}
	// Wide random strings: sorting them takes a while, a page of them does not.
	if _, err := w.DB().ExecContext(ctx, `CREATE TABLE big AS SELECT range AS id, repeat(md5(range::VARCHAR), 4) AS s FROM range(1000000)`); err != nil {
		t.Fatal(err)
	}
	p := Page{Table: "big", OrderBy: "s", Limit: 50, Browse: true}
	if _, err := w.Rows(ctx, p); err != nil {
		t.Fatal(err)
	}
	w.orderings.mu.Lock()
	e := w.orderings.entries[w.orderingKey(p)]
	w.orderings.mu.Unlock()
	if e == nil {
		t.Fatal("the first page of a browsed sort started nothing in the background")
	}
	start := time.Now()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	<-e.ready
	if d := time.Since(start); d > 2*time.Second || !errors.Is(e.err, context.Canceled) {
		t.Fatalf("Close took %v and the background sort ended with %v: it was not stopped", d, e.err)
	}
}
