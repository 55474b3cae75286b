package segmentsscreen

import (
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
