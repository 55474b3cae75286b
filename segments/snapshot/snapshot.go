// Package snapshot remembers who was in a segment when: every export, and every
// `segscope snapshot`, records the keys of the segment's members at that moment,
// with its size and reach per consent channel, so that later one can ask who
// entered and who left since a send, export only the new members, and follow a
// segment's size over time.
//
// Members are kept as intervals, not copies: a row (segment, key, first_id,
// left_id) says the key was a member in every snapshot of the segment from
// first_id up to, not including, left_id (NULL while it still is). A member who
// stays costs nothing in later snapshots; a snapshot costs one row per member
// who entered since the one before, and an update per member who left. Keys are
// kept as BIGINT when the key column is an integer type, else as text.
package snapshot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
)

// ErrNoSnapshot is wrapped when no snapshot answers a reference.
var ErrNoSnapshot = errors.New("no earlier snapshot")

// ActionSnapshot is the audit action of a snapshot taken on its own (an
// export's is recorded in the export's entry).
const ActionSnapshot = "segment.snapshot"

// Kinds of snapshot.
const (
	KindSnapshot = "snapshot"
	KindExport   = "export"
)

// Scope says which audience an export wrote, so that --only-new compares an
// export with the last one of the same audience. A snapshot's keys are always
// the whole segment's.
type Scope struct {
	Channel  string `json:"channel,omitempty"`
	Split    string `json:"split_salt,omitempty"`
	Arm      string `json:"arm,omitempty"`
	Priority string `json:"priority,omitempty"`
	Step     string `json:"step,omitempty"`
}

// Snapshot is one recorded membership of a segment.
type Snapshot struct {
	ID        int64            `json:"id"`
	Segment   string           `json:"segment"`
	Version   int              `json:"version"`
	Table     string           `json:"table"`
	KeyColumn string           `json:"key_column"`
	KeyKind   string           `json:"key_kind"` // "int" or "text"
	Kind      string           `json:"kind"`
	Scope     Scope            `json:"scope"`
	Taken     time.Time        `json:"taken_at"`
	Size      int64            `json:"size"`
	Reach     map[string]int64 `json:"reach,omitempty"`
	Actor     string           `json:"actor"`
}

var ddl = []string{
	`CREATE TABLE IF NOT EXISTS segscope.snapshots (
		id BIGINT, segment VARCHAR, version INTEGER, table_name VARCHAR, key_column VARCHAR, key_kind VARCHAR,
		kind VARCHAR, scope VARCHAR, taken_at TIMESTAMP, size BIGINT, reach VARCHAR, actor VARCHAR)`,
	`CREATE TABLE IF NOT EXISTS segscope.snapshot_members (
		segment VARCHAR, key_int BIGINT, key_text VARCHAR, first_id BIGINT, left_id BIGINT)`,
}

// intTypes are the key types kept as BIGINT: every integer type that fits.
var intTypes = map[string]bool{"TINYINT": true, "SMALLINT": true, "INTEGER": true, "BIGINT": true,
	"UTINYINT": true, "USMALLINT": true, "UINTEGER": true}

// keyKind is how a table's key column is kept.
func keyKind(ctx context.Context, ws *query.Workspace, table, key string) (string, error) {
	cols, err := ws.Columns(ctx, table)
	if err != nil {
		return "", err
	}
	for _, c := range cols {
		if c.Name == key {
			if intTypes[strings.ToUpper(c.Type)] {
				return "int", nil
			}
			return "text", nil
		}
	}
	return "", fmt.Errorf("table %s has no key column %s", table, key)
}

// keyColumn is the members table's column of a kind.
func keyColumn(kind string) string {
	if kind == "int" {
		return "key_int"
	}
	return "key_text"
}

// keyPair is the members table's (key_int, key_text) for a key of kind in column k.
func keyPair(kind, k string) string {
	if kind == "text" {
		return "NULL, " + k
	}
	return k + ", NULL"
}

