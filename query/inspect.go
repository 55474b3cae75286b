package query

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Format is a file format segscope imports.
type Format string

const (
	FormatCSV     Format = "csv"
	FormatParquet Format = "parquet"
	FormatJSON    Format = "json"
	FormatNDJSON  Format = "ndjson"
)

var extensionFormats = map[string]Format{
	"csv": FormatCSV, "tsv": FormatCSV, "txt": FormatCSV, "tab": FormatCSV, "psv": FormatCSV,
	"parquet": FormatParquet, "pq": FormatParquet,
	"json": FormatJSON, "ndjson": FormatNDJSON, "jsonl": FormatNDJSON,
}

// sourceFile is what segscope learns about a file before DuckDB reads it.
type sourceFile struct {
	path       string
	format     Format
	gzipped    bool
	size       int64
	modTime    time.Time
	head       []byte // the first bytes of the (decompressed) content
	latin1     bool   // the head is not UTF-8: read as Latin-1
	extensionW string // a note when the content overrode the extension
}

const headSize = 64 << 10

var (
	parquetMagic = []byte("PAR1")
	gzipMagic    = []byte{0x1f, 0x8b}
)

// inspect checks that path is a readable, non-empty file of a supported format and
// decides how to read it. It reads only the first bytes; hashing happens alongside the import.
func inspect(path string) (*sourceFile, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("no such file")
	case err != nil:
		return nil, err
	case info.IsDir():
		return nil, fmt.Errorf("it is a directory, not a file")
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("it is not a regular file")
	case info.Size() == 0:
		return nil, fmt.Errorf("the file is empty")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw := make([]byte, headSize)
	n, err := io.ReadFull(f, raw)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	raw = raw[:n]

	src := &sourceFile{path: path, size: info.Size(), modTime: info.ModTime()}
	name := strings.ToLower(filepath.Base(path))
	if strings.HasSuffix(name, ".gz") || bytes.HasPrefix(raw, gzipMagic) {
		if !bytes.HasPrefix(raw, gzipMagic) {
			return nil, fmt.Errorf("it is named .gz but is not gzip-compressed")
		}
		src.gzipped = true
		name = strings.TrimSuffix(name, ".gz")
		if src.head, err = gunzipHead(raw); err != nil {
			return nil, err
		}
	} else {
		src.head = raw
	}

	ext := strings.TrimPrefix(filepath.Ext(name), ".")
	byExt, known := extensionFormats[ext]
	byContent := contentFormat(src.head)
	switch {
	case byContent == FormatParquet:
		if known && byExt != FormatParquet {
			src.extensionW = fmt.Sprintf("the file is Parquet despite its .%s extension", ext)
		}
		src.format = FormatParquet
	case byExt == FormatParquet:
		return nil, fmt.Errorf("it is not a Parquet file (it lacks Parquet's PAR1 signature)")
	case bytes.IndexByte(src.head, 0) >= 0 && !isUTF16(src.head):
		return nil, fmt.Errorf("it looks like a binary file, not %s text", strings.ToUpper(string(orDefault(byExt, FormatCSV))))
	case known:
		src.format = byExt
	case ext == "" || ext == "dat" || ext == "data":
		src.format = orDefault(byContent, FormatCSV)
	default:
		return nil, fmt.Errorf("unsupported file type .%s (segscope reads csv, tsv, txt, parquet, json, ndjson and jsonl, plain or .gz)", ext)
	}
	if src.format == FormatCSV && !utf8.Valid(trimPartialRune(src.head)) && !isUTF16(src.head) {
		src.latin1 = true
	}
	return src, nil
}

func orDefault(f, def Format) Format {
	if f == "" {
		return def
	}
	return f
}

func contentFormat(head []byte) Format {
	if bytes.HasPrefix(head, parquetMagic) {
		return FormatParquet
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(trimmed, []byte("[")):
		return FormatJSON
	case bytes.HasPrefix(trimmed, []byte("{")):
		return FormatNDJSON
	}
	return ""
}

func isUTF16(head []byte) bool {
	return bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff})
}

// trimPartialRune drops a multi-byte character cut off by the head's end, which
// would otherwise make valid UTF-8 look invalid.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		r, size := utf8.DecodeLastRune(b)
		if r != utf8.RuneError || size != 1 {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

func gunzipHead(raw []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("corrupt gzip header: %w", err)
	}
	head, err := io.ReadAll(io.LimitReader(zr, headSize))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("corrupt gzip data: %w", err)
	}
	if len(head) == 0 {
		return nil, fmt.Errorf("the file is empty once decompressed")
	}
	return head, nil
}

// digest hashes the file as stored and, for gzip, checks the whole stream: DuckDB
// reads a truncated .gz as fewer rows without an error, so segscope checks it itself.
// It stops when ctx is done (a multi-gigabyte file or a gzip bomb takes a while),
// and tells read, if set, how many of the stored bytes it has read.
func digest(ctx context.Context, src *sourceFile, read func(n, size int64)) (string, error) {
	file, err := os.Open(src.path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	f := &meteredReader{ctx: ctx, r: file, size: src.size, report: read}
	h := sha256.New()
	if !src.gzipped {
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	zr, err := gzip.NewReader(io.TeeReader(f, h))
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("corrupt gzip: %w", err)
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("the file is a truncated or corrupt gzip file (%w); nothing was imported", err)
	}
	// Drain what the gzip reader did not need (trailing padding) so the hash covers the file.
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
