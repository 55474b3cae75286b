// Package events keeps the workspace's registry of event tables: which tables
// hold events (orders, views, logins) of the people of which audience table,
// matched by which key and timed by which column; the audiences derived from
// events (one row per person who has any) and keeping them current when their
// events are imported again; and the as-of time that windows of event
// conditions ("in last 90 days") count back from.
//
// Rules see all of it through segments.Schema, which reads ForAudience.
// Like query and segments, it never imports the TUI.
package events

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
	"github.com/segscope/segscope/query/counts"
)

// Config declares that Table holds events of the people of Audience: the
// rows whose Key equals a person's key in Audience are that person's events.
type Config struct {
	Table string `json:"table"`
	Key   string `json:"key"`
	// Time is the event's time column (DATE or TIMESTAMP); "" when the events
	// have none, and then no window, first() or last() applies to them.
	Time     string `json:"time,omitempty"`
	Audience string `json:"audience"`
	// Amount is an arithmetic expression over the event table's number
	// columns (Quantity * UnitPrice), summed per person into the derived
	// audience's amount column.
	Amount string `json:"amount,omitempty"`
	// Derived is set when segscope made Audience from these events: it is
	// made again whenever Table is imported again.
	Derived bool `json:"derived,omitempty"`
}

// Stats is what the events held when they were last set up or imported.
type Stats struct {
	Rows    int64 `json:"rows"`    // rows of the event table
	Events  int64 `json:"events"`  // rows with a key: the events counted
	People  int64 `json:"people"`  // the audience's people with events
	Keyless int64 `json:"keyless"` // rows without a key, counted nowhere
	// NoTime counts events whose time is missing: they count in count() and
	// sums, never in a window, first() or last().
	NoTime int64 `json:"no_time"`
	// Outside counts events whose key is not a person of the audience (always
	// 0 for a derived audience).
	Outside int64      `json:"outside"`
	First   *time.Time `json:"first,omitempty"`
	Last    *time.Time `json:"last,omitempty"`
	Checked time.Time  `json:"checked"`
}

// Entry is one event table as registered, with what its events held when
// last checked.
type Entry struct {
	Config
	Stats   Stats     `json:"stats"`
	Updated time.Time `json:"updated"`
	Actor   string    `json:"actor"`
}

// Audit actions of this package.
const (
	ActionSetup   = "events.setup"
	ActionRemove  = "events.remove"
	ActionRefresh = "events.refresh"
	ActionAsOf    = "settings.as_of"
)

// ErrNotEventTable is wrapped by errors about a table that is not set up as
// an event table.
var ErrNotEventTable = errors.New("not an event table")

// The registry and the workspace's settings are made together by the first
// change to either, so that one look at the catalog says whether there is
// anything to read. Both hold JSON, so that a new field never needs a migration.
var storeTables = []string{
	`CREATE TABLE IF NOT EXISTS segscope.event_tables (
		table_name VARCHAR, config VARCHAR, stats VARCHAR, updated_at TIMESTAMP, actor VARCHAR)`,
	`CREATE TABLE IF NOT EXISTS segscope.settings (name VARCHAR, value VARCHAR, updated_at TIMESTAMP, actor VARCHAR)`,
}

