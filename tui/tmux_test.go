package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/tuitest"
)

var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

// segscopeBinary builds the real binary once per test run, or skips the
// test where that cannot be done in a real terminal.
func segscopeBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed; CI must install it (.ci/run)")
		}
		t.Skip("tmux is not installed; install it to run the console in a real terminal")
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "segscope-tmux-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "segscope")
		// go run keeps the binary it links in the build cache, where go build
		// does not, so a run after no change to the code skips the link
		// (seconds: DuckDB is in it); -exec cp copies the binary out instead
		// of running it.
		built.out, built.err = exec.Command("go", "run", "-exec", "cp", "../cmd/segscope", built.bin).CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go run: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// TestMain removes what the package's tests build or generate once for all
// (querytest.Main: the fixtures and generated data).
func TestMain(m *testing.M) {
	code := querytest.Main(m)
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// terminal is segscope running in a private tmux server, so a test neither
// sees nor disturbs the user's.
type terminal struct {
	t      *testing.T
	socket string
}

// runInTmux starts command (a shell line) in a cols×rows terminal. The shell
// prints segscope-exit-N when segscope ends, so a test can see how it ended.
func runInTmux(t *testing.T, cols, rows int, command string) *terminal {
	t.Helper()
	term := &terminal{t: t, socket: fmt.Sprintf("segscope-test-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))}
	t.Cleanup(func() { exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	term.tmux("new-session", "-d", "-s", "console", "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows),
		command+"; echo segscope-exit-$?; sleep 60")
	return term
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (term *terminal) screen() string { return term.tmux("capture-pane", "-p", "-t", "console") }

// keys sends tmux key names (Enter, Escape, C-s) one by one.
func (term *terminal) keys(names ...string) {
	term.t.Helper()
	for _, k := range names {
		term.tmux("send-keys", "-t", "console", k)
	}
}

// typeText types s literally.
func (term *terminal) typeText(s string) {
	term.t.Helper()
	term.tmux("send-keys", "-t", "console", "-l", s)
}

// waitFor polls the screen until ok accepts it, failing with the last screen
// after 30 seconds.
func (term *terminal) waitFor(what string, ok func(string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		if s = term.screen(); ok(s) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	term.t.Fatalf("timed out waiting for %s; the screen:\n%s", what, s)
	return ""
}

// waitForText waits until every one of texts is on the screen.
func (term *terminal) waitForText(what string, texts ...string) string {
	term.t.Helper()
	return term.waitFor(what, func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// quit presses q and expects a clean exit.
func (term *terminal) quit() {
	term.t.Helper()
	term.keys("q")
	s := term.waitForText("segscope to exit", "segscope-exit-")
	if !strings.Contains(s, "segscope-exit-0") {
		term.t.Fatalf("segscope did not exit cleanly:\n%s", s)
	}
}

// TestBinaryInTmux runs the real segscope binary in a real terminal: tmux
// gives it a 120×40 screen, the test reads the screen back, checks the sample
// subscribers table is on it, presses q and expects a clean exit.
func TestBinaryInTmux(t *testing.T) {
	t.Parallel()
	bin := segscopeBinary(t)
	dir := t.TempDir()
	term := runInTmux(t, 120, 40, fmt.Sprintf("env HOME=%[1]s XDG_DATA_HOME=%[1]s TERM=xterm-256color %[2]s --workspace :memory:", dir, bin))

	// The rows come after the frame: the masked emails' @ says they are drawn.
	s := term.waitForText("the subscribers table's rows", "subscribers", "subscriber_id", "row 1 of 20,000", "@")
	for _, want := range []string{"1 Data", "2 Slice", "7 SQL", "in-memory workspace"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "@gmail.com") && !strings.Contains(s, "••••@gmail.com") {
		t.Errorf("emails are not masked:\n%s", s)
	}
	term.quit()
}

// TestCustomerFileToSegmentInTmux is a new user's first minutes on their own
// file: `segscope FILE` on a telco-shaped export with a camelCase id, the
// import summary on screen, a filter typed on the Data screen, saved as a
// segment from the console and found in the Segments list. No --key anywhere.
func TestCustomerFileToSegmentInTmux(t *testing.T) {
	t.Parallel()
	bin := segscopeBinary(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "telco_churn.csv")
	if err := os.WriteFile(csv, []byte(tuitest.TelcoCSV(50)), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(dir, "workspace.duckdb")
	term := runInTmux(t, 120, 36, fmt.Sprintf("env HOME=%[1]s XDG_DATA_HOME=%[1]s TERM=xterm-256color %[2]s --workspace %[3]s %[4]s", dir, bin, ws, csv))

	s := term.waitForText("the import summary", "Imported telco_churn from telco_churn.csv: 50 rows, 7 columns", "enter or esc closes")
	for _, want := range []string{"key: customerID", "TotalCharges", "missing"} {
		if !strings.Contains(s, want) {
			t.Errorf("the import summary lacks %q:\n%s", want, s)
		}
	}
	term.keys("Enter")
	term.waitFor("the summary to close on the telco_churn grid", func(s string) bool {
		return !strings.Contains(s, "enter or esc closes") && strings.Contains(s, "key customerID") && strings.Contains(s, "row 1 of 50")
	})

	term.keys("/")
	term.typeText("tenure < 12")
	term.waitForText("the live count", "of 50 match")
	term.keys("Enter")
	term.waitForText("the filter applied", "filter tenure < 12", "of 50 rows")

	term.keys("S")
	term.waitForText("the segment editor", "New segment", "telco_churn")
	term.typeText("short_tenure")
	term.keys("C-s")
	term.waitForText("the segment saved", "Saved short_tenure")

	// Back to Data and over to Segments: the list has it, on the imported table.
	term.keys("1")
	term.waitForText("the Data screen", "filter tenure < 12")
	term.keys("3")
	// The new workspace was seeded with the sample's segments as well: the new
	// one is listed among them, on its row with the imported table.
	s = term.waitFor("the Segments list", func(s string) bool {
		for _, line := range strings.Split(s, "\n") {
			if strings.Contains(line, "short_tenure") && strings.Contains(line, "telco_churn") {
				return true
			}
		}
		return false
	})
	if strings.Contains(s, "--key") || strings.Contains(s, "re-import") {
		t.Errorf("the console asks for a key:\n%s", s)
	}
	term.quit()
}
