package querytest

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// GzipBomb writes a gzip file in a fresh directory that inflates to at least
// inflated bytes of a customer CSV, a few hundredfold more than it holds: a
// decompression bomb, yet a valid file (checksum and length included).
//
// Compressing gigabytes would take the test seconds of CPU, so only two
// blocks are compressed. The CSV repeats a block of lines whose length
// divides the chunk, so after the first chunk every chunk meets the same 32 KB
// window, and deflate's back-references in the second chunk's compressed bytes
// are right for every later one: those bytes are written again and again.
func GzipBomb(tb testing.TB, name string, inflated int64) string {
	tb.Helper()
	var lines strings.Builder
	for i := range 64 {
		fmt.Fprintf(&lines, "%d,someone%d@example.com,gold,US,%d,99.50\n", 100000+i, i, 18+i%60)
	}
	chunk := []byte(strings.Repeat(lines.String(), (1<<20)/lines.Len()))
	header := []byte("customer_id,email,plan,country,age,spend\n")

	// Sync flushes end each part on a byte boundary, so parts can be joined.
	var buf bytes.Buffer
	zw, err := flate.NewWriter(&buf, flate.DefaultCompression)
	if err != nil {
		tb.Fatal(err)
	}
	write := func(p []byte) {
		if _, err := zw.Write(p); err != nil {
			tb.Fatal(err)
		}
		if err := zw.Flush(); err != nil {
			tb.Fatal(err)
		}
	}
	write(append(header, chunk...))
	mark := buf.Len()
	write(chunk)
	first, again := buf.Bytes()[:mark], buf.Bytes()[mark:]

	path := filepath.Join(tb.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	out := bufio.NewWriter(f)
	// gzip header: magic, deflate, no flags, no time, no extra flags, unknown OS.
	out.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	out.Write(first)
	crc := crc32.ChecksumIEEE(header)
	crc = crc32.Update(crc, crc32.IEEETable, chunk)
	size := int64(len(header) + len(chunk))
	for size < inflated {
		out.Write(again)
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
		size += int64(len(chunk))
	}
	// The last block: stored, empty, final. Then the checksum and the length
	// modulo 2³².
	out.Write([]byte{1, 0, 0, 0xff, 0xff})
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(size))
	out.Write(trailer[:])
	if err := out.Flush(); err != nil {
		tb.Fatal(err)
	}
	return path
}
