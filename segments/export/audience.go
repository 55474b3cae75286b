package export

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/priority"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/segments/split"
)

// An export may be narrowed to part of its segment: one arm of the segment's
// split (Request.Arm), one step of a priority list (Request.Priority, with the
// step's segment as Request.Segment), and only the members not in the last
// export of the same audience (Request.OnlyNew). Each narrowing is one more
// predicate on the segment's rule, so the consent gate, the counts and the file
// see only the narrowed members. Every export records a snapshot of the whole
// segment's members, in the transaction that records the export.

// AudienceStamp records in the manifest how an export was narrowed, and the
// snapshot it recorded.
type AudienceStamp struct {
	// SegmentSQL is the segment's own compiled rule, before the narrowing.
	SegmentSQL string `json:"-"`
	Split      string `json:"split,omitempty"` // the arms, as --arms takes them
	Salt       string `json:"salt,omitempty"`
	Arm        string `json:"arm,omitempty"`
	Priority   string `json:"priority,omitempty"`
	Step       string `json:"step,omitempty"`
	// EarlierSteps are the steps whose members the step leaves out.
	EarlierSteps []string `json:"earlier_steps,omitempty"`
	// OnlyNewSince is the snapshot of the last export the members written were not in.
	OnlyNewSince *int64 `json:"only_new_since_snapshot,omitempty"`
	// Snapshot is the snapshot of the segment this export recorded.
	Snapshot int64 `json:"snapshot"`
	scope    snapshot.Scope
	narrowed bool
}

// narrow applies the request's narrowing to seg's rule and returns what the
// manifest records of it.
func (e *Exporter) narrow(ctx context.Context, seg *segments.Compiled, req Request, channel string) (*AudienceStamp, error) {
	a := &AudienceStamp{SegmentSQL: seg.Where, scope: snapshot.Scope{Channel: channel}}
	var preds []string
	if req.Arm != "" {
		sp, err := split.New(e.ws).Get(ctx, seg.Name)
		if err != nil {
			return nil, err
		}
		pred, err := sp.Predicate(seg.Key, req.Arm)
		if err != nil {
			return nil, err
		}
		preds = append(preds, pred)
		a.Split, a.Salt, a.Arm = sp.Spec(), sp.Salt, req.Arm
		a.scope.Split, a.scope.Arm = sp.Salt, req.Arm
	}
	if req.Priority != "" {
		step, err := priority.New(e.ws).Step(ctx, req.Priority, seg.Name)
		if err != nil {
			return nil, err
		}
		preds = append(preds, step.Where)
		a.Priority, a.Step, a.EarlierSteps = step.List, step.Segment, step.Before
		a.scope.Priority, a.scope.Step = step.List, step.Segment
	}
	if req.OnlyNew {
		last, err := snapshot.New(e.ws).LastExport(ctx, seg.Name, a.scope)
		if err != nil {
			return nil, err
		}
		cols, err := e.ws.Columns(ctx, seg.Table)
		if err != nil {
			return nil, err
		}
		keyType := ""
		for _, c := range cols {
			if c.Name == seg.Key {
				keyType = strings.ToUpper(c.Type)
			}
		}
		preds = append(preds, snapshot.OnlyNew(*seg, keyType, last))
		a.OnlyNewSince = &last.ID
	}
	if len(preds) > 0 {
		seg.Where = "(" + seg.Where + ") AND " + strings.Join(preds, " AND ")
		a.narrowed = true
	}
	return a, nil
}

// segmentWhere is the segment's own rule, as the manifest's segment stamp records it.
func (p *Preview) segmentWhere() string {
	if p.Audience != nil {
		return p.Audience.SegmentSQL
	}
	return p.seg.Where
}

// recordSnapshot records the segment's members inside the export's transaction,
// and notes the snapshot in the manifest and the audit entry's details. An export
// to the whole segment on a channel records its reach there.
func (e *Exporter) recordSnapshot(ctx context.Context, tx *sql.Tx, p *Preview, m *Manifest, details map[string]any) error {
	if p.Audience == nil {
		return errors.New("the export's audience was not worked out")
	}
	seg := p.seg
	seg.Where = p.Audience.SegmentSQL
	var reach map[string]int64
	if !p.Audience.narrowed && p.Channel != "" {
		reach = map[string]int64{p.Channel: m.Rows}
	}
	// The gate kept every member of a whole segment, with their states: the
	// snapshot reads them rather than evaluate the rule again.
	var members *snapshot.Members
	if !p.Audience.narrowed && p.kept != "" {
		members = &snapshot.Members{Table: p.kept, Key: "person"}
	}
	snap, err := snapshot.Record(ctx, e.ws, tx, seg, members, snapshot.KindExport, p.Audience.scope, reach)
	if err != nil {
		return fmt.Errorf("record the export's snapshot: %w", err)
	}
	p.Audience.Snapshot = snap.ID
	m.Audience = p.Audience
	details["snapshot"] = snap.ID
	if p.Audience.narrowed {
		details["audience"] = p.Audience
	}
	return nil
}
