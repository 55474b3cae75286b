// Package segments holds segment definitions: it compiles rules against a table's
// schema, stores named and versioned segments in the workspace, and evaluates them.
// Like query, it never imports the TUI.
package segments

import (
	"context"
	"fmt"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/rule"
)

// Schema reads a table's columns as the rule language sees them.
func Schema(ctx context.Context, ws *query.Workspace, table string) (rule.Schema, error) {
	cols, err := ws.Columns(ctx, table)
	if err != nil {
		return rule.Schema{}, err
	}
	s := rule.Schema{Table: table, Columns: make([]rule.Column, len(cols))}
	for i, c := range cols {
		s.Columns[i] = rule.Column{Name: c.Name, Type: rule.TypeFromDuckDB(c.Type)}
	}
	return s, nil
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
