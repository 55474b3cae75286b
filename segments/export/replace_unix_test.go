//go:build unix

package export

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestReplaceFileReplacesAndNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	put := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A regular file is replaced, and the new content is what reads back.
	dest := put("out.csv", "old rows\n")
	if err := replaceFile(put("tmp1", "new rows\n"), dest); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); string(got) != "new rows\n" {
		t.Fatalf("after replacing: %q", got)
	}
	// A FIFO in the way is replaced too, without opening it (which would wait
	// for a writer forever).
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	tmp := put("tmp2", "rows\n")
	go func() { done <- replaceFile(tmp, fifo) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("replacing a FIFO blocked")
	}
	if info, err := os.Lstat(fifo); err != nil || !info.Mode().IsRegular() {
		t.Fatalf("the FIFO was not replaced by the file: %v %v", info.Mode(), err)
	}
}
