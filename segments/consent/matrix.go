package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Matrix is every segment against every channel: the console's Consent screen.
type Matrix struct {
	Channels []string    `json:"channels"`
	AsOf     time.Time   `json:"as_of"`
	Rows     []MatrixRow `json:"rows"`
	// Audiences is which tables have a consent setup, which have none, and which
	// hold consent events, whether or not a segment is defined on them.
	Audiences Audiences `json:"audiences"`
}

// MatrixRow is one segment's reach on each channel.
type MatrixRow struct {
	Segment string `json:"segment"`
	Table   string `json:"table"`
	Members int64  `json:"members"`
	// Cells line up with Matrix.Channels.
	Cells []Cell `json:"cells"`
	// Problem says why the row has no figures (no consent set up, a rule that no
	// longer compiles); the other rows are still answered.
	Problem string `json:"problem,omitempty"`
	// NotSetUp is true when the segment's table has no confirmed consent setup.
	NotSetUp bool `json:"no_consent_setup,omitempty"`
}

// Cell is a segment's reach on one channel.
type Cell struct {
	// Available is false when the segment's table has no consent data for the channel.
	Available   bool    `json:"available"`
	Contactable int64   `json:"contactable"`
	Share       float64 `json:"share"`
}

// Matrix counts, for every live segment and every channel, how many members are
// contactable. Segments of one table are answered together in one pass over it.
func (s *Service) Matrix(ctx context.Context) (*Matrix, error) {
	list, err := s.segments.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("consent matrix: %w", err)
	}
	aud, err := s.Audiences(ctx)
	if err != nil {
		return nil, fmt.Errorf("consent matrix: %w", err)
	}
	m := &Matrix{AsOf: s.Now().UTC(), Audiences: aud}
	rows := make([]MatrixRow, len(list))
	byTable := map[string][]int{}
	for i, seg := range list {
		rows[i] = MatrixRow{Segment: seg.Name, Table: seg.Table}
		byTable[seg.Table] = append(byTable[seg.Table], i)
	}
	cells := make([]map[string]Cell, len(list))
	for table, idx := range byTable {
		if of := aud.Events[table]; of != "" {
			for _, i := range idx {
				rows[i].Problem = fmt.Sprintf("%s holds the consent events of %s: its rows are consent records, not an audience", table, of)
			}
			continue
		}
		p, err := s.plan(ctx, table)
		var channels []string
		if err == nil {
			channels, err = s.knownChannels(ctx, p)
		}
		if err != nil {
			for _, i := range idx {
				rows[i].Problem, rows[i].NotSetUp = err.Error(), errors.Is(err, ErrNotConfigured)
			}
			continue
		}
		var flagged []int
		var flags []string
		for _, i := range idx {
			c, err := s.segments.Compile(ctx, rows[i].Segment)
			if err != nil {
				rows[i].Problem = err.Error()
				continue
			}
			flagged = append(flagged, i)
			flags = append(flags, c.Where)
		}
		if len(flags) == 0 || len(channels) == 0 {
			continue
		}
		byChannel, err := s.matrixCounts(ctx, p, channels, flags, m.AsOf)
		if err != nil {
			return nil, fmt.Errorf("consent matrix of %s: %w", table, err)
		}
		for _, c := range channels {
			if !slices.Contains(m.Channels, c) {
				m.Channels = append(m.Channels, c)
			}
		}
		for f, i := range flagged {
			cells[i] = map[string]Cell{}
			for _, c := range channels {
				// A channel no member of any flagged segment has a row for counts zero.
				counts := byChannel[c]
				var members, contactable int64
				if counts != nil {
					members, contactable = counts[2*f], counts[2*f+1]
				}
				rows[i].Members = members
				cells[i][c] = Cell{Available: true, Contactable: contactable, Share: share(contactable, members)}
			}
		}
	}
	slices.Sort(m.Channels)
	for i := range rows {
		rows[i].Cells = make([]Cell, len(m.Channels))
		for ci, c := range m.Channels {
			rows[i].Cells[ci] = cells[i][c]
		}
	}
	m.Rows = rows
	return m, nil
}

// matrixCounts answers many segments of one table at once: each segment's
// predicate becomes a flag column, and the count per flag is a FILTER aggregate.
// It returns, per channel, members and contactable for flag 0, then flag 1, ...
func (s *Service) matrixCounts(ctx context.Context, p *plan, channels, flags []string, now time.Time) (map[string][]int64, error) {
	either := make([]string, len(flags))
	var aggs []string
	for i, f := range flags {
		either[i] = "(" + f + ")"
		flag := "s" + strconv.Itoa(i)
		aggs = append(aggs, "count(*) FILTER (WHERE "+flag+")",
			"count(*) FILTER (WHERE "+flag+" AND state = '"+string(Granted)+"')")
	}
	where := strings.Join(either, " OR ")
	narrow, err := s.narrow(ctx, p.Table, where)
	if err != nil {
		return nil, err
	}
	// A do-not-sell flag keeps people out of ads channels here as in coverage.
	ads, err := s.adsRules(ctx, p, WholeTable(p.Table), channels)
	if err != nil {
		return nil, err
	}
	states := p.statesSQL(statesSpec{where: where, channels: channels, now: now, flags: flags, narrow: narrow, ads: ads})
	rows, err := s.ws.DB().QueryContext(ctx, "SELECT channel, "+strings.Join(aggs, ", ")+" FROM ("+states+") GROUP BY channel")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var channel string
		vals := make([]int64, len(aggs))
		dest := []any{&channel}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out[channel] = vals
	}
	return out, rows.Err()
}