func createStore(ctx context.Context, tx *sql.Tx) error {
	for _, stmt := range storeTables {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// storeExists reads whether the registry was ever made.
func storeExists(ctx context.Context, q querier) (bool, error) {
	var exists bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM duckdb_tables() WHERE schema_name = 'segscope'
		AND table_name = 'event_tables' AND database_name = current_database())`).Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("read the event tables: %w", err)
	}
	return exists, nil
}

// tableKey is the key the workspace records for table ("" for none).
func tableKey(ctx context.Context, q querier, table string) (string, error) {
	var key sql.NullString
	err := q.QueryRowContext(ctx, `SELECT key_column FROM segscope.tables WHERE table_name = ?`, table).Scan(&key)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read the key of %s: %w", table, err)
	}
	return key.String, nil
}

// entries reads the registry, every entry or those whose event table or
// audience is table.
func entries(ctx context.Context, q querier, table string) ([]Entry, error) {
	exists, err := storeExists(ctx, q)
	if err != nil || !exists {
		return nil, err
	}
	return readEntries(ctx, q, table)
}

func readEntries(ctx context.Context, q querier, table string) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT config, coalesce(stats, '{}'), updated_at, actor FROM segscope.event_tables ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("read the event tables: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var config, stats string
		var e Entry
		if err := rows.Scan(&config, &stats, &e.Updated, &e.Actor); err != nil {
			return nil, fmt.Errorf("read the event tables: %w", err)
		}
		if err := json.Unmarshal([]byte(config), &e.Config); err != nil {
			return nil, fmt.Errorf("the stored setup of an event table is damaged: %w", err)
		}
		if err := json.Unmarshal([]byte(stats), &e.Stats); err != nil {
			return nil, fmt.Errorf("the stored figures of event table %s are damaged: %w", e.Table, err)
		}
		if table == "" || e.Table == table || e.Audience == table {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}

// List returns every event table set up in the workspace, by name.
func List(ctx context.Context, ws *query.Workspace) ([]Entry, error) {
	return entries(ctx, ws.DB(), "")
}

// Get returns the setup of one event table; a table that has none is an
// error wrapping ErrNotEventTable.
func Get(ctx context.Context, ws *query.Workspace, table string) (Entry, error) {
	es, err := entries(ctx, ws.DB(), table)
	if err != nil {
		return Entry{}, err
	}
	for _, e := range es {
		if e.Table == table {
			return e, nil
		}
	}
	return Entry{}, notSetUp(table)
}

func notSetUp(table string) error {
	return fmt.Errorf("%s: %w (set one up with segscope events setup --table %s --key COLUMN --audience TABLE)", table, ErrNotEventTable, table)
}

// Audience is what rules on an audience table need to know of its events.
type Audience struct {
	Key    string // the audience's key column; "" when it has none
	Events []Entry
	AsOf   time.Time // zero: now
}

// ForAudience reads the audience table's key, the event tables of its
// people and the workspace's as-of time. It is on the path of every rule's
// compilation, so what it reads is kept until the tables or the registry
// change (query.Workspace.Memo): a compilation then reads no metadata.
func ForAudience(ctx context.Context, ws *query.Workspace, table string) (Audience, error) {
	v, err := ws.Memo("events.audience\x00"+table, func() (any, error) { return readAudience(ctx, ws.DB(), table) })
	if err != nil {
		return Audience{}, err
	}
	a := v.(Audience)
	a.Events = slices.Clone(a.Events)
	return a, nil
}

// readAudience reads what ForAudience keeps: with the registry made, in one
// statement after the look at the catalog.
func readAudience(ctx context.Context, q querier, table string) (Audience, error) {
	exists, err := storeExists(ctx, q)
	if err != nil {
		return Audience{}, err
	}
	if !exists {
		key, err := tableKey(ctx, q, table)
		return Audience{Key: key}, err
	}
	var a Audience
	rows, err := q.QueryContext(ctx, `
		SELECT 'key', key_column, '' FROM segscope.tables WHERE table_name = $1
		UNION ALL
		SELECT 'event', config, coalesce(stats, '{}') FROM segscope.event_tables
		WHERE json_extract_string(config, '$.audience') = $1
		UNION ALL
		SELECT 'as_of', value, '' FROM segscope.settings WHERE name = 'as_of'`, table)
	if err != nil {
		return Audience{}, fmt.Errorf("read the event tables of %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, stats string
		var value sql.NullString
		if err := rows.Scan(&kind, &value, &stats); err != nil {
			return Audience{}, fmt.Errorf("read the event tables of %s: %w", table, err)
		}
		switch kind {
		case "key":
			a.Key = value.String
		case "as_of":
			if a.AsOf, err = decodeAsOf(value.String); err != nil {
				return Audience{}, err
			}
		default:
			var e Entry
			if err := json.Unmarshal([]byte(value.String), &e.Config); err != nil {
				return Audience{}, fmt.Errorf("the stored setup of an event table of %s is damaged: %w", table, err)
			}
			if err := json.Unmarshal([]byte(stats), &e.Stats); err != nil {
				return Audience{}, fmt.Errorf("the stored figures of event table %s are damaged: %w", e.Table, err)
			}
			a.Events = append(a.Events, e)
		}
	}
	if err := rows.Err(); err != nil {
		return Audience{}, fmt.Errorf("read the event tables of %s: %w", table, err)
	}
	slices.SortFunc(a.Events, func(x, y Entry) int { return strings.Compare(x.Table, y.Table) })
	return a, nil
}

// Sentence says what an event table holds in plain words: "orders: 406,829
// events of 4,372 customers (135,080 rows without a CustomerID not counted)".
func (e Entry) Sentence() string {
	s := e.Stats
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s of %s %s", e.Table, counts.Of(s.Events, "event", "events"), counts.Format(s.People), e.Audience)
	var notes []string
	if s.Keyless > 0 {
		notes = append(notes, fmt.Sprintf("%s without a %s not counted", counts.Of(s.Keyless, "row", "rows"), e.Key))
	}
	if s.NoTime > 0 {
		notes = append(notes, fmt.Sprintf("%s with no %s, left out of windows, first and last", counts.Of(s.NoTime, "event", "events"), e.Time))
	}
	if s.Outside > 0 {
		notes = append(notes, fmt.Sprintf("%s of people not in %s", counts.Of(s.Outside, "event", "events"), e.Audience))
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, "; ") + ")")
	}
	return b.String()
}
