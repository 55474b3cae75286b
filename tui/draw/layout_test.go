package draw

import "testing"

func TestFollow(t *testing.T) {
	for _, c := range []struct{ cursor, offset, n, rows, want int }{
		{cursor: 3, offset: 0, n: 20, rows: 5, want: 0},    // in view: no scroll
		{cursor: 7, offset: 0, n: 20, rows: 5, want: 3},    // below: the cursor becomes the last row
		{cursor: 2, offset: 6, n: 20, rows: 5, want: 2},    // above: the cursor becomes the first row
		{cursor: 19, offset: 18, n: 20, rows: 5, want: 15}, // never past the last page
		{cursor: 1, offset: 4, n: 3, rows: 5, want: 0},     // fewer items than rows
	} {
		if got := Follow(c.cursor, c.offset, c.n, c.rows); got != c.want {
			t.Errorf("Follow(%d, %d, %d, %d) = %d, want %d", c.cursor, c.offset, c.n, c.rows, got, c.want)
		}
	}
}

func TestHeadLine(t *testing.T) {
	if got := HeadLine("ab", "cd", 7); got != "ab   cd" {
		t.Errorf("HeadLine = %q", got)
	}
	if got := HeadLine("abc", "def", 6); got != "abc   " {
		t.Errorf("HeadLine without room for the right = %q", got)
	}
}
