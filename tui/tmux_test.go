package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBinaryInTmux runs the real segscope binary in a real terminal: tmux
// gives it a 120×40 screen, the test reads the screen back, checks the sample
// subscribers table is on it, presses q and expects a clean exit.
func TestBinaryInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed; CI must install it (.ci/run)")
		}
		t.Skip("tmux is not installed; install it to run the console in a real terminal")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "segscope")
	build := exec.Command("go", "build", "-o", bin, "../cmd/segscope")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// A private tmux server, so the test neither sees nor disturbs the user's.
	socket := fmt.Sprintf("segscope-test-%d", os.Getpid())
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })

	script := fmt.Sprintf("env HOME=%[1]s XDG_DATA_HOME=%[1]s TERM=xterm-256color %[2]s --workspace :memory:; echo segscope-exit-$?; sleep 60", dir, bin)
	tmux("new-session", "-d", "-s", "console", "-x", "120", "-y", "40", script)

	screen := func() string { return tmux("capture-pane", "-p", "-t", "console") }
	waitFor := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		var s string
		for time.Now().Before(deadline) {
			if s = screen(); ok(s) {
				return s
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("timed out waiting for %s; the screen:\n%s", what, s)
		return ""
	}

	s := waitFor("the subscribers table", func(s string) bool {
		return strings.Contains(s, "subscribers") && strings.Contains(s, "subscriber_id") && strings.Contains(s, "row 1 of 20,000")
	})
	for _, want := range []string{"1 Data", "2 Slice", "7 SQL", "in-memory workspace", "@"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "@gmail.com") && !strings.Contains(s, "••••@gmail.com") {
		t.Errorf("emails are not masked:\n%s", s)
	}
	tmux("send-keys", "-t", "console", "q")
	waitFor("segscope to exit", func(s string) bool { return strings.Contains(s, "segscope-exit-") })
	if s := screen(); !strings.Contains(s, "segscope-exit-0") {
		t.Fatalf("segscope did not exit cleanly:\n%s", s)
	}
}
