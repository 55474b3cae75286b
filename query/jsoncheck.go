package query

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/segscope/segscope/query/counts"
)

// MaxJSONDepth is how deeply a JSON document may nest arrays and objects. DuckDB's
// JSON reader recurses once a level and takes the whole process down (a segfault,
// not an error) somewhere in the tens of thousands of levels; customer exports nest
// a handful of levels, so a limit far below the crash and far above real data
// refuses only the hostile files.
const MaxJSONDepth = 256

var utf8BOM = []byte("\ufeff")

// checkJSON refuses a JSON or NDJSON file that DuckDB must not be handed: one
// nested deeper than MaxJSONDepth. Other formats pass unread.
func checkJSON(ctx context.Context, src *sourceFile) error {
	if src.format != FormatJSON && src.format != FormatNDJSON {
		return nil
	}
	return checkJSONDepth(ctx, src)
}

// jsonReadFormat is the format argument of read_json for a JSON or NDJSON file.
// DuckDB detects the format from the first byte, so a byte order mark in front of
// an array makes it read the whole array as one value, and its newline-delimited
// reader refuses a BOM outright, while its "auto" reader skips one. The head's
// first character decides instead.
func jsonReadFormat(src *sourceFile) string {
	first := bytes.TrimLeft(bytes.TrimPrefix(src.head, utf8BOM), " \t\r\n")
	switch {
	case src.format == FormatNDJSON && !bytes.HasPrefix(src.head, utf8BOM):
		return "newline_delimited"
	case src.format == FormatJSON && bytes.HasPrefix(first, []byte("[")):
		return "array"
	}
	return "auto"
}

// checkJSONDepth reads a JSON or NDJSON file through (decompressing a gzip one)
// and refuses it when its nesting is deeper than MaxJSONDepth. It holds one buffer,
// whatever the file's size, and stops when ctx is done. Brackets inside strings,
// escaped quotes included, do not count. It checks nesting only: a malformed file
// is left for DuckDB to report.
func checkJSONDepth(ctx context.Context, src *sourceFile) error {
	f, err := os.Open(src.path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if src.gzipped {
		zr, err := gzip.NewReader(bufio.NewReader(f))
		if err != nil {
			return fmt.Errorf("corrupt gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	depth, err := jsonDepth(ctx, r)
	switch {
	case depth > MaxJSONDepth:
		return fmt.Errorf("the file nests %s levels deep; segscope reads at most %d", counts.Format(int64(depth)), MaxJSONDepth)
	case err != nil && src.gzipped && ctx.Err() == nil:
		// What decompressed was checked, and that is all DuckDB could read;
		// the import's digest names the damage to the stream.
		return nil
	}
	return err
}

// jsonScanChunk is how much jsonDepth reads at a time; ctx is checked once a chunk.
const jsonScanChunk = 256 << 10

// jsonDepth returns the deepest nesting of arrays and objects in r, up to where
// reading stopped if it fails. It goes on past the limit so the refusal can say
// how deep the file really is.
func jsonDepth(ctx context.Context, r io.Reader) (int, error) {
	buf := make([]byte, jsonScanChunk)
	depth, deepest := 0, 0
	inString, escaped := false, false
	for {
		if err := ctx.Err(); err != nil {
			return deepest, err
		}
		n, err := r.Read(buf)
		for _, b := range buf[:n] {
			switch {
			case escaped:
				escaped = false
			case inString:
				switch b {
				case '\\':
					escaped = true
				case '"':
					inString = false
				}
			case b == '"':
				inString = true
			case b == '[' || b == '{':
				depth++
				deepest = max(deepest, depth)
			case b == ']' || b == '}':
				// A stray closer is a syntax error for DuckDB to name; it must not
				// hide the depth of what follows.
				depth = max(depth-1, 0)
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			return deepest, nil
		case err != nil:
			return deepest, fmt.Errorf("read the file: %w", err)
		}
	}
}
