package ruleview

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

func TestRuleRowsKeepTheCursorInside(t *testing.T) {
	st := styles.New(styles.NoColor)
	text := "age > 30\nand plan = 'x'"
	for cursor := range len([]rune(text)) + 1 {
		rows := RuleRows(st, text, cursor, 8, draw.Span{})
		found := 0
		for _, r := range rows {
			if w := ansi.StringWidth(r.Line); w > 8 {
				t.Fatalf("cursor %d: row %q is %d wide", cursor, ansi.Strip(r.Line), w)
			}
			if strings.Contains(r.Line, "\x1b[7m") {
				found++
			}
		}
		if found != 1 {
			t.Fatalf("cursor %d: drawn %d times in %+v", cursor, found, rows)
		}
	}
	// A cursor after a line that fills the width gets a row of its own.
	if rows := RuleRows(st, "age > 30", 8, 8, draw.Span{}); len(rows) != 2 || rows[1].From != 8 {
		t.Fatalf("rows %+v", rows)
	}
}
