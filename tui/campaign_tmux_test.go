package tui

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSegmentTrendInTmux: three snapshots of the sample's lapsed segment taken
// with the CLI as its rule widens; in the console the Segments list shows its
// sparkline, and its detail the chart of size and reach per channel with the
// drift warning.
func TestSegmentTrendInTmux(t *testing.T) {
	t.Parallel()
	bin := segscopeBinary(t)
	dir := t.TempDir()
	ws := filepath.Join(dir, "workspace.duckdb")
	cli := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--workspace", ws}, args...)...)
		cmd.Env = append(cmd.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("segscope %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, days := range []int{40, 30, 12} {
		cli("segment", "define", "lapsed", "--table", "subscribers", "--rule", fmt.Sprintf("days_since_login > %d", days), "--update")
		cli("snapshot", "lapsed")
	}
	term := runInTmux(t, 120, 36, fmt.Sprintf("env HOME=%[1]s XDG_DATA_HOME=%[1]s TERM=xterm-256color %[2]s --workspace %[3]s", dir, bin, ws))
	term.waitForText("the Data screen", "row 1 of 20,000")
	term.keys("3")
	s := term.waitForText("the trend column", "trend", "lapsed")
	var row string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "lapsed ") && strings.Contains(l, "subscribers") {
			row = l
		}
	}
	if !strings.ContainsAny(row, "▁▂▃▄▅▆▇█") {
		t.Fatalf("no sparkline on lapsed's row %q:\n%s", row, s)
	}
	for range 2 {
		term.keys("j")
	}
	s = term.waitForText("lapsed's trend chart", "lapsed on subscribers", "size and reach · 3 snapshots", "─ size", "e email", "⚠ size moved")
	if !strings.ContainsAny(s, "╭╮╯╰") {
		t.Fatalf("no line in the chart:\n%s", s)
	}
	term.quit()
}
