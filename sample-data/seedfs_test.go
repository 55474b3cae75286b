package sampledata

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"testing"
)

func TestSeedFSGeneratesViews(t *testing.T) {
	got, err := fs.ReadFile(SeedFS, ViewsFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := defaults(t)[ViewsFile]; !bytes.Equal(got, want) {
		t.Errorf("SeedFS's %s (%d bytes) differs from WriteViews with DefaultOptions (%d bytes)", ViewsFile, len(got), len(want))
	}
	embedded, err := fs.ReadFile(SeedFS, "creators.csv")
	if err != nil || !bytes.Equal(embedded, defaults(t)[CreatorsFile]) {
		t.Errorf("SeedFS does not serve the embedded creators.csv: %v", err)
	}
	if _, err := SeedFS.Open("nope.csv"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("opening a file SeedFS does not have: %v, want fs.ErrNotExist", err)
	}
}

func TestSeedFSClosedEarly(t *testing.T) {
	f, err := SeedFS.Open(ViewsFile)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 64)
	if _, err := io.ReadFull(f, head); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(head, []byte("view_id,subscriber_id,title,")) {
		t.Errorf("views.csv starts %q", head)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Read(head); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("read after close: %v, want io.ErrClosedPipe", err)
	}
}
