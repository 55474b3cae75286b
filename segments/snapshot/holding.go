package snapshot

import (
	"context"
	"fmt"

	"github.com/segscope/segscope/query"
)

// Holding lists, oldest first, the snapshots of a kind (KindExport, say; ""
// for any) of segments on table that had as a member a row selected by where,
// a trusted predicate over the table: for a data-subject request, the exports
// a person was in. A row is found by its key as the table keys it now; a
// snapshot taken while another column was the key is not matched.
func (s *Service) Holding(ctx context.Context, table, where, kind string) ([]Snapshot, error) {
	out, err := s.holding(ctx, table, where, kind)
	if err != nil {
		return nil, fmt.Errorf("snapshots holding the rows of %s: %w", table, err)
	}
	return out, nil
}

func (s *Service) holding(ctx context.Context, table, where, kind string) ([]Snapshot, error) {
	db := s.ws.DB()
	if ok, err := hasTables(ctx, db); err != nil || !ok {
		return nil, err
	}
	info, err := s.ws.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	if info.Key == "" {
		return nil, nil
	}
	key := query.QuoteIdent(info.Key)
	rows := "FROM main." + query.QuoteIdent(table) + " WHERE (" + where + ") AND " + key + " IS NOT NULL"
	// The snapshot holds a key while it is in [first_id, left_id): see memberKeys.
	found, err := db.QueryContext(ctx, `SELECT `+snapshotColumns+` FROM segscope.snapshots s
		WHERE s.table_name = ? AND s.key_column = ? AND (? = '' OR s.kind = ?) AND EXISTS (
			SELECT 1 FROM segscope.snapshot_members sm
			WHERE sm.segment = s.segment AND sm.first_id <= s.id AND (sm.left_id IS NULL OR sm.left_id > s.id)
			AND CASE WHEN s.key_kind = 'int' THEN sm.key_int IN (SELECT TRY_CAST(`+key+` AS BIGINT) `+rows+`)
				ELSE sm.key_text IN (SELECT CAST(`+key+` AS VARCHAR) `+rows+`) END)
		ORDER BY s.id`, table, info.Key, kind, kind)
	if err != nil {
		return nil, err
	}
	defer found.Close()
	var out []Snapshot
	for found.Next() {
		snap, err := scan(found)
		if err != nil {
			return nil, err
		}
		out = append(out, snap)
	}
	return out, found.Err()
}
