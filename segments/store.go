package segments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/rule"
)

// ErrNotFound is wrapped by errors about a segment that does not exist (or was deleted).
var ErrNotFound = errors.New("no such segment")

// Segment is a segment's current definition.
type Segment struct {
	Name        string    `json:"name"`
	Table       string    `json:"table"`
	Key         string    `json:"key_column"`
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	Version     int       `json:"version"`
	Rule        string    `json:"rule"`
	SQL         string    `json:"compiled_sql"`

	deleted time.Time // when it was deleted; zero for a live segment
}

// Version is one entry of a segment's history.
type Version struct {
	Version     int       `json:"version"`
	Rule        string    `json:"rule"`
	SQL         string    `json:"compiled_sql"`
	Description string    `json:"description"`
	Author      string    `json:"author"`
	Time        time.Time `json:"time"`
	Reason      string    `json:"reason"`
}

// Definition is what a person submits to create or change a segment.
type Definition struct {
	Name        string
	Table       string
	Rule        string
	Description string
	Reason      string
}

// Store keeps segments and their versions in the workspace's metadata schema.
type Store struct{ ws *query.Workspace }

// NewStore returns the segment store of a workspace.
func NewStore(ws *query.Workspace) *Store { return &Store{ws: ws} }

// Compiled on first use: a bounded repeat compiles to a long program, which
// every command would otherwise pay for at start.
var namePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`) })

// ValidName checks a segment name: a lowercase identifier, so it reads the same in
// rules (segment('churn_risk')), file names and the CLI.
func ValidName(name string) error {
	if !namePattern().MatchString(name) {
		return fmt.Errorf("%q is not a valid segment name: use lowercase letters, digits and _, starting with a letter (at most 63)", name)
	}
	return nil
}

// ErrExists is wrapped by Create's error when the name is taken by a live segment.
var ErrExists = errors.New("segment already exists")

// Mode says what a definition may do to the name it gives.
type Mode int

const (
	// Upsert creates the segment, or adds a version to it if it exists.
	Upsert Mode = iota
	// Create makes a new segment, and fails with ErrExists if a live one has the
	// name. A deleted segment's name may be taken again; its history continues.
	Create
	// Update adds a version to a live segment, and fails with ErrNotFound if
	// there is none by that name.
	Update
)

func (m Mode) String() string {
	switch m {
	case Create:
		return "create"
	case Update:
		return "update"
	}
	return "define"
}

// Define creates a segment, or adds a version to an existing one.
func (s *Store) Define(ctx context.Context, d Definition) (Segment, error) {
	return s.Save(ctx, d, Upsert)
}

// Create makes a new segment; a live segment of that name is an error wrapping ErrExists.
func (s *Store) Create(ctx context.Context, d Definition) (Segment, error) {
	return s.Save(ctx, d, Create)
}

// Update adds a version to a live segment; a missing one is an error wrapping ErrNotFound.
func (s *Store) Update(ctx context.Context, d Definition) (Segment, error) {
	return s.Save(ctx, d, Update)
}

// Save writes a definition as mode allows. The rule is compiled against the
// table first; nothing is written unless it compiles. Whether the name is taken
// is decided inside the write transaction, so two people saving a new segment of
// the same name cannot both create it: one gets ErrExists. The version and its
// audit entry commit together.
func (s *Store) Save(ctx context.Context, d Definition, mode Mode) (Segment, error) {
	seg, err := s.define(ctx, d, mode)
	if err != nil {
		return Segment{}, fmt.Errorf("%s segment %s: %w", mode, d.Name, err)
	}
	return seg, nil
}

func (s *Store) define(ctx context.Context, d Definition, mode Mode) (Segment, error) {
	p, err := s.prepare(ctx, d, mode, s.resolver(ctx, d.Table))
	if err != nil {
		return Segment{}, err
	}
	var seg Segment
	err = s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		seg, err = s.write(ctx, tx, p, mode)
		return err
	})
	return seg, err
}

// SaveAll saves several definitions as one change: every one is checked and
// compiled first, and then all are written in one transaction, or none. A
// definition may use another of the same change, segment('x'), before x is
// stored.
func (s *Store) SaveAll(ctx context.Context, defs []Definition, mode Mode) ([]Segment, error) {
	return s.SaveAllWith(ctx, defs, mode, nil)
}

// SaveAllWith is SaveAll doing also's writes in the same transaction, after
// the definitions': a change that goes with the segments (an import's
// consent setups) commits with them or not at all.
func (s *Store) SaveAllWith(ctx context.Context, defs []Definition, mode Mode, also func(tx *sql.Tx) error) ([]Segment, error) {
	ps := make([]prepared, len(defs))
	for i, d := range defs {
		p, err := s.prepare(ctx, d, mode, s.batchResolver(ctx, d.Table, defs))
		if err != nil {
			return nil, fmt.Errorf("%s segment %s: %w", mode, d.Name, err)
		}
		ps[i] = p
	}
	segs := make([]Segment, len(ps))
	err := s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		for i, p := range ps {
			seg, err := s.write(ctx, tx, p, mode)
			if err != nil {
				return fmt.Errorf("%s segment %s: %w", mode, p.Name, err)
			}
			segs[i] = seg
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return segs, nil
}

// prepared is a definition checked against its table and compiled.
type prepared struct {
	Definition
	key, compiled string
}

func (s *Store) prepare(ctx context.Context, d Definition, mode Mode, resolve rule.SegmentResolver) (prepared, error) {
	if err := ValidName(d.Name); err != nil {
		return prepared{}, err
	}
	if strings.TrimSpace(d.Rule) == "" {
		return prepared{}, fmt.Errorf("the rule is empty")
	}
	info, err := s.ws.Table(ctx, d.Table)
	if err != nil {
		return prepared{}, err
	}
	if info.Key == "" {
		return prepared{}, fmt.Errorf("table %s has no key column: choose one with `segscope key %s COLUMN` (or %s), or press K on the Data screen", d.Table, d.Table, query.SurrogateKey)
	}
	schema, err := Schema(ctx, s.ws, d.Table)
	if err != nil {
		return prepared{}, err
	}
	// Checked before compiling too, so a taken name is reported as such rather
	// than as whatever is wrong with the rule.
	if _, err := s.claim(ctx, s.ws.DB(), d, mode); err != nil {
		return prepared{}, err
	}
	// Compiled under its own name, so a cycle back through this segment is caught now.
	compiled, err := rule.CompileNamed(d.Name, d.Rule, schema, resolve)
	if err != nil {
		return prepared{}, fmt.Errorf("rule: %w", err)
	}
	return prepared{Definition: d, key: info.Key, compiled: compiled}, nil
}

// write stores a prepared definition as a new version, with its audit entry,
// deciding inside tx whether the name may be written.
func (s *Store) write(ctx context.Context, tx *sql.Tx, p prepared, mode Mode) (Segment, error) {
	d := p.Definition
	prev, err := s.claim(ctx, tx, d, mode)
	if err != nil {
		return Segment{}, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	description := d.Description
	if description == "" && prev.Version > 0 {
		description = prev.Description
	}
	seg := Segment{
		Name: d.Name, Table: d.Table, Key: p.key, Description: description, Owner: s.ws.Actor(),
		Created: now, Updated: now, Version: prev.Version + 1, Rule: d.Rule, SQL: p.compiled,
	}
	action := query.ActionSegmentCreate
	if prev.Version > 0 {
		action = query.ActionSegmentUpdate
		seg.Owner, seg.Created = prev.Owner, prev.Created
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.segments WHERE name = ?`, d.Name); err != nil {
		return Segment{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
		seg.Name, seg.Table, seg.Key, seg.Description, seg.Owner, seg.Created, seg.Updated, seg.Version); err != nil {
		return Segment{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.segment_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		seg.Name, seg.Version, seg.Rule, seg.SQL, seg.Description, s.ws.Actor(), now, d.Reason); err != nil {
		return Segment{}, err
	}
	_, err = s.ws.AppendAudit(ctx, tx, action, seg.Name, map[string]any{
		"table": seg.Table, "version": seg.Version, "rule": seg.Rule, "compiled_sql": seg.SQL,
		"description": seg.Description, "reason": d.Reason,
	})
	return seg, err
}

// claim reads what the name holds now (a deleted segment included, whose
// history a new definition continues) and says whether mode may write to it.
func (s *Store) claim(ctx context.Context, q querier, d Definition, mode Mode) (Segment, error) {
	prev, err := s.lookup(ctx, q, d.Name, true)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Segment{}, err
	}
	live := err == nil && prev.deleted.IsZero()
	switch {
	case mode == Create && live:
		return Segment{}, fmt.Errorf("%w: edit it, or choose another name", ErrExists)
	case mode == Update && !live:
		return Segment{}, fmt.Errorf("segment %q: %w", d.Name, ErrNotFound)
	case err == nil && prev.Table != d.Table:
		return Segment{}, fmt.Errorf("it is defined on table %s, not %s: choose another name", prev.Table, d.Table)
	}
	return prev, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const segmentColumns = `s.name, s.table_name, s.key_column, s.description, s.owner, s.created_at, s.updated_at, s.version, v.rule, v.compiled_sql`

// lookup reads a segment's current definition. With includeDeleted, a deleted
// segment is returned too (its history continues if the name is defined again).
func (s *Store) lookup(ctx context.Context, q querier, name string, includeDeleted bool) (Segment, error) {
	cond := ` AND s.deleted_at IS NULL`
	if includeDeleted {
		cond = ``
	}
	var seg Segment
	var deleted sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT `+segmentColumns+`, s.deleted_at FROM segscope.segments s
		JOIN segscope.segment_versions v ON v.name = s.name AND v.version = s.version
		WHERE s.name = ?`+cond, name).Scan(
		&seg.Name, &seg.Table, &seg.Key, &seg.Description, &seg.Owner, &seg.Created, &seg.Updated, &seg.Version, &seg.Rule, &seg.SQL, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return Segment{}, fmt.Errorf("segment %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return Segment{}, fmt.Errorf("segment %q: %w", name, err)
	}
	seg.deleted = deleted.Time
	return seg, nil
}

// Get returns a live segment.
func (s *Store) Get(ctx context.Context, name string) (Segment, error) {
	return s.lookup(ctx, s.ws.DB(), name, false)
}

// List returns the live segments, by name.
func (s *Store) List(ctx context.Context) ([]Segment, error) {
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT `+segmentColumns+` FROM segscope.segments s
		JOIN segscope.segment_versions v ON v.name = s.name AND v.version = s.version
		WHERE s.deleted_at IS NULL ORDER BY s.name`)
	if err != nil {
		return nil, fmt.Errorf("list segments: %w", err)
	}
	defer rows.Close()
	var out []Segment
	for rows.Next() {
		var seg Segment
		if err := rows.Scan(&seg.Name, &seg.Table, &seg.Key, &seg.Description, &seg.Owner, &seg.Created, &seg.Updated, &seg.Version, &seg.Rule, &seg.SQL); err != nil {
			return nil, fmt.Errorf("list segments: %w", err)
		}
		out = append(out, seg)
	}
	return out, rows.Err()
}

