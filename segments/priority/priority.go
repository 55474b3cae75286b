// Package priority keeps priority lists (waterfalls): an ordered list of segments
// of one table in which each person belongs to the first segment that holds
// them, so that the campaign audiences drawn from the list never overlap.
package priority

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
)

// ErrNotFound is wrapped when there is no priority list of a name.
var ErrNotFound = errors.New("no such priority list")

// ActionDefine is the audit action of a new or changed priority list.
const ActionDefine = "priority.define"

// List is a priority list: Segments in priority order, all on Table.
type List struct {
	Name     string    `json:"name"`
	Table    string    `json:"table"`
	Segments []string  `json:"segments"`
	Updated  time.Time `json:"updated"`
	Actor    string    `json:"actor"`
}

const listsTable = `CREATE TABLE IF NOT EXISTS segscope.priority_lists (
	name VARCHAR, list VARCHAR, updated_at TIMESTAMP, actor VARCHAR)`

// Service keeps priority lists in the workspace.
type Service struct {
	ws    *query.Workspace
	store *segments.Store
}

// New returns the priority-list service of a workspace.
func New(ws *query.Workspace) *Service { return &Service{ws: ws, store: segments.NewStore(ws)} }

// Define saves a priority list, replacing one of the same name. Its segments
// must exist, be named once each and all be on one table. The list and its audit
// entry commit together.
func (s *Service) Define(ctx context.Context, name string, segs []string, reason string) (List, error) {
	l, err := s.define(ctx, name, segs, reason)
	if err != nil {
		return List{}, fmt.Errorf("priority list %s: %w", name, err)
	}
	return l, nil
}

func (s *Service) define(ctx context.Context, name string, segs []string, reason string) (List, error) {
	if err := segments.ValidName(name); err != nil {
		return List{}, err
	}
	if len(segs) < 2 {
		return List{}, fmt.Errorf("a priority list needs at least two segments, in priority order (--segments a,b,c)")
	}
	l := List{Name: name, Updated: time.Now().UTC().Truncate(time.Microsecond), Actor: s.ws.Actor()}
	for _, n := range segs {
		n = strings.TrimSpace(n)
		if slices.Contains(l.Segments, n) {
			return List{}, fmt.Errorf("segment %s is named twice: a person can only be in one step", n)
		}
		seg, err := s.store.Get(ctx, n)
		if err != nil {
			return List{}, err
		}
		if l.Table == "" {
			l.Table = seg.Table
		} else if seg.Table != l.Table {
			return List{}, fmt.Errorf("segment %s is on table %s but %s is on %s: a priority list's segments must all be on one table",
				n, seg.Table, l.Segments[0], l.Table)
		}
		l.Segments = append(l.Segments, n)
	}
	text, err := json.Marshal(l)
	if err != nil {
		return List{}, err
	}
	err = s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, listsTable); err != nil {
			return err
		}
		prev, err := stored(ctx, tx, name)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		details := map[string]any{"list": l, "reason": reason}
		if err == nil {
			details["previous"] = prev
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.priority_lists WHERE name = ?`, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.priority_lists VALUES (?, ?, ?, ?)`, name, string(text), l.Updated, l.Actor); err != nil {
			return err
		}
		_, err = s.ws.AppendAudit(ctx, tx, ActionDefine, "priority:"+name, details)
		return err
	})
	return l, err
}

