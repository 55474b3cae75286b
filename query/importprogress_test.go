package query

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestDigestStopsWhenCancelled: the hash and gzip check of a file stop at a
// done context, for plain and gzip files, with the context's error rather
// than a claim that the file is corrupt.
func TestDigestStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	body := strings.Repeat("id,plan\n1,gold\n", 1000)
	for _, path := range []string{writeFile(t, dir, "plain.csv", body), writeGzip(t, dir, "packed.csv.gz", body)} {
		src, err := inspect(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		read := int64(0)
		if _, err := digest(ctx, src, func(n, _ int64) { read = n }); !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "corrupt") {
			t.Errorf("%s: digest after cancel: %v", path, err)
		}
		if read != 0 {
			t.Errorf("%s: digest read %d bytes after cancel", path, read)
		}
		if sum, err := digest(context.Background(), src, nil); err != nil || len(sum) != 64 {
			t.Errorf("%s: digest = %q, %v", path, sum, err)
		}
	}
}
