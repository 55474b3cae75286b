package sampledata

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the embedded default data set from the generator")

// fileWriters maps each output file to the writer that produces it.
var fileWriters = map[string]func(context.Context, io.Writer, Options) error{
	SubscribersFile: WriteSubscribers,
	ConsentFile:     WriteConsent,
	CreatorsFile:    WriteCreators,
	ViewsFile:       WriteViews,
}

func renderAll(opts Options) (map[string][]byte, error) {
	out := make(map[string][]byte, len(fileWriters))
	for name, write := range fileWriters {
		var buf bytes.Buffer
		if err := write(context.Background(), &buf, opts); err != nil {
			return nil, err
		}
		out[name] = buf.Bytes()
	}
	return out, nil
}

func render(tb testing.TB, opts Options) map[string][]byte {
	tb.Helper()
	out, err := renderAll(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// defaultSet renders DefaultOptions once for all tests that inspect it.
var defaultSet = sync.OnceValues(func() (map[string][]byte, error) {
	return renderAll(DefaultOptions())
})

func defaults(t *testing.T) map[string][]byte {
	t.Helper()
	out, err := defaultSet()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// table is a parsed CSV file with columns addressable by name.
type table struct {
	rows [][]string
	col  map[string]int
}

func parse(t *testing.T, name string) *table {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(defaults(t)[name])).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err) // also catches rows with a wrong field count
	}
	tb := &table{rows: records[1:], col: make(map[string]int)}
	for i, h := range records[0] {
		tb.col[h] = i
	}
	return tb
}

func (tb *table) get(row []string, column string) string {
	i, ok := tb.col[column]
	if !ok {
		panic("no column " + column)
	}
	return row[i]
}

// embeddedName is where a generated file lives inside Files; views are
// generated as a workspace is seeded instead (see SeedFS).
func embeddedName(name string) (string, bool) {
	switch name {
	case ViewsFile:
		return "", false
	case CreatorsFile:
		return name, true
	}
	return name + ".gz", true
}

func TestEmbeddedMatchesGenerator(t *testing.T) {
	want := defaults(t)
	if *update {
		for name, raw := range want {
			if embedded, ok := embeddedName(name); ok {
				if err := writeEmbedded(embedded, raw); err != nil {
					t.Fatal(err)
				}
			}
		}
		t.Log("embedded files rewritten; rebuild to embed them")
		return
	}
	for name, raw := range want {
		embedded, ok := embeddedName(name)
		if !ok {
			continue
		}
		f, err := Files.Open(embedded)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = f
		if strings.HasSuffix(embedded, ".gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !zr.ModTime.IsZero() || zr.Name != "" {
				t.Errorf("%s: gzip header has ModTime %v, Name %q; want zero values for reproducibility", name, zr.ModTime, zr.Name)
			}
			r = zr
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f.Close()
		if !bytes.Equal(got, raw) {
			t.Errorf("embedded %s differs from the generator (%d vs %d bytes); run go generate ./sample-data", name, len(got), len(raw))
		}
	}
}

// writeEmbedded stores raw under name, gzipped when name says so, with an
// empty header so identical input gives identical bytes.
func writeEmbedded(name string, raw []byte) error {
	if !strings.HasSuffix(name, ".gz") {
		return os.WriteFile(name, raw, 0o644)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(raw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}

func TestDeterminism(t *testing.T) {
	opts := Options{Rows: 3000, Creators: 200, Seed: 7, ViewsPerSubscriber: 30}
	a, b := render(t, opts), render(t, opts)
	opts.Seed = 8
	c := render(t, opts)
	for name := range fileWriters {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s: same seed gave different bytes", name)
		}
		if bytes.Equal(a[name], c[name]) {
			t.Errorf("%s: different seeds gave identical bytes", name)
		}
	}
}

func TestGenerateMatchesWriters(t *testing.T) {
	opts := Options{Rows: 5000, Creators: 120, Seed: 3, ViewsPerSubscriber: 12}
	dir := filepath.Join(t.TempDir(), "nested", "out")
	st, err := Generate(context.Background(), opts, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := render(t, opts)
	for name, raw := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, raw) {
			t.Errorf("%s: Generate's single pass differs from its writer", name)
		}
	}
	lines := func(name string) int { return bytes.Count(want[name], []byte("\n")) - 1 }
	wantStats := Stats{Subscribers: 5000, ConsentEvents: lines(ConsentFile), Creators: 120, Views: lines(ViewsFile)}
	if st != wantStats {
		t.Errorf("Stats = %+v, want %+v", st, wantStats)
	}
}

// cancelAfter reports cancellation from the (n+1)th Err call on, cancelling
// Generate part-way through deterministically.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestGenerateCancelRemovesPartialFiles(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, ctx := range map[string]context.Context{
		"before start":    cancelled,
		"mid-stream":      &cancelAfter{Context: context.Background(), n: 2},
		"during creators": &cancelAfter{Context: context.Background(), n: 3},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := Generate(ctx, Options{Rows: 3 * checkEvery, Creators: 2 * checkEvery, Seed: 1}, dir)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if st != (Stats{}) {
				t.Errorf("Stats = %+v after cancellation, want zero", st)
			}
			left, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range left {
				t.Errorf("partial file left behind: %s", e.Name())
			}
		})
	}
}

func TestNegativeCountsRejected(t *testing.T) {
	if _, err := Generate(context.Background(), Options{Rows: -1}, t.TempDir()); err == nil {
		t.Error("Generate accepted Rows = -1")
	}
	if err := WriteCreators(context.Background(), io.Discard, Options{Creators: -1}); err == nil {
		t.Error("WriteCreators accepted Creators = -1")
	}
}

func BenchmarkGenerate(b *testing.B) {
	opts := DefaultOptions()
	opts.Rows = 100_000
	dir := b.TempDir()
	rows := 0
	for b.Loop() {
		st, err := Generate(context.Background(), opts, dir)
		if err != nil {
			b.Fatal(err)
		}
		rows += st.Subscribers
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