// Get returns a priority list; the error wraps ErrNotFound if there is none.
func (s *Service) Get(ctx context.Context, name string) (List, error) {
	l, err := stored(ctx, s.ws.DB(), name)
	if err != nil {
		return List{}, fmt.Errorf("priority list %s: %w", name, err)
	}
	return l, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func stored(ctx context.Context, q querier, name string) (List, error) {
	var exists bool
	if err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = 'priority_lists' AND database_name = current_database()`).Scan(&exists); err != nil {
		return List{}, err
	}
	var text string
	if exists {
		err := q.QueryRowContext(ctx, `SELECT list FROM segscope.priority_lists WHERE name = ?`, name).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			exists = false
		} else if err != nil {
			return List{}, err
		}
	}
	if !exists {
		return List{}, fmt.Errorf("%w: define it with `segscope priority define %s --segments a,b,c`", ErrNotFound, name)
	}
	var l List
	if err := json.Unmarshal([]byte(text), &l); err != nil {
		return List{}, fmt.Errorf("the stored priority list is damaged: %w", err)
	}
	return l, nil
}

// compiled compiles the list's segments afresh and checks they are still on one table.
func (s *Service) compiled(ctx context.Context, l List) ([]segments.Compiled, error) {
	out := make([]segments.Compiled, len(l.Segments))
	for i, n := range l.Segments {
		c, err := s.store.Compile(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("priority list %s: %w", l.Name, err)
		}
		if c.Table != l.Table {
			return nil, fmt.Errorf("priority list %s: segment %s is now on table %s, not %s", l.Name, n, c.Table, l.Table)
		}
		out[i] = c
	}
	return out, nil
}

// notMember holds for the rows a rule does not select, those where it is NULL
// included. IS NOT TRUE, not NOT coalesce(rule, false): DuckDB evaluated the
// latter ten times slower as a filter behind another (the premium step of the
// benchmark's five).
func notMember(where string) string { return "((" + where + ") IS NOT TRUE)" }

// Step is one step of the waterfall.
type Step struct {
	Segment string `json:"segment"`
	// Size is the segment's own size; Audience what is left of it once the
	// earlier steps have taken their members; Removed = Size - Audience.
	Size     int64 `json:"size"`
	Audience int64 `json:"audience"`
	Removed  int64 `json:"removed_by_earlier_steps"`
	// Cumulative counts the people in this step or an earlier one.
	Cumulative int64 `json:"cumulative"`
}

// Waterfall is a priority list's steps as the data stands.
type Waterfall struct {
	List  List   `json:"list"`
	Rows  int64  `json:"table_rows"`
	Steps []Step `json:"steps"`
}

// Waterfall sizes every step: the table's rows, then for each step the
// segment's size and what is left of it, each a count of its own, so that
// DuckDB pushes the segment's rule into the scan (one pass computing every
// membership flag for every row cannot). The counts share one transaction,
// which writes nothing, so they see the same data.
func (s *Service) Waterfall(ctx context.Context, name string) (*Waterfall, error) {
	l, err := s.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	cs, err := s.compiled(ctx, l)
	if err != nil {
		return nil, err
	}
	w := &Waterfall{List: l, Steps: make([]Step, len(cs))}
	from := `SELECT count(*) FROM main.` + query.QuoteIdent(l.Table)
	counts := []string{from}
	dest := []*int64{&w.Rows}
	var earlier []string
	for i, c := range cs {
		step := "(" + c.Where + ")"
		if len(earlier) > 0 {
			step += " AND " + strings.Join(earlier, " AND ")
		}
		counts = append(counts, from+` WHERE (`+c.Where+`)`, from+` WHERE `+step)
		earlier = append(earlier, notMember(c.Where))
		w.Steps[i].Segment = l.Segments[i]
		dest = append(dest, &w.Steps[i].Size, &w.Steps[i].Audience)
	}
	tx, err := s.ws.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("waterfall of %s: %w", name, err)
	}
	defer tx.Rollback()
	for i, q := range counts {
		if err := tx.QueryRowContext(ctx, q).Scan(dest[i]); err != nil {
			return nil, fmt.Errorf("waterfall of %s: %w", name, err)
		}
	}
	var cum int64
	for i := range w.Steps {
		st := &w.Steps[i]
		cum += st.Audience
		st.Removed, st.Cumulative = st.Size-st.Audience, cum
	}
	return w, nil
}

// StepFilter is a step of a list as an export narrows to it: Segment is the
// step's segment, and Where, added to that segment's rule, leaves out the
// members an earlier step (named in Before) has taken.
type StepFilter struct {
	List    string   `json:"priority"`
	Segment string   `json:"step"`
	Before  []string `json:"earlier_steps"`
	Where   string   `json:"-"`
}

// Step is the filter of one step: the step's segment less every earlier step's
// members. The error names the list's steps when segment is not one of them.
func (s *Service) Step(ctx context.Context, name, segment string) (StepFilter, error) {
	l, err := s.Get(ctx, name)
	if err != nil {
		return StepFilter{}, err
	}
	i := slices.Index(l.Segments, segment)
	if i < 0 {
		return StepFilter{}, fmt.Errorf("priority list %s has no step %q: its steps are %s", name, segment, strings.Join(l.Segments, ", "))
	}
	cs, err := s.compiled(ctx, l)
	if err != nil {
		return StepFilter{}, err
	}
	f := StepFilter{List: name, Segment: segment, Before: l.Segments[:i]}
	var not []string
	for _, c := range cs[:i] {
		not = append(not, notMember(c.Where))
	}
	f.Where = "TRUE"
	if len(not) > 0 {
		f.Where = strings.Join(not, " AND ")
	}
	return f, nil
}
