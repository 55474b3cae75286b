// Package segments holds segment definitions: it compiles rules against a table's
// schema, stores named and versioned segments in the workspace, and evaluates them.
// Like query, it never imports the TUI.
package segments

import (
	"context"
	"errors"
	"fmt"

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
	return s, nil
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
