package datascreen

import "testing"

func rows(from, n int) [][]any {
	out := make([][]any, n)
	for i := range out {
		out[i] = []any{int64(from + i)}
	}
	return out
}

func TestCacheMissingIsBlockAligned(t *testing.T) {
	c := newCache()
	v := view{table: "t"}
	const total = 1000
	from, to, need := c.missing(v, 120, 260, total)
	if !need || from != 100 || to != 300 {
		t.Fatalf("missing = %d..%d %v, want 100..300", from, to, need)
	}
	c.put(v, from, rows(int(from), int(to-from)))
	if _, _, need := c.missing(v, 120, 260, total); need {
		t.Fatal("rows just put are reported missing")
	}
	if r, ok := c.row(v, 250); !ok || r[0] != int64(250) {
		t.Fatalf("row 250 = %v %v", r, ok)
	}
	// The last, short block of a table is complete.
	c.put(v, 950, rows(950, 50))
	if _, _, need := c.missing(v, 960, 1000, total); need {
		t.Fatal("the end of the table is reported missing")
	}
	// Another sort of the same table is another view.
	if _, _, need := c.missing(view{table: "t", order: "x"}, 120, 260, total); !need {
		t.Fatal("a sorted view shares the unsorted rows")
	}
}

func TestCacheEvictsLeastRecentlyWanted(t *testing.T) {
	c := newCache()
	v := view{table: "t"}
	total := int64((maxBlocks + 10) * blockRows)
	c.put(v, 0, rows(0, blockRows))
	for n := 1; n < maxBlocks+10; n++ {
		c.missing(v, 0, blockRows, total) // block 0 stays wanted
		c.put(v, int64(n*blockRows), rows(n*blockRows, blockRows))
	}
	if len(c.blocks) > maxBlocks {
		t.Fatalf("%d blocks cached, limit %d", len(c.blocks), maxBlocks)
	}
	if _, ok := c.row(v, 0); !ok {
		t.Fatal("a block in constant use was evicted")
	}
	if _, ok := c.row(v, blockRows); ok {
		t.Fatal("the oldest unused block survived")
	}
}