// liveKeys selects a segment's members' keys now, as kind, in a column k:
// from members (see Members) when given, else by the segment's rule.
func liveKeys(c segments.Compiled, kind string, members *Members) string {
	from, key, where := "main."+query.QuoteIdent(c.Table), query.QuoteIdent(c.Key), "("+c.Where+") AND "
	if members != nil {
		from, key, where = members.Table, query.QuoteIdent(members.Key), ""
	}
	k := key
	if kind == "text" {
		k = "CAST(" + k + " AS VARCHAR)"
	}
	// A NULL key would match no open interval and enter every time; a key
	// column has none, but a table changed outside segscope might.
	return "SELECT " + k + " AS k FROM " + from + " WHERE " + where + key + " IS NOT NULL"
}

// Members is a table the caller's transaction can read that already holds
// exactly the segment's members now, one row each, their keys in column Key:
// an export's gate kept them, so the snapshot need not evaluate the rule again
// (for a rule over events, as costly as the gate itself). Table is a trusted
// name, such as consent.Gate.Kept.
type Members struct {
	Table, Key string
}

// memberKeys selects the keys of snapshot s as kind, in a column k. Its values
// are numbers and a quoted name: it can be spliced into a predicate.
func memberKeys(s Snapshot, kind string) string {
	col := "sm." + keyColumn(s.KeyKind)
	if kind == "text" && s.KeyKind == "int" {
		col = "CAST(" + col + " AS VARCHAR)"
	}
	id := strconv.FormatInt(s.ID, 10)
	return "SELECT " + col + " AS k FROM segscope.snapshot_members sm WHERE sm.segment = " + query.QuoteString(s.Segment) +
		" AND sm.first_id <= " + id + " AND (sm.left_id IS NULL OR sm.left_id > " + id + ")"
}

// Record adds a snapshot of a compiled segment's members inside tx, a
// Workspace.WriteTx the caller holds, so that it commits with what it records
// (an export, or a snapshot's audit entry). Reach is the contactable members per
// channel, if known.
//
// members, when not nil, holds the segment's members (see Members).
func Record(ctx context.Context, ws *query.Workspace, tx *sql.Tx, c segments.Compiled, members *Members, kind string, scope Scope, reach map[string]int64) (Snapshot, error) {
	s, err := record(ctx, ws, tx, c, members, kind, scope, reach)
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot of %s: %w", c.Name, err)
	}
	return s, nil
}

