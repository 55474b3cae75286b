package segments

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/segscope/segscope/query"
)

// Preview is what a rule selects from a table before it is saved or applied:
// the Data screen's filter bar, the segment editor and `segscope segment
// preview` all show it.
type Preview struct {
	Table string `json:"table"`
	Rule  string `json:"rule"`
	Where string `json:"compiled_sql"`
	Count int64  `json:"count"` // rows the rule selects
	Total int64  `json:"total"` // rows in the table
}

// Share is the fraction of the table the rule selects (0 for an empty table).
func (p Preview) Share() float64 { return share(p.Count, p.Total) }

// PreviewRule compiles a rule against table, with segment('name') resolved
// against the stored segments, and counts what it selects and the table's rows
// in one pass. A rule that is wrong gives an error wrapping a *rule.Error.
func PreviewRule(ctx context.Context, ws *query.Workspace, table, text string) (Preview, error) {
	p := Preview{Table: table, Rule: text}
	var err error
	if p.Where, err = Filter(ctx, ws, table, text); err != nil {
		return p, err
	}
	if p.Count, p.Total, err = ws.CountTotal(ctx, table, p.Where); err != nil {
		return p, fmt.Errorf("preview rule on %s: %w", table, err)
	}
	return p, nil
}

// SizeLimit is how many segments Sizes counts at once. Each count is a scan
// DuckDB already spreads over the cores; more at once only queue for them and
// hold memory, while a few at once keep short counts from waiting on long ones.
const SizeLimit = 4

// Size is a segment's member count and its share of its table.
type Size struct {
	Name    string `json:"segment"`
	Members int64  `json:"size"`
	Rows    int64  `json:"rows"` // rows in the segment's table
	// Err is why the segment could not be counted (its rule no longer compiles,
	// say); the other segments are still counted.
	Err error `json:"-"`
}

// Share is the fraction of its table the segment holds (0 for an empty table).
func (s Size) Share() float64 { return share(s.Members, s.Rows) }

// Sizes counts the named segments, at most SizeLimit at a time. The answers are
// in the order of names. each, if not nil, is called with every answer as it
// lands, one call at a time, so a screen can fill in as they come. A cancelled
// ctx ends the counts still running; their Err says so.
func (s *Store) Sizes(ctx context.Context, names []string, each func(Size)) []Size {
	out := make([]Size, len(names))
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(SizeLimit)
	for i, name := range names {
		g.Go(func() error {
			sz := s.size(ctx, name)
			mu.Lock()
			defer mu.Unlock()
			out[i] = sz
			if each != nil {
				each(sz)
			}
			return nil // one segment's failure is its own answer, not the others'
		})
	}
	g.Wait()
	return out
}

func (s *Store) size(ctx context.Context, name string) Size {
	sz := Size{Name: name}
	if sz.Err = ctx.Err(); sz.Err != nil {
		return sz
	}
	c, err := s.Compile(ctx, name)
	if err != nil {
		sz.Err = err
		return sz
	}
	sz.Members, sz.Rows, sz.Err = s.ws.CountTotal(ctx, c.Table, c.Where)
	return sz
}

func share(n, of int64) float64 {
	if of <= 0 {
		return 0
	}
	return float64(n) / float64(of)
}
