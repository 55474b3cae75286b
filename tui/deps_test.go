package tui

import (
	"os/exec"
	"strings"
	"testing"
)

// The execution core serves the console and the CLI alike, so it must not
// depend on the console or on Bubble Tea.
func TestCoreDoesNotImportTheConsole(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "../query", "../segments/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/segscope/segscope/tui") || strings.HasPrefix(dep, "charm.land/bubbletea") {
			t.Errorf("the execution core depends on %s", dep)
		}
	}
}
