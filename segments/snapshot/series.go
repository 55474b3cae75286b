package snapshot

import (
	"context"
	"fmt"
)

// Series is every segment's snapshots, oldest first, keyed by segment: its size
// and reach over time, for the console's sparklines and trend charts. It is one
// query however many segments there are; a workspace with no snapshot yet
// gives an empty map.
func (s *Service) Series(ctx context.Context) (map[string][]Snapshot, error) {
	out, err := series(ctx, s.ws.DB())
	if err != nil {
		return nil, fmt.Errorf("snapshots of the segments: %w", err)
	}
	return out, nil
}

func series(ctx context.Context, q querier) (map[string][]Snapshot, error) {
	out := map[string][]Snapshot{}
	if ok, err := hasTables(ctx, q); err != nil || !ok {
		return out, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+snapshotColumns+` FROM segscope.snapshots ORDER BY segment, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		snap, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out[snap.Segment] = append(out[snap.Segment], snap)
	}
	return out, rows.Err()
}

// Sizes is the members of each snapshot of a series, oldest first.
func Sizes(series []Snapshot) []int64 {
	out := make([]int64, len(series))
	for i, s := range series {
		out[i] = s.Size
	}
	return out
}
