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
	return s.compileFor(ctx, name, rule.DuckDB)
}

func (s *Store) compileFor(ctx context.Context, name string, d *rule.Dialect) (Compiled, error) {
	seg, err := s.Get(ctx, name)
	if err != nil {
		return Compiled{}, err
	}
	schema, err := Schema(ctx, s.ws, seg.Table)
	if err != nil {
		return Compiled{}, fmt.Errorf("segment %s: %w", name, err)
	}
	where, err := rule.CompileFor(d, "", seg.Rule, schema, s.resolver(ctx, seg.Table))
	if err != nil {
		if d != rule.DuckDB {
			return Compiled{}, fmt.Errorf("segment %s for %s: %w", name, d.Name, err)
		}
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

// SQL returns a standalone DuckDB query selecting a segment's members, to run
// elsewhere (DuckDB over Parquet, say).
func (s *Store) SQL(ctx context.Context, name string) (string, error) {
	return s.SQLFor(ctx, name, rule.DuckDB, SelectMembers)
}

// Select is what a segment's standalone query returns.
type Select string

const (
	// SelectMembers returns the members' rows, every column.
	SelectMembers Select = "members"
	// SelectCount returns one row, the number of members (column members).
	SelectCount Select = "count"
)

// ParseSelect reads --select.
func ParseSelect(s string) (Select, error) {
	switch sel := Select(s); sel {
	case SelectMembers, SelectCount:
		return sel, nil
	}
	return "", fmt.Errorf("--select must be %s or %s, not %q", SelectMembers, SelectCount, s)
}

// SQLFor returns a standalone query for the engine d over a table of the
// same name and columns as the segment's: its members, or their number. The
// rule is written for d from its tree (rule.CompileFor), with the segments
// it uses filled in, so a warehouse holding the same rows selects the same
// people; what d cannot express is an error.
func (s *Store) SQLFor(ctx context.Context, name string, d *rule.Dialect, sel Select) (string, error) {
	c, err := s.compileFor(ctx, name, d)
	if err != nil {
		return "", err
	}
	table, err := d.Table(c.Table)
	if err != nil {
		return "", fmt.Errorf("segment %s for %s: %w", name, d.Name, err)
	}
	what := "*"
	if sel == SelectCount {
		what = "count(*) AS members"
	}
	return fmt.Sprintf("SELECT %s\nFROM %s\nWHERE %s", what, table, c.Where), nil
}
