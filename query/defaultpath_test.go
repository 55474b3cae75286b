package query

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestDefaultPathHonoursXDGDataHome(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_DATA_HOME is the Linux convention; macOS and Windows have their own directories")
	}
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	got, err := DefaultPath()
	if err != nil || got != filepath.Join(dir, "segscope", "workspace.duckdb") {
		t.Fatalf("DefaultPath with XDG_DATA_HOME=%s: %q, %v", dir, got, err)
	}

	// Unset, it falls back to ~/.local/share, read at the call and not when the program started.
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", home)
	got, err = DefaultPath()
	if err != nil || got != filepath.Join(home, ".local", "share", "segscope", "workspace.duckdb") {
		t.Fatalf("DefaultPath with HOME=%s: %q, %v", home, got, err)
	}
}