// History returns every version of a segment, oldest first, including those before a deletion.
func (s *Store) History(ctx context.Context, name string) ([]Version, error) {
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT version, rule, compiled_sql, description, author, created_at, reason
		FROM segscope.segment_versions WHERE name = ? ORDER BY version`, name)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", name, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.Version, &v.Rule, &v.SQL, &v.Description, &v.Author, &v.Time, &v.Reason); err != nil {
			return nil, fmt.Errorf("history of %s: %w", name, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("history of %s: %w", name, ErrNotFound)
	}
	return out, nil
}

// Delete marks a segment deleted; its versions stay for the record. A segment that
// other live segments reference cannot be deleted.
func (s *Store) Delete(ctx context.Context, name, reason string) error {
	seg, err := s.Get(ctx, name)
	if err != nil {
		return fmt.Errorf("delete segment: %w", err)
	}
	if users, err := s.dependents(ctx, seg); err != nil {
		return fmt.Errorf("delete segment %s: %w", name, err)
	} else if len(users) > 0 {
		return fmt.Errorf("delete segment %s: segments %s use it; change or delete them first", name, strings.Join(users, ", "))
	}
	return s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE segscope.segments SET deleted_at = ? WHERE name = ?`, time.Now().UTC(), name); err != nil {
			return fmt.Errorf("delete segment %s: %w", name, err)
		}
		_, err := s.ws.AppendAudit(ctx, tx, query.ActionSegmentDelete, name, map[string]any{
			"table": seg.Table, "version": seg.Version, "rule": seg.Rule, "reason": reason,
		})
		return err
	})
}

