package querytest

import (
	"compress/gzip"
	"io"
	"os"
	"testing"
)

// TestGzipBombIsValid: the joined blocks inflate to what GzipBomb says, with
// a checksum and length the gzip reader accepts.
func TestGzipBombIsValid(t *testing.T) {
	const inflated = 64 << 20
	path := GzipBomb(t, "bomb.csv.gz", inflated)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		t.Fatalf("reading the bomb: %v", err)
	}
	if n < inflated || n > inflated+1<<20 {
		t.Errorf("inflates to %d bytes, want about %d", n, inflated)
	}
	if ratio := n / info.Size(); ratio < 100 {
		t.Errorf("%d bytes inflate only %d-fold", info.Size(), ratio)
	}
}
