package segments

import (
	"context"
	"fmt"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/rule"
)

// Compiled is a segment's rule compiled now, against the table as it is now and the
// current rules of the segments it references.
type Compiled struct {
	Segment
	Where string
}

// Compile compiles a live segment's current rule afresh: the stored SQL records what
// a version meant when it was saved, but references and the table may have changed.
func (s *Store) Compile(ctx context.Context, name string) (Compiled, error) {
	seg, err := s.Get(ctx, name)
	if err != nil {
		return Compiled{}, err
	}
	schema, err := Schema(ctx, s.ws, seg.Table)
	if err != nil {
		return Compiled{}, fmt.Errorf("segment %s: %w", name, err)
	}
	where, err := rule.Compile(seg.Rule, schema, s.resolver(ctx, seg.Table))
	if err != nil {
		return Compiled{}, fmt.Errorf("segment %s no longer compiles against %s: %w", name, seg.Table, err)
	}
	return Compiled{Segment: seg, Where: where}, nil
}

// Count returns how many rows of its table a segment holds.
func (s *Store) Count(ctx context.Context, name string) (int64, error) {
	c, err := s.Compile(ctx, name)
	if err != nil {
		return 0, err
	}
	return s.ws.Count(ctx, c.Table, c.Where)
}

// Members returns a page of a segment's rows in key order.
func (s *Store) Members(ctx context.Context, name string, offset int64, limit int) (*query.Result, error) {
	c, err := s.Compile(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.ws.Rows(ctx, query.Page{Table: c.Table, Where: c.Where, OrderBy: c.Key, Offset: offset, Limit: limit})
}

// SQL returns a standalone query selecting a segment's members, to run elsewhere
// (a warehouse, or DuckDB over Parquet).
func (s *Store) SQL(ctx context.Context, name string) (string, error) {
	c, err := s.Compile(ctx, name)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SELECT *\nFROM %s\nWHERE %s", query.QuoteIdent(c.Table), c.Where), nil
}