// dependents lists the live segments whose rules stop compiling without seg.
func (s *Store) dependents(ctx context.Context, seg Segment) ([]string, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	schema, err := Schema(ctx, s.ws, seg.Table)
	if err != nil {
		return nil, err
	}
	var users []string
	for _, other := range all {
		if other.Name == seg.Name || other.Table != seg.Table {
			continue
		}
		if _, err := rule.Compile(other.Rule, schema, s.resolverWithout(ctx, seg.Table, seg.Name)); err != nil {
			users = append(users, other.Name)
		}
	}
	return users, nil
}

// resolver looks up other segments' rules for segment('name') references.
func (s *Store) resolver(ctx context.Context, table string) rule.SegmentResolver {
	return s.resolverWithout(ctx, table, "")
}

// batchResolver resolves names to the rules of defs, a change being saved,
// before the stored segments.
func (s *Store) batchResolver(ctx context.Context, table string, defs []Definition) rule.SegmentResolver {
	stored := s.resolver(ctx, table)
	return func(name string) (string, error) {
		for _, d := range defs {
			if d.Name != name {
				continue
			}
			if d.Table != table {
				return "", otherTable(d.Table, table)
			}
			return d.Rule, nil
		}
		return stored(name)
	}
}

// resolverWithout resolves names as the store does, except missing, which it treats
// as already deleted. Its errors give the reason only: the rule's compiler
// names the segment ("segment 'x': no such segment").
func (s *Store) resolverWithout(ctx context.Context, table, missing string) rule.SegmentResolver {
	return func(name string) (string, error) {
		if name == missing {
			return "", ErrNotFound
		}
		seg, err := s.Get(ctx, name)
		if errors.Is(err, ErrNotFound) {
			return "", ErrNotFound
		}
		if err != nil {
			return "", err
		}
		if seg.Table != table {
			return "", otherTable(seg.Table, table)
		}
		return seg.Rule, nil
	}
}

func otherTable(defined, table string) error {
	return fmt.Errorf("it is defined on table %s, not %s", defined, table)
}
