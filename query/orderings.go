package query

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// orderings caches materialised row orders of sorted or filtered views: a table
// of row positions (rowids, see rowSource) in view order, in an in-memory scratch
// database attached to the workspace (shared by all connections, never written
// to the workspace file). A page deep in the view is then a rowid range of the
// ordering joined back to the table. Each ordering costs 8 bytes a row, and
// building one sorts the whole view, so few are kept and a build nobody waits
// for any more is stopped.
type orderings struct {
	mu      sync.Mutex
	entries map[string]*orderingEntry
	recent  []string // least recently used first
	next    int
	counts  map[string]int64 // view (without its order) → rows
	// base is the context of work in the background; stop cancels it.
	base    context.Context
	cancel  context.CancelFunc
	running sync.WaitGroup
	stopped bool
}

type orderingEntry struct {
	name  string
	ready chan struct{} // closed when the build has finished, well or not (err)
	err   error
	// cancel stops a build running in the background for a browsed view; nil
	// for one built because a page asked for it.
	cancel context.CancelFunc
	// gone is set when the entry is evicted: a build still running then drops
	// the table it makes.
	gone bool
	// tail holds the view's last rows from row tailFrom, fetched in the
	// background before the ordering so that G shows them at once; tailReady is
	// closed when they are in (tail stays nil if that failed). Nil for an entry
	// built on request.
	tail      *Result
	tailFrom  int64
	tailReady chan struct{}
}

const (
	scratchDB = "segscope_scratch"
	// maxOrderings is how many orderings are kept: the view shown and the one
	// before it (a sort flipped back). At ten million rows each is 80 MB.
	maxOrderings = 2
	// tailRows is how many of a browsed view's last rows are fetched ahead: what
	// the grid asks for at the end (twice its height, from a 50-row block) on
	// a terminal up to 75 rows tall. More costs the fetch by position time.
	tailRows = 200
)

// errSmallView marks a browsed view small enough that every page is near one
// of its ends: it never needs an ordering.
var errSmallView = errors.New("no ordering needed")

// orderingKey names a view; the import generation makes a re-imported table's
// old orderings unreachable.
func (w *Workspace) orderingKey(p Page) string {
	return fmt.Sprintf("%d\x00%s\x00%s\x00%s\x00%v", w.generation.Load(), p.Table, p.Where, p.OrderBy, p.Desc)
}

// lookup returns a finished ordering's table name.
func (o *orderings) lookup(key string) (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[key]
	if !ok {
		return "", false
	}
	select {
	case <-e.ready:
		if e.err != nil {
			return "", false
		}
		o.touch(key)
		return e.name, true
	default:
		return "", false
	}
}

func (o *orderings) touch(key string) {
	for i, k := range o.recent {
		if k == key {
			o.recent = append(o.recent[:i], o.recent[i+1:]...)
			break
		}
	}
	o.recent = append(o.recent, key)
}

// add registers a new entry (o.mu held) and evicts the least recently used
// beyond maxOrderings, returning the tables to drop.
func (o *orderings) add(key string, e *orderingEntry) (drop []string) {
	if o.entries == nil {
		o.entries = map[string]*orderingEntry{}
	}
	o.next++
	e.name = fmt.Sprintf("%s.ordering_%d", scratchDB, o.next)
	o.entries[key] = e
	o.touch(key)
	for len(o.recent) > maxOrderings {
		old := o.recent[0]
		o.recent = o.recent[1:]
		drop = append(drop, o.forget(old)...)
	}
	return drop
}

// forget removes an entry (o.mu held): a build still running is stopped (if it
// runs in the background) and drops its table itself; a finished one's table is
// returned for the caller to drop.
func (o *orderings) forget(key string) []string {
	e := o.entries[key]
	delete(o.entries, key)
	for i, k := range o.recent {
		if k == key {
			o.recent = append(o.recent[:i], o.recent[i+1:]...)
			break
		}
	}
	if e == nil {
		return nil
	}
	e.gone = true
	select {
	case <-e.ready:
		if e.err == nil {
			return []string{e.name}
		}
	default:
		if e.cancel != nil {
			e.cancel()
		}
	}
	return nil
}

func (w *Workspace) dropOrderings(names []string) {
	for _, name := range names {
		// Best effort: a table left behind lives in memory only until Close.
		w.db.ExecContext(context.Background(), `DROP TABLE IF EXISTS `+name)
	}
}