func record(ctx context.Context, ws *query.Workspace, tx *sql.Tx, c segments.Compiled, members *Members, kind string, scope Scope, reach map[string]int64) (Snapshot, error) {
	kk, err := keyKind(ctx, ws, c.Table, c.Key)
	if err != nil {
		return Snapshot{}, err
	}
	for _, stmt := range ddl {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return Snapshot{}, err
		}
	}
	s := Snapshot{Segment: c.Name, Version: c.Version, Table: c.Table, KeyColumn: c.Key, KeyKind: kk, Kind: kind,
		Scope: scope, Taken: time.Now().UTC().Truncate(time.Microsecond), Reach: reach, Actor: ws.Actor()}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM segscope.snapshots`).Scan(&s.ID); err != nil {
		return Snapshot{}, err
	}
	snaps, err := listed(ctx, tx, c.Name, "", nil, true, 1)
	prev, err := newest(c.Name, snaps, err)
	if err != nil && !errors.Is(err, ErrNoSnapshot) {
		return Snapshot{}, err
	}
	fresh := errors.Is(err, ErrNoSnapshot)
	if err == nil && (prev.KeyColumn != c.Key || prev.KeyKind != kk) {
		// Keys of another column are other values: every open interval ends here.
		if _, err := tx.ExecContext(ctx, `UPDATE segscope.snapshot_members SET left_id = ? WHERE segment = ? AND left_id IS NULL`, s.ID, c.Name); err != nil {
			return Snapshot{}, err
		}
		fresh = true
	}
	if fresh {
		// Nothing open to compare with: every member enters, in one pass.
		res, err := tx.ExecContext(ctx, `INSERT INTO segscope.snapshot_members SELECT ?, `+keyPair(kk, "k")+`, ?, NULL FROM (`+liveKeys(c, kk, members)+`)`, c.Name, s.ID)
		if err == nil {
			s.Size, err = res.RowsAffected()
		}
		if err != nil {
			return Snapshot{}, err
		}
	} else if err := changes(ctx, tx, c, members, kk, s.ID, &s.Size); err != nil {
		return Snapshot{}, err
	}
	scopeJSON, _ := json.Marshal(scope)
	reachJSON, _ := json.Marshal(reach)
	if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.Segment, s.Version, s.Table, s.KeyColumn, s.KeyKind, s.Kind, string(scopeJSON), s.Taken, s.Size, string(reachJSON), s.Actor); err != nil {
		return Snapshot{}, err
	}
	return s, nil
}

// changes closes the intervals of the members who left since the last snapshot
// and opens those of the members who entered, and counts the members now.
//
// When the fingerprints say nobody moved (sameKeys), nothing is written.
// Otherwise who moved is found in one full join of the open intervals to the
// members now, which keeps only the unmatched on either side; an export of a segment
// where few people moved then writes little and reads each side once. (Two
// anti-joins, one per direction, cost twice the join: about 100 ms against 40
// at a million members.)
func changes(ctx context.Context, tx *sql.Tx, c segments.Compiled, members *Members, kind string, id int64, size *int64) error {
	col := keyColumn(kind)
	moved := "snapshot_moved_" + strconv.FormatInt(id, 10)
	open := "SELECT " + col + " AS k FROM segscope.snapshot_members WHERE segment = " + query.QuoteString(c.Name) + " AND left_id IS NULL"
	live := liveKeys(c, kind, members)
	same, err := sameKeys(ctx, tx, open, live, size)
	if err != nil || same {
		return err
	}
	// Once the intervals of who left are closed and those of who came are
	// opened, the open ones are the members now: size is already their count.
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE `+moved+` AS
		SELECT o.k AS gone, n.k AS came FROM (`+open+`) o FULL JOIN (`+live+`) n ON o.k = n.k
		WHERE o.k IS NULL OR n.k IS NULL`); err != nil {
		return err
	}
	defer tx.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.`+moved)
	var gone, came int64
	if err := tx.QueryRowContext(ctx, `SELECT count(gone), count(came) FROM temp.`+moved).Scan(&gone, &came); err != nil {
		return err
	}
	if gone > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE segscope.snapshot_members SET left_id = ?
			WHERE segment = ? AND left_id IS NULL AND `+col+` IN (SELECT gone FROM temp.`+moved+` WHERE gone IS NOT NULL)`, id, c.Name); err != nil {
			return err
		}
	}
	if came > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.snapshot_members SELECT ?, `+keyPair(kind, "came")+`, ?, NULL
			FROM temp.`+moved+` WHERE came IS NOT NULL`, c.Name, id); err != nil {
			return err
		}
	}
	return nil
}

// sameKeys tells whether two selections of keys hold the same keys, and sets
// size to the count of the second. It compares a fingerprint of each side (the count,
// the XOR of the keys' 64-bit hashes and the sum of their low 32 bits), which
// reads each side once without the hash table a join builds: a segment exported
// again with no member moved (another format or channel, a re-run) skips the
// join, about 45 ms at a million members against 11 for the fingerprints. Sets
// that differ give equal fingerprints with a chance of about 2^-96; the XOR alone
// never misses one key swapped for another, since DuckDB's integer hash is a
// bijection.
func sameKeys(ctx context.Context, tx *sql.Tx, a, b string, size *int64) (bool, error) {
	fingerprint := func(keys string) string {
		return `(SELECT count(*) AS n, bit_xor(hash(k)) AS x, sum((hash(k) & 4294967295)::BIGINT) AS s FROM (` + keys + `))`
	}
	var na, nb int64
	var same bool
	err := tx.QueryRowContext(ctx, `SELECT a.n, b.n, a.x IS NOT DISTINCT FROM b.x AND a.s IS NOT DISTINCT FROM b.s
		FROM `+fingerprint(a)+` a, `+fingerprint(b)+` b`).Scan(&na, &nb, &same)
	if err != nil {
		return false, err
	}
	*size = nb
	return same && na == nb, nil
}

// Service answers questions about a workspace's snapshots.
type Service struct {
	ws    *query.Workspace
	store *segments.Store
	// Consent counts reach for Take; tests pin its clock.
	Consent *consent.Service
}

// New returns the snapshot service of a workspace.
func New(ws *query.Workspace) *Service {
	return &Service{ws: ws, store: segments.NewStore(ws), Consent: consent.New(ws)}
}

// Taken is a new snapshot and the one before it, if any.
type Taken struct {
	Snapshot Snapshot  `json:"snapshot"`
	Previous *Snapshot `json:"previous,omitempty"`
}

// Take records a snapshot of a segment as it is now, with its reach on every
// consent channel when its table has consent set up, and writes it to the audit log.
func (s *Service) Take(ctx context.Context, segment, reason string) (Taken, error) {
	t, err := s.take(ctx, segment, reason)
	if err != nil {
		return Taken{}, fmt.Errorf("snapshot of %s: %w", segment, err)
	}
	return t, nil
}

func (s *Service) take(ctx context.Context, segment, reason string) (Taken, error) {
	c, err := s.store.Compile(ctx, segment)
	if err != nil {
		return Taken{}, err
	}
	var reach map[string]int64
	cov, err := s.Consent.Coverage(ctx, consent.SegmentMembers(c), nil)
	switch {
	case errors.Is(err, consent.ErrNotConfigured):
	case err != nil:
		return Taken{}, err
	default:
		reach = map[string]int64{}
		for _, ch := range cov.Channels {
			reach[ch.Channel] = ch.Contactable
		}
	}
	var t Taken
	if prev, err := s.Latest(ctx, segment); err == nil {
		t.Previous = &prev
	} else if !errors.Is(err, ErrNoSnapshot) {
		return Taken{}, err
	}
	err = s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		if t.Snapshot, err = record(ctx, s.ws, tx, c, nil, KindSnapshot, Scope{}, reach); err != nil {
			return err
		}
		_, err = s.ws.AppendAudit(ctx, tx, ActionSnapshot, segment, map[string]any{
			"snapshot": t.Snapshot.ID, "version": c.Version, "size": t.Snapshot.Size, "reach": reach, "reason": reason,
		})
		return err
	})
	return t, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const snapshotColumns = `id, segment, version, table_name, key_column, key_kind, kind, scope, taken_at, size, reach, actor`

func scan(rows interface{ Scan(...any) error }) (Snapshot, error) {
	var s Snapshot
	var scope, reach string
	if err := rows.Scan(&s.ID, &s.Segment, &s.Version, &s.Table, &s.KeyColumn, &s.KeyKind, &s.Kind, &scope, &s.Taken, &s.Size, &reach, &s.Actor); err != nil {
		return Snapshot{}, err
	}
	if err := json.Unmarshal([]byte(scope), &s.Scope); err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %d's scope is damaged: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(reach), &s.Reach); err != nil {
		return Snapshot{}, fmt.Errorf("snapshot %d's reach is damaged: %w", s.ID, err)
	}
	return s, nil
}

func hasTables(ctx context.Context, q querier) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = 'snapshots' AND database_name = current_database()`).Scan(&n)
	return n > 0, err
}

