package segmentsscreen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/tui/styles"
)

func TestDiffWords(t *testing.T) {
	for _, tc := range []struct{ before, after, want string }{
		{"age > 30", "age > 30", "age > 30"},
		{"age > 30", "age > 40", "age > [-30-]{+40+}"},
		{"age > 30", "age > 30 and plan = 'gold'", "age > 30 {+and plan = 'gold'+}"},
		{"plan in ('a', 'b') and age > 30", "age > 30", "[-plan in ('a', 'b') and-] age > 30"},
		{"x = 1 and\n  y = 2", "x = 1 and\n  y = 3", "x = 1 and\n  y = [-2-]{+3+}"},
	} {
		got := ansi.Strip(strings.Join(diffRows(styles.New(styles.NoColor), diffWords(tc.before, tc.after), 80), "\n"))
		if got != tc.want {
			t.Errorf("diff %q → %q\n got %q\nwant %q", tc.before, tc.after, got, tc.want)
		}
	}
}

// TestDiffWordsLongRule: a rule near the length limit, changed in one place,
// shows just that change (the hand LCS gave up on rules this long and showed
// the whole rule replaced).
func TestDiffWordsLongRule(t *testing.T) {
	var conds []string
	for i := range 1500 {
		conds = append(conds, fmt.Sprintf("c%d > %d", i, i))
	}
	before := strings.Join(conds, " or ")
	conds[700] = "c700 > 7"
	pieces := diffWords(before, strings.Join(conds, " or "))
	var changed []string
	for _, p := range pieces {
		if p.change != same {
			changed = append(changed, p.text)
		}
	}
	if strings.Join(changed, "|") != "700|7" {
		t.Fatalf("changed pieces %q, want just 700 replaced by 7", changed)
	}
}

func TestDiffRowsWrapAndStyle(t *testing.T) {
	st := styles.New(styles.Dark)
	rows := diffRows(st, diffWords("days_since_login > 30 and churned", "days_since_login > 14 and not churned"), 20)
	for _, r := range rows {
		if w := ansi.StringWidth(r); w > 20 {
			t.Fatalf("row %q is %d wide", ansi.Strip(r), w)
		}
	}
	joined := strings.Join(rows, "\n")
	if !strings.Contains(joined, st.DiffDel.Render("30")) || !strings.Contains(joined, st.DiffAdd.Render("14")) {
		t.Fatalf("removed and added text are not styled: %q", joined)
	}
}
