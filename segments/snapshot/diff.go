package snapshot

import (
	"context"
	"fmt"
	"math"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
)

// Diff is who entered a segment and who left it between two moments: a snapshot
// and now, or two snapshots.
type Diff struct {
	Segment string    `json:"segment"`
	From    Snapshot  `json:"from"`
	To      *Snapshot `json:"to,omitempty"` // nil: the segment as it is now
	Entered int64     `json:"entered"`
	Left    int64     `json:"left"`
	Stayed  int64     `json:"stayed"`
	// Keys, when asked for, are the keys that entered and left, in key order.
	EnteredKeys []string `json:"entered_keys,omitempty"`
	LeftKeys    []string `json:"left_keys,omitempty"`
}

// sides are the two key sets of a diff as SQL selecting k, and the kind both use.
func (s *Service) sides(ctx context.Context, segment string, from Snapshot, to *Snapshot) (old, cur string, err error) {
	kind := from.KeyKind
	if to != nil {
		if to.KeyColumn != from.KeyColumn {
			return "", "", fmt.Errorf("snapshot %d was taken on key column %s and snapshot %d on %s: their keys cannot be compared", from.ID, from.KeyColumn, to.ID, to.KeyColumn)
		}
		if to.KeyKind != kind {
			kind = "text"
		}
		return memberKeys(from, kind), memberKeys(*to, kind), nil
	}
	c, err := s.store.Compile(ctx, segment)
	if err != nil {
		return "", "", err
	}
	if c.Key != from.KeyColumn {
		return "", "", fmt.Errorf("snapshot %d was taken on key column %s, and table %s's key is now %s: their keys cannot be compared", from.ID, from.KeyColumn, c.Table, c.Key)
	}
	now, err := keyKind(ctx, s.ws, c.Table, c.Key)
	if err != nil {
		return "", "", err
	}
	if now != kind {
		kind = "text"
	}
	return memberKeys(from, kind), liveKeys(c, kind, nil), nil
}

// Diff compares a segment's snapshot from with to (nil: the segment now). With
// keys, it lists the keys that entered and left.
func (s *Service) Diff(ctx context.Context, segment string, from Snapshot, to *Snapshot, keys bool) (*Diff, error) {
	d, err := s.diff(ctx, segment, from, to, keys)
	if err != nil {
		return nil, fmt.Errorf("diff of %s: %w", segment, err)
	}
	return d, nil
}

func (s *Service) diff(ctx context.Context, segment string, from Snapshot, to *Snapshot, keys bool) (*Diff, error) {
	if from.Segment != segment || (to != nil && to.Segment != segment) {
		return nil, fmt.Errorf("the snapshots compared must be of segment %s", segment)
	}
	old, cur, err := s.sides(ctx, segment, from, to)
	if err != nil {
		return nil, err
	}
	d := &Diff{Segment: segment, From: from, To: to}
	join := `FROM (` + old + `) o FULL JOIN (` + cur + `) c ON o.k = c.k`
	if err := s.ws.DB().QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE o.k IS NULL), count(*) FILTER (WHERE c.k IS NULL),
		count(*) FILTER (WHERE o.k IS NOT NULL AND c.k IS NOT NULL) `+join).Scan(&d.Entered, &d.Left, &d.Stayed); err != nil {
		return nil, err
	}
	if !keys {
		return d, nil
	}
	rows, err := s.ws.DB().QueryContext(ctx, `SELECT CAST(coalesce(c.k, o.k) AS VARCHAR), o.k IS NULL `+join+`
		WHERE o.k IS NULL OR c.k IS NULL ORDER BY coalesce(c.k, o.k)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var entered bool
		if err := rows.Scan(&k, &entered); err != nil {
			return nil, err
		}
		if entered {
			d.EnteredKeys = append(d.EnteredKeys, k)
		} else {
			d.LeftKeys = append(d.LeftKeys, k)
		}
	}
	return d, rows.Err()
}

// OnlyNew is the predicate, over the segment's table, that keeps the members not
// in snapshot from: an export's --only-new. It holds only numbers and quoted
// names, so it can go where a compiled rule goes.
func OnlyNew(c segments.Compiled, keyType string, from Snapshot) string {
	kind := "text"
	if intTypes[keyType] && from.KeyKind == "int" {
		kind = "int"
	}
	k := query.QuoteIdent(c.Key)
	if kind == "text" {
		k = "CAST(" + k + " AS VARCHAR)"
	}
	return k + " NOT IN (" + memberKeys(from, kind) + ")"
}

// Point is one snapshot in a segment's trend.
type Point struct {
	Snapshot
	// Change is the size's change from the snapshot before, as a share of it
	// (nil for the first, or after an empty one).
	Change *float64 `json:"change,omitempty"`
	// Drift is set when the change is beyond the threshold asked for.
	Drift bool `json:"drift"`
}

// Trend is a segment's snapshots, oldest first, each with its change from the
// one before and whether that change exceeds drift (a share: 0.2 is 20%).
func (s *Service) Trend(ctx context.Context, segment string, drift float64) ([]Point, error) {
	if _, err := s.store.Get(ctx, segment); err != nil {
		return nil, err
	}
	list, err := s.List(ctx, segment)
	if err != nil {
		return nil, err
	}
	out := make([]Point, len(list))
	for i, snap := range list {
		out[i].Snapshot = snap
		if i > 0 && list[i-1].Size > 0 {
			c := float64(snap.Size-list[i-1].Size) / float64(list[i-1].Size)
			out[i].Change = &c
			out[i].Drift = Drifted(list[i-1].Size, snap.Size, drift)
		}
	}
	return out, nil
}

// Drifted reports whether a size moved from before to after by more than the
// share drift of before (a segment that appears from nothing always has).
func Drifted(before, after int64, drift float64) bool {
	if before == 0 {
		return after != 0
	}
	return math.Abs(float64(after-before))/float64(before) > drift
}
