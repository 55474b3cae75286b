package query

import (
	"context"
	"io"
	"sync"
	"time"
)

// importProgress relays an import's reports to ImportOptions.Progress one at
// a time: phases come from the importing goroutine, bytes from the digest's
// goroutine beside it, and each report carries both.
type importProgress struct {
	fn      func(ImportProgress)
	started time.Time

	mu   sync.Mutex
	last ImportProgress
}

func (p *importProgress) phase(name string) {
	p.send(func(r *ImportProgress) { r.Phase = name })
}

// read notes that n of the file's size bytes have been read.
func (p *importProgress) read(n, size int64) {
	p.send(func(r *ImportProgress) { r.BytesRead, r.Size = n, size })
}

func (p *importProgress) send(change func(*ImportProgress)) {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	change(&p.last)
	p.last.Elapsed = time.Since(p.started)
	p.fn(p.last)
}

// meteredReader reads a file of size bytes for as long as ctx is live, and
// tells report how far it has got each time another thousandth is read (a
// report a read would be tens of thousands a gigabyte).
type meteredReader struct {
	ctx    context.Context
	r      io.Reader
	size   int64
	read   int64
	shown  int64 // thousandths reported
	report func(n, size int64)
}

func (m *meteredReader) Read(p []byte) (int, error) {
	// Checked before every read, so that a gzip bomb, which inflates a
	// thousandfold, is given up within a few megabytes of output.
	if err := m.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := m.r.Read(p)
	m.read += int64(n)
	if m.report != nil && m.size > 0 {
		if at := m.read * 1000 / m.size; at > m.shown || err == io.EOF {
			m.shown = at
			m.report(m.read, m.size)
		}
	}
	return n, err
}
