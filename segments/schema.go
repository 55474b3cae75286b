// Package segments holds segment definitions: it compiles rules against a table's
// schema, stores named and versioned segments in the workspace, and evaluates them.
// Like query, it never imports the TUI.
package segments

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/rule"
)

// Schema reads a table as the rule language sees it: its columns, its key,
// the event tables of its people with their columns, and the as-of time that
// windows count back from. Every rule is compiled against it, so it reads the
// metadata once (events.ForAudience) and the columns from the workspace's cache.
func Schema(ctx context.Context, ws *query.Workspace, table string) (rule.Schema, error) {
	cols, err := ws.Columns(ctx, table)
	if err != nil {
		return rule.Schema{}, err
	}
	aud, err := events.ForAudience(ctx, ws, table)
	if err != nil {
		return rule.Schema{}, err
	}
	s := rule.Schema{Table: table, Columns: ruleColumns(cols), Key: aud.Key, AsOf: aud.AsOf}
	for _, e := range aud.Events {
		ecols, err := ws.Columns(ctx, e.Table)
		if errors.Is(err, query.ErrNoTable) {
			continue // dropped since: a rule naming it is told there is no such event table
		}
		if err != nil {
			return rule.Schema{}, err
		}
		s.Events = append(s.Events, rule.EventTable{Name: e.Table, Key: e.Key, Time: e.Time, Amount: e.Amount, Columns: ruleColumns(ecols)})
	}
	s.Exported = func(segment string, window *rule.Window) (string, error) {
		return exportedKeys(ctx, ws, segment, window)
	}
	return s, nil
}

// exportedKeys is the query of the keys, as text, of the people who were in
// segment when it was exported within window: the members of its export
// snapshots (segscope/segments/snapshot keeps a member as the run of
// snapshots it was in, first_id up to left_id). It is read when a rule
// uses exported(), so rules without it cost nothing.
func exportedKeys(ctx context.Context, ws *query.Workspace, segment string, window *rule.Window) (string, error) {
	var known bool
	if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) > 0 FROM segscope.segments WHERE name = ?`, segment).Scan(&known); err != nil {
		return "", fmt.Errorf("exported(%s): %w", segment, err)
	}
	if !known {
		return "", fmt.Errorf("there is no segment %s to have been exported", query.QuoteString(segment))
	}
	var recorded bool
	if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = 'snapshot_members'`).Scan(&recorded); err != nil {
		return "", fmt.Errorf("exported(%s): %w", segment, err)
	}
	if !recorded {
		return "SELECT CAST(NULL AS VARCHAR) AS k WHERE FALSE", nil
	}
	since := ""
	if window != nil {
		since = fmt.Sprintf(" AND s.taken_at > CAST(current_timestamp - INTERVAL %d %s AS TIMESTAMP)", window.Amount, strings.ToUpper(window.Unit))
	}
	return `SELECT coalesce(CAST(m.key_int AS VARCHAR), m.key_text) AS k FROM segscope.snapshots s
		JOIN segscope.snapshot_members m ON m.segment = s.segment AND m.first_id <= s.id AND (m.left_id IS NULL OR m.left_id > s.id)
		WHERE s.segment = ` + query.QuoteString(segment) + ` AND s.kind = 'export'` + since, nil
}

func ruleColumns(cols []query.Column) []rule.Column {
	out := make([]rule.Column, len(cols))
	for i, c := range cols {
		out[i] = rule.Column{Name: c.Name, Type: rule.TypeFromDuckDB(c.Type)}
	}
	return out
}

// Filter compiles a rule typed by a person into a WHERE predicate for table, with
// segment('name') resolved against the stored segments. The error is a *rule.Error
// (position, token, suggestion) when the rule itself is wrong.
func Filter(ctx context.Context, ws *query.Workspace, table, text string) (string, error) {
	s, err := Schema(ctx, ws, table)
	if err != nil {
		return "", err
	}
	where, err := rule.Compile(text, s, NewStore(ws).resolver(ctx, table))
	if err != nil {
		return "", fmt.Errorf("rule: %w", err)
	}
	return where, nil
}
