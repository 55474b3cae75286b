package query_test

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// TestGzipBombImportStopsWhenCancelled imports a few megabytes of gzip that
// inflate to gigabytes and cancels as soon as the first bytes are reported:
// the import ends cancelled, the check of the stream beside DuckDB's read
// stopped there rather than inflating the rest, and the workspace is as it was.
func TestGzipBombImportStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	inflated := int64(2 << 30)
	if testing.Short() {
		inflated = 256 << 20
	}
	path := querytest.GzipBomb(t, "bomb.csv.gz", inflated)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes inflating to %d", info.Size(), inflated)
	ws := querytest.Empty(t)
	before := tableNames(t, ws)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last query.ImportProgress // Progress is never called twice at once
	reports := 0
	_, err = ws.Import(ctx, path, query.ImportOptions{Progress: func(p query.ImportProgress) {
		last = p
		reports++
		if p.BytesRead > 0 {
			cancel()
		}
	}})
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled; the workspace is as it was") {
		t.Fatalf("import of a bomb cancelled on its first progress report: %v", err)
	}
	if last.Size != info.Size() {
		t.Errorf("progress size %d, the file is %d bytes", last.Size, info.Size())
	}
	// Import waits for the check to end, so this is where it stopped.
	if last.BytesRead == 0 || last.BytesRead >= last.Size/2 {
		t.Errorf("the check read %d of %d bytes after the cancel", last.BytesRead, last.Size)
	}
	if after := tableNames(t, ws); after != before {
		t.Errorf("tables after the cancelled import: %s, before: %s", after, before)
	}
	// The workspace is usable at once.
	small := filepath.Join(t.TempDir(), "small.csv")
	if err := os.WriteFile(small, []byte("id,plan\n1,gold\n2,free\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(context.Background(), small, query.ImportOptions{}); err != nil {
		t.Fatalf("import after the cancelled one: %v", err)
	}
}

// TestImportProgressReadsTheWholeFile: an import reports the bytes of the
// file as stored, up to all of them, for plain and gzip files alike.
func TestImportProgressReadsTheWholeFile(t *testing.T) {
	t.Parallel()
	ws := querytest.Empty(t)
	for _, path := range []string{
		querytest.GzipBomb(t, "packed.csv.gz", 8<<20),
		writeCSV(t, "plain.csv", 20_000),
	} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		var reads []int64
		var phases []string
		_, err = ws.Import(context.Background(), path, query.ImportOptions{Progress: func(p query.ImportProgress) {
			if p.Size != 0 && p.Size != info.Size() {
				t.Errorf("%s: progress size %d, the file is %d bytes", path, p.Size, info.Size())
			}
			if n := len(reads); n > 0 && p.BytesRead < reads[n-1] {
				t.Errorf("%s: bytes read went back from %d to %d", path, reads[n-1], p.BytesRead)
			}
			reads = append(reads, p.BytesRead)
			if n := len(phases); n == 0 || phases[n-1] != p.Phase {
				phases = append(phases, p.Phase)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if got := reads[len(reads)-1]; got != info.Size() {
			t.Errorf("%s: progress ended at %d of %d bytes", filepath.Base(path), got, info.Size())
		}
		if want := []string{query.PhaseReading, query.PhaseChecking, query.PhaseKey, query.PhaseSaving}; !slices.Equal(phases, want) {
			t.Errorf("%s: phases %v, want %v in order", filepath.Base(path), phases, want)
		}
	}
}

func writeCSV(t *testing.T, name string, rows int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,plan,spend\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,%s,%d.25\n", i, []string{"gold", "free"}[i%2], i%500)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func tableNames(t *testing.T, ws *query.Workspace) string {
	t.Helper()
	tables, err := ws.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(tables))
	for i, tb := range tables {
		names[i] = tb.Name
	}
	return strings.Join(names, ",")
}

// TestGzipBombIsValid: the bomb the tests here import is one: its joined
// blocks inflate to what querytest.GzipBomb says, with a checksum and length
// the gzip reader accepts, so a refused or cancelled import is refusing a real
// bomb and not a broken file.
func TestGzipBombIsValid(t *testing.T) {
	t.Parallel()
	const inflated = 64 << 20
	path := querytest.GzipBomb(t, "bomb.csv.gz", inflated)
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
