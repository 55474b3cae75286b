package query_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/seal"
)

// What sealing costs, on a workspace file holding the generated subscribers and
// consent (querytest.Rows), with the scrypt work factor users get (age's 18).
// RawCopy is the floor: the same bytes copied and synced, no cryptography.

const benchKey = "benchmark passphrase"

// sealedBenchWorkspace writes a workspace file with the generated tables and
// seals it; it returns the sealed path and the plaintext size.
func sealedBenchWorkspace(b *testing.B) (string, int64) {
	b.Helper()
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	dir := querytestData(b)
	path := filepath.Join(b.TempDir(), "bench.duckdb")
	ctx := context.Background()
	w, err := query.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"subscribers", "consent"} {
		if _, err := w.Import(ctx, filepath.Join(dir, name+".parquet"), query.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := query.SealWorkspace(ctx, path, benchKey, seal.Options{}); err != nil {
		b.Fatal(err)
	}
	return path, fi.Size()
}

func querytestData(b *testing.B) string {
	csv, _ := benchData(b)
	return filepath.Dir(csv)
}

func reportSize(b *testing.B, size int64) {
	b.ReportMetric(float64(benchRows()), "rows")
	b.ReportMetric(float64(size)/(1<<20), "MB")
}

// BenchmarkUnseal: what opening a sealed workspace adds (scrypt, decrypting
// into private storage, hashing).
func BenchmarkUnseal(b *testing.B) {
	path, size := sealedBenchWorkspace(b)
	b.ResetTimer()
	for b.Loop() {
		s, err := seal.Open(path, benchKey, seal.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Abort()
		b.StartTimer()
	}
	reportSize(b, size)
}

// BenchmarkSealChanged: what closing adds after a change (hashing, scrypt,
// encrypting beside, syncing, renaming).
func BenchmarkSealChanged(b *testing.B) {
	path, size := sealedBenchWorkspace(b)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s, err := seal.Open(path, benchKey, seal.Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Rekey(benchKey) // counts as a change
		b.StartTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, size)
}

// BenchmarkSealUnchanged: what closing adds when nothing changed (a hash).
func BenchmarkSealUnchanged(b *testing.B) {
	path, size := sealedBenchWorkspace(b)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s, err := seal.Open(path, benchKey, seal.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, size)
}

// BenchmarkRawCopy copies the same number of bytes and syncs them.
func BenchmarkRawCopy(b *testing.B) {
	path, size := sealedBenchWorkspace(b)
	dst := filepath.Join(b.TempDir(), "copy")
	b.ResetTimer()
	for b.Loop() {
		src, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		out, err := os.Create(dst)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(out, io.LimitReader(src, size)); err != nil {
			b.Fatal(err)
		}
		out.Sync()
		out.Close()
		src.Close()
	}
	reportSize(b, size)
}