// ordering returns the view's ordering, building it once however many pages ask
// at the same time. A failed or cancelled build is forgotten, so the next request
// tries again; a page waiting on a background build that was stopped (the user
// moved on, then came back), or on an ordering evicted as it was finished (and
// so dropped), builds it again itself.
func (w *Workspace) ordering(ctx context.Context, key string, p Page, src rowSource) (string, error) {
	o := &w.orderings
	for attempt := 0; ; attempt++ {
		o.mu.Lock()
		e, building := o.entries[key]
		var drop []string
		if building && e.err == errSmallView {
			// A page away from both ends of a small view: sort it here.
			building = false
		}
		if !building {
			e = &orderingEntry{ready: make(chan struct{})}
			drop = o.add(key, e)
		}
		o.mu.Unlock()
		w.dropOrderings(drop)
		if !building {
			w.build(ctx, key, e, p, src)
		} else {
			select {
			case <-e.ready:
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		o.mu.Lock()
		gone := e.gone
		o.mu.Unlock()
		stopped := e.cancel != nil && errors.Is(e.err, context.Canceled)
		if (e.err == nil && !gone) || (e.err != nil && !stopped) || ctx.Err() != nil || attempt == 2 {
			if e.err == nil && gone {
				return "", errors.New("newer sorts replaced this one while the page waited for it; ask again")
			}
			return e.name, e.err
		}
	}
}

// build makes the ordering table of entry e and closes e.ready.
func (w *Workspace) build(ctx context.Context, key string, e *orderingEntry, p Page, src rowSource) {
	o := &w.orderings
	err := w.attachScratch(ctx)
	if err == nil {
		_, err = w.db.ExecContext(ctx, `CREATE TABLE `+e.name+` AS SELECT `+src.pos+` AS r FROM `+src.from+
			whereClause(p.Where)+` ORDER BY `+orderClause(p, src.pos, false))
	}
	o.mu.Lock()
	gone := e.gone
	if e.err = err; err != nil && !gone {
		o.forget(key)
	}
	close(e.ready)
	o.mu.Unlock()
	if gone && err == nil {
		w.dropOrderings([]string{e.name})
	}
}

// prepare starts, for a browsed view, fetching its last rows and then building
// its ordering in the background, one view at a time: a build for another view
// still running is stopped, since the user has moved on from it.
func (w *Workspace) prepare(key string, p Page, src rowSource) {
	o := &w.orderings
	o.mu.Lock()
	if _, ok := o.entries[key]; ok || o.stopped {
		o.mu.Unlock()
		return
	}
	if o.base == nil {
		o.base, o.cancel = context.WithCancel(context.Background())
	}
	var drop []string
	for k, other := range o.entries {
		if other.cancel == nil {
			continue
		}
		select {
		case <-other.ready:
		default:
			drop = append(drop, o.forget(k)...)
		}
	}
	ctx, cancel := context.WithCancel(o.base)
	e := &orderingEntry{ready: make(chan struct{}), cancel: cancel, tailReady: make(chan struct{})}
	drop = append(drop, o.add(key, e)...)
	o.running.Add(1)
	o.mu.Unlock()
	w.dropOrderings(drop)

	go func() {
		defer o.running.Done()
		defer cancel()
		n, err := w.viewCount(ctx, p, src)
		switch {
		case err != nil:
		case n <= 2*shallowOffset:
			err = errSmallView
		default:
			from := max(n-tailRows, 0)
			if e.tail, err = w.topN(ctx, p, src, 0, int(n-from), true); err == nil {
				e.tailFrom = from
			} else {
				e.tail = nil
			}
		}
		close(e.tailReady)
		if err != nil {
			o.mu.Lock()
			// A small view keeps its entry, so that its pages do not start this again.
			if e.err = err; err != errSmallView && !e.gone {
				o.forget(key)
			}
			close(e.ready)
			o.mu.Unlock()
			return
		}
		w.build(ctx, key, e, p, src)
	}()
}

// fromTail answers rows [lo, hi) of a browsed view from its prefetched last rows,
// waiting for them if they are on their way.
func (o *orderings) fromTail(ctx context.Context, key string, lo, hi int64) (*Result, bool) {
	o.mu.Lock()
	e, ok := o.entries[key]
	o.mu.Unlock()
	if !ok || e.tailReady == nil {
		return nil, false
	}
	select {
	case <-e.tailReady:
	case <-ctx.Done():
		return nil, false
	}
	if e.tail == nil || lo < e.tailFrom || hi-e.tailFrom > int64(len(e.tail.Rows)) {
		return nil, false
	}
	return &Result{Columns: e.tail.Columns, Rows: append([][]any(nil), e.tail.Rows[lo-e.tailFrom:hi-e.tailFrom]...)}, true
}

// viewCount is how many rows a view has, counted once per import generation.
func (w *Workspace) viewCount(ctx context.Context, p Page, src rowSource) (int64, error) {
	o := &w.orderings
	key := fmt.Sprintf("%d\x00%s\x00%s", w.generation.Load(), p.Table, p.Where)
	o.mu.Lock()
	n, ok := o.counts[key]
	o.mu.Unlock()
	if ok {
		return n, nil
	}
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM `+src.table+whereClause(p.Where)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	o.mu.Lock()
	if o.counts == nil || len(o.counts) >= 64 {
		o.counts = map[string]int64{}
	}
	o.counts[key] = n
	o.mu.Unlock()
	return n, nil
}

// stop cancels the work in the background and waits for it, so that Close does
// not wait for a sort nobody will see.
func (o *orderings) stop() {
	o.mu.Lock()
	o.stopped = true
	if o.cancel != nil {
		o.cancel()
	}
	o.mu.Unlock()
	o.running.Wait()
}
