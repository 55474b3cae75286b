package query

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

// TestErrorsKeepTheirChain: errors reworded for people still wrap the cause,
// so a caller can tell a cut-off file or a foreign database file by errors.Is/As.
func TestErrorsKeepTheirChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat("id,name\n1,a\n", 2000)))
	zw.Close()
	cut := writeFile(t, dir, "cut.csv.gz", gz.String()[:gz.Len()/2])
	_, err := openMemory(t).Import(ctx, cut, ImportOptions{})
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "truncated or corrupt gzip") {
		t.Fatalf("a cut-off gzip file: %v, want it to wrap io.ErrUnexpectedEOF", err)
	}

	notDB := writeFile(t, dir, "notes.duckdb", "just text, not a database\n")
	_, err = Open(ctx, notDB)
	var de *duckdb.Error
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "not a DuckDB workspace") {
		t.Fatalf("a text file opened as a workspace: %v (%T), want it to wrap the *duckdb.Error", err, errors.Unwrap(err))
	}
}
