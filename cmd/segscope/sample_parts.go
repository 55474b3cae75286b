package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
)

// partBytes is how much CSV a part holds before it is converted to Parquet and
// removed: at 100M subscribers the CSV would be 16 GB (and the consent events
// 33 GB), more than the disk should hold at once, and one DuckDB conversion of
// all of it more memory than the machine has. A part is a few million rows (a
// variable so that a test can cut parts of kilobytes).
var partBytes int64 = 512 << 20

// parquetParts writes a data set as Parquet parts only: DIR/subscribers/ and
// DIR/consent/, each part-NNNNN.parquet, for `segscope attach --glob`. The
// generator streams CSV into a partWriter, which cuts it at a line end every
// partBytes and hands each part to a converter while the next is written, so
// memory stays flat and the disk holds at most two CSV parts per table.
//
// The generator writes about a million subscribers a minute here, so beyond
// tileRows the set is tiled: the first tileRows subscribers (and their consent
// events) are generated, and each further block of tileRows is a copy of them
// with its subscriber_id moved up by the block's start, written by DuckDB. The
// rows are then not all different people, but every id is distinct and the
// columns keep the generator's distributions, which is what a check of scale
// needs: 100M rows take minutes rather than two hours.
func parquetParts(ctx context.Context, opts sampledata.Options, out string) (map[string]int64, error) {
	want := opts.Rows
	opts.Rows = min(want, tileRows)
	rows, err := generateParts(ctx, opts, out)
	if err != nil || want <= tileRows {
		return rows, err
	}
	db, err := query.Open(ctx, query.Memory)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	for _, name := range []string{"subscribers", "consent"} {
		dir := filepath.Join(out, name)
		base := query.QuoteString(filepath.Join(dir, "part-*.parquet"))
		for start := int64(tileRows); start < int64(want); start += int64(tileRows) {
			dst := filepath.Join(dir, fmt.Sprintf("tile-%05d.parquet", start/int64(tileRows)))
			copySQL := fmt.Sprintf(`COPY (SELECT * REPLACE (subscriber_id + %d AS subscriber_id) FROM read_parquet(%s) WHERE subscriber_id <= %d)
				TO %s (FORMAT parquet, COMPRESSION zstd)`, start, base, int64(want)-start, query.QuoteString(dst))
			var n int64
			if err := db.DB().QueryRowContext(ctx, copySQL).Scan(&n); err != nil {
				return nil, fmt.Errorf("write %s: %w", dst, err)
			}
			rows[name] += n
		}
	}
	return rows, nil
}

// tileRows is how many subscribers are generated before the rest is tiled (a
// variable so that a test can tile thousands of rows).
var tileRows = 1_000_000

// generateParts writes the generator's output as Parquet parts.
func generateParts(ctx context.Context, opts sampledata.Options, out string) (map[string]int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	streams := []struct {
		name  string
		write func(context.Context, io.Writer, sampledata.Options) error
	}{
		{"subscribers", sampledata.WriteSubscribers},
		{"consent", sampledata.WriteConsent},
	}
	type result struct {
		name string
		rows int64
		err  error
	}
	results := make(chan result, len(streams))
	for _, s := range streams {
		dir := filepath.Join(out, s.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		pw := newPartWriter(ctx, dir)
		go func() {
			err := s.write(ctx, pw, opts)
			n, cerr := pw.finish(err)
			if err == nil {
				err = cerr
			}
			if err != nil {
				cancel()
				err = fmt.Errorf("write %s: %w", s.name, err)
			}
			results <- result{s.name, n, err}
		}()
	}
	rows := map[string]int64{}
	var all []error
	for range streams {
		r := <-results
		rows[r.name] = r.rows
		all = append(all, r.err)
	}
	if err := errors.Join(all...); err != nil {
		return nil, err
	}
	return rows, nil
}

// partWriter is an io.Writer of one CSV stream that stores it as numbered
// Parquet parts. The stream's first line is its header, repeated at the top of
// every part. The sample data's values hold no line breaks, so a line is a row.
type partWriter struct {
	ctx    context.Context
	dir    string
	header []byte
	cur    *os.File
	size   int64
	lines  int64 // data lines written, all parts
	part   int
	queue  chan string // CSV parts waiting for conversion
	done   chan error  // the converter's result
}

func newPartWriter(ctx context.Context, dir string) *partWriter {
	p := &partWriter{ctx: ctx, dir: dir, queue: make(chan string, 1), done: make(chan error, 1)}
	go p.convert()
	return p
}

// convert turns each finished CSV part into Parquet and removes it, on its own
// DuckDB so that conversion runs beside generation.
func (p *partWriter) convert() {
	converter, err := query.Open(p.ctx, query.Memory)
	if err != nil {
		for range p.queue {
		}
		p.done <- err
		return
	}
	defer converter.Close()
	var first error
	for csv := range p.queue {
		if first == nil {
			first = converter.ConvertToParquet(p.ctx, csv, csv[:len(csv)-len(".csv")]+".parquet")
		}
		os.Remove(csv)
	}
	p.done <- first
}

func (p *partWriter) Write(b []byte) (int, error) {
	written := 0
	if p.header == nil {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return 0, errors.New("the header line is longer than one write")
		}
		p.header = bytes.Clone(b[:i+1])
		b, written = b[i+1:], i+1
	}
	for len(b) > 0 {
		if p.cur == nil {
			if err := p.open(); err != nil {
				return written, err
			}
		}
		chunk := b
		cut := false
		if room := partBytes - p.size; int64(len(b)) >= room {
			// Cut at the first line end at or past the part's size.
			if i := bytes.IndexByte(b[max(room-1, 0):], '\n'); i >= 0 {
				chunk, cut = b[:max(room-1, 0)+int64(i)+1], true
			}
		}
		n, err := p.cur.Write(chunk)
		p.size += int64(n)
		p.lines += int64(bytes.Count(chunk[:n], []byte{'\n'}))
		written += n
		if err != nil {
			return written, err
		}
		b = b[len(chunk):]
		if cut {
			if err := p.close(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

func (p *partWriter) open() error {
	p.part++
	f, err := os.Create(filepath.Join(p.dir, fmt.Sprintf("part-%05d.csv", p.part)))
	if err != nil {
		return err
	}
	p.cur, p.size = f, 0
	_, err = f.Write(p.header)
	return err
}

// close ends the current part and queues it for conversion (waiting while the
// converter is busy with the one before: that bounds the disk used).
func (p *partWriter) close() error {
	name := p.cur.Name()
	err := p.cur.Close()
	p.cur = nil
	if err != nil {
		return err
	}
	select {
	case p.queue <- name:
		return nil
	case <-p.ctx.Done():
		os.Remove(name)
		return p.ctx.Err()
	}
}

// finish closes the last part and waits for every conversion, returning the
// number of rows written.
func (p *partWriter) finish(writeErr error) (int64, error) {
	var err error
	if p.cur != nil {
		if writeErr != nil {
			p.cur.Close()
			os.Remove(p.cur.Name())
			p.cur = nil
		} else {
			err = p.close()
		}
	}
	close(p.queue)
	if cerr := <-p.done; err == nil {
		err = cerr
	}
	return p.lines, err
}
