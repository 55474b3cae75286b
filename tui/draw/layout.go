package draw

// Rect is a region of the screen in cells.
type Rect struct{ X, Y, W, H int }

// Contains reports whether the cell (x, y) is inside r.
func (r Rect) Contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// SplitX cuts r into a left part w cells wide and the rest.
func (r Rect) SplitX(w int) (Rect, Rect) {
	w = min(max(w, 0), r.W)
	return Rect{r.X, r.Y, w, r.H}, Rect{r.X + w, r.Y, r.W - w, r.H}
}

// SplitY cuts r into a top part h lines high and the rest.
func (r Rect) SplitY(h int) (Rect, Rect) {
	h = min(max(h, 0), r.H)
	return Rect{r.X, r.Y, r.W, h}, Rect{r.X, r.Y + h, r.W, r.H - h}
}

// Follow returns the first of n items to show in rows lines, starting from
// offset, so that the item at cursor is in view: the list scrolls only as far
// as it must, and never past its last page.
func Follow(cursor, offset, n, rows int) int {
	switch {
	case cursor < offset:
		offset = cursor
	case cursor >= offset+rows:
		offset = cursor - rows + 1
	}
	return max(min(offset, n-rows), 0)
}
