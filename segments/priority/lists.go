package priority

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Lists is every priority list, by name; with segment set, only the lists that
// have it as a step.
func (s *Service) Lists(ctx context.Context, segment string) ([]List, error) {
	out, err := s.lists(ctx, segment)
	if err != nil {
		return nil, fmt.Errorf("priority lists: %w", err)
	}
	return out, nil
}

func (s *Service) lists(ctx context.Context, segment string) ([]List, error) {
	var exists bool
	if err := s.ws.DB().QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = 'priority_lists' AND database_name = current_database()`).Scan(&exists); err != nil || !exists {
		return nil, err
	}
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT name, list FROM segscope.priority_lists ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []List
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			return nil, err
		}
		var l List
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			return nil, fmt.Errorf("the stored priority list %s is damaged: %w", name, err)
		}
		if segment == "" || slices.Contains(l.Segments, segment) {
			out = append(out, l)
		}
	}
	return out, rows.Err()
}
