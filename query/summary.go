package query

import (
	"fmt"

	"github.com/segscope/segscope/query/counts"
)

// ImportChange is one thing an import did to make a file into a table that the
// file itself doesn't say: a coerced type, a renamed column, dropped lines.
type ImportChange struct {
	// Kind is "type", "rename", "header" or "rows".
	Kind   string `json:"kind"`
	Column string `json:"column,omitempty"`
	// Count is how many cells or lines it concerned (0 when not a count).
	Count   int64  `json:"count"`
	Message string `json:"message"`
}

// Summary says what the import did, a line each, in plain words for people: the
// size, the key and why, then every change, note and rejected row.
func (r ImportResult) Summary() []string {
	verb := "imported"
	if r.Replaced {
		verb = "replaced"
	}
	from := r.Path
	if r.Attached {
		verb = "attached"
		if r.Files > 1 {
			from = fmt.Sprintf("%s (%s)", r.Path, counts.Of(int64(r.Files), "file", "files"))
		}
	}
	lines := []string{
		fmt.Sprintf("%s %s from %s: %s, %s", verb, r.Table, from, counts.Of(r.Rows, "row", "rows"), counts.Of(int64(r.Columns), "column", "columns")),
		fmt.Sprintf("key: %s (%s)", r.Key, r.KeyReason),
	}
	if r.Key == "" {
		lines[1] = "key: " + r.KeyReason
	}
	for _, c := range r.Changes {
		if c.Kind == "type" {
			lines = append(lines, c.Column+": "+c.Message)
		} else {
			lines = append(lines, c.Message)
		}
	}
	lines = append(lines, r.Notes...)
	return lines
}
