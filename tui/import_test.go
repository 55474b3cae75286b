package tui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/tui/tuitest"
)

var telcoCSV = tuitest.TelcoCSV

// writeFile writes body to name in a fresh directory and returns its path.
func writeFile(tb testing.TB, name, body string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}
