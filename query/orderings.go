package query

import (
	"context"
	"fmt"
	"sync"
)

// orderings caches materialised row orders of sorted or filtered views: a table
// of row positions (rowids, see rowSource) in view order, in an in-memory scratch database attached to the
// workspace (shared by all connections, never written to the workspace file).
// A page deep in the view is then a rowid range of the ordering joined back to
// the table. The cache is small: each entry costs 8 bytes a row.
type orderings struct {
	mu      sync.Mutex
	entries map[string]*orderingEntry
	recent  []string // least recently used first
	next    int
}

type orderingEntry struct {
	name  string
	ready chan struct{}
	err   error
}

const (
	scratchDB    = "segscope_scratch"
	maxOrderings = 4
)

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

// ordering returns the view's ordering, building it once however many pages ask
// at the same time. A failed or cancelled build is forgotten, so the next request
// tries again.
func (w *Workspace) ordering(ctx context.Context, p Page, src rowSource) (string, error) {
	key := w.orderingKey(p)
	o := &w.orderings
	o.mu.Lock()
	if o.entries == nil {
		o.entries = map[string]*orderingEntry{}
	}
	e, building := o.entries[key]
	if !building {
		o.next++
		e = &orderingEntry{name: fmt.Sprintf("%s.ordering_%d", scratchDB, o.next), ready: make(chan struct{})}
		o.entries[key] = e
		o.touch(key)
	}
	var evicted []string
	for len(o.recent) > maxOrderings {
		old := o.recent[0]
		o.recent = o.recent[1:]
		evicted = append(evicted, o.entries[old].name)
		delete(o.entries, old)
	}
	o.mu.Unlock()
	for _, name := range evicted {
		w.db.ExecContext(context.Background(), `DROP TABLE IF EXISTS `+name)
	}

	if building {
		select {
		case <-e.ready:
			return e.name, e.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if e.err = w.attachScratch(ctx); e.err == nil {
		_, e.err = w.db.ExecContext(ctx, `CREATE TABLE `+e.name+` AS SELECT `+src.pos+` AS r FROM `+src.from+
			whereClause(p.Where)+` ORDER BY `+orderClause(p, src.pos))
	}
	if e.err != nil {
		o.mu.Lock()
		delete(o.entries, key)
		o.mu.Unlock()
	}
	close(e.ready)
	return e.name, e.err
}
