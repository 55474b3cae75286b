package draw

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWidthAgreesWithAnsi(t *testing.T) {
	for _, s := range []string{
		"", "plain", "\x1b[1;38;2;157;140;255mbold\x1b[m", "│ ┃ ─ ┼ █▉▊▋▌▍▎▏ ▁▂▃", "j••••@gmail.com", "∅ … – ▲ ▼ ◆ ▸ ›",
		"café", "e\u0301", "日本語", "👍🏽", "a\u200db", "x\x1b]8;;http://x\x07link\x1b]8;;\x07", "tab\tstop", "soft\u00adhyphen",
	} {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Errorf("Width(%q) = %d, ansi.StringWidth = %d", s, got, want)
		}
	}
}
