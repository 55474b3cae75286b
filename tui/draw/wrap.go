package draw

// Span is a range of runes [From, To); the zero Span marks nothing.
type Span struct{ From, To int }

// WrapRunes splits text into the runes [From, To) of each line it takes at
// width cells: at its line breaks, and where a line is too long, after its
// last space that fits (or anywhere, when a word is longer than the line).
// The line breaks themselves belong to no line; an empty line is an empty span.
func WrapRunes(runes []rune, width int) []Span {
	width = max(width, 1)
	var out []Span
	for start := 0; start <= len(runes); {
		end := start
		for end < len(runes) && runes[end] != '\n' {
			end++
		}
		from := start
		for {
			to, used := from, 0
			for to < end {
				w := Width(string(runes[to]))
				if used+w > width {
					break
				}
				used += w
				to++
			}
			if to < end {
				if sp := lastSpace(runes, from, to); sp > from {
					to = sp
				}
				to = max(to, from+1)
			}
			out = append(out, Span{From: from, To: to})
			from = to
			if from >= end {
				break
			}
		}
		start = end + 1
	}
	return out
}

// lastSpace is the index after the last space in runes[from:to], or from.
func lastSpace(runes []rune, from, to int) int {
	for i := to; i > from; i-- {
		if runes[i-1] == ' ' {
			return i
		}
	}
	return from
}