// latest is the last snapshot of a segment matching cond (with args), "" for any.
func latest(ctx context.Context, q querier, segment, cond string, args []any) (Snapshot, error) {
	snaps, err := list(ctx, q, segment, cond, args, true, 1)
	return newest(segment, snaps, err)
}

// newest is the first of a list of snapshots newest first.
func newest(segment string, snaps []Snapshot, err error) (Snapshot, error) {
	if err != nil {
		return Snapshot{}, err
	}
	if len(snaps) == 0 {
		return Snapshot{}, fmt.Errorf("%w of segment %s", ErrNoSnapshot, segment)
	}
	return snaps[0], nil
}

func list(ctx context.Context, q querier, segment, cond string, args []any, newestFirst bool, limit int) ([]Snapshot, error) {
	if ok, err := hasTables(ctx, q); err != nil || !ok {
		return nil, err
	}
	return listed(ctx, q, segment, cond, args, newestFirst, limit)
}

// listed is list where the snapshot tables are known to exist: the look in
// the catalog costs a recording export about 2 ms.
func listed(ctx context.Context, q querier, segment, cond string, args []any, newestFirst bool, limit int) ([]Snapshot, error) {
	stmt := `SELECT ` + snapshotColumns + ` FROM segscope.snapshots WHERE segment = ?`
	if cond != "" {
		stmt += ` AND (` + cond + `)`
	}
	stmt += ` ORDER BY id`
	if newestFirst {
		stmt += ` DESC`
	}
	if limit > 0 {
		stmt += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := q.QueryContext(ctx, stmt, append([]any{segment}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Snapshot
	for rows.Next() {
		s, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Latest is a segment's last snapshot; the error wraps ErrNoSnapshot if it has none.
func (s *Service) Latest(ctx context.Context, segment string) (Snapshot, error) {
	return latest(ctx, s.ws.DB(), segment, "", nil)
}

// List is a segment's snapshots, oldest first.
func (s *Service) List(ctx context.Context, segment string) ([]Snapshot, error) {
	out, err := list(ctx, s.ws.DB(), segment, "", nil, false, 0)
	if err != nil {
		return nil, fmt.Errorf("snapshots of %s: %w", segment, err)
	}
	return out, nil
}

// LastExport is the last export of a segment to the same audience (channel,
// split arm, priority step); the error wraps ErrNoSnapshot if there is none.
func (s *Service) LastExport(ctx context.Context, segment string, scope Scope) (Snapshot, error) {
	exports, err := list(ctx, s.ws.DB(), segment, `kind = 'export'`, nil, true, 0)
	if err != nil {
		return Snapshot{}, err
	}
	for _, e := range exports {
		if e.Scope == scope {
			return e, nil
		}
	}
	return Snapshot{}, fmt.Errorf("%w: segment %s has no earlier export%s to compare with; export it once without --only-new",
		ErrNoSnapshot, segment, scope.describe())
}

func (sc Scope) describe() string {
	parts := []string{"without a channel"}
	if sc.Channel != "" {
		parts[0] = "on channel " + sc.Channel
	}
	if sc.Arm != "" {
		parts = append(parts, "of arm "+sc.Arm)
	}
	if sc.Step != "" {
		parts = append(parts, "as step "+sc.Step+" of "+sc.Priority)
	}
	if sc.Arm == "" && sc.Step == "" {
		parts = append(parts, "of the whole segment")
	}
	return " " + strings.Join(parts, ", ")
}

var (
	versionRef  = regexp.MustCompile(`^v?(\d+)$`)
	snapshotRef = regexp.MustCompile(`^(?:snapshot:|#)(\d+)$`)
)

// Find resolves a reference to one of a segment's snapshots: "last",
// "last-export", a version ("v3" or "3": the last snapshot of that version),
// "snapshot:ID", or a date or time (the last snapshot taken by then; a date
// means its end, UTC).
func (s *Service) Find(ctx context.Context, segment, ref string) (Snapshot, error) {
	raw := strings.TrimSpace(ref)
	ref = strings.ToLower(raw)
	var cond string
	var args []any
	what := ref
	switch {
	case ref == "" || ref == "last":
		what = "any time"
	case ref == "last-export":
		cond, what = `kind = 'export'`, "an export"
	case versionRef.MatchString(ref):
		v, _ := strconv.Atoi(versionRef.FindStringSubmatch(ref)[1])
		cond, args, what = `version = ?`, []any{v}, "version "+strconv.Itoa(v)
	case snapshotRef.MatchString(ref):
		id, _ := strconv.ParseInt(snapshotRef.FindStringSubmatch(ref)[1], 10, 64)
		cond, args, what = `id = ?`, []any{id}, "snapshot "+strconv.FormatInt(id, 10)
	default:
		until, err := parseTime(raw)
		if err != nil {
			return Snapshot{}, fmt.Errorf("--since %q: use last, last-export, a version (v3), snapshot:ID, a date (2026-11-30) or a time (2026-11-30T09:00:00Z)", ref)
		}
		cond, args, what = `taken_at <= ?`, []any{until}, "on or before "+ref
	}
	snap, err := latest(ctx, s.ws.DB(), segment, cond, args)
	if errors.Is(err, ErrNoSnapshot) {
		return Snapshot{}, fmt.Errorf("%w of segment %s from %s: snapshots are taken by every export and by `segscope snapshot %s`", ErrNoSnapshot, segment, what, segment)
	}
	return snap, err
}

func parseTime(ref string) (time.Time, error) {
	if d, err := time.Parse("2006-01-02", ref); err == nil {
		return d.Add(24*time.Hour - time.Microsecond), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, ref); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not a time")
}
