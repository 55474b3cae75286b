// Package report assembles the audit report of a workspace: what each segment is
// (every version, with who, when and why), what it holds, whom it may contact, what
// was exported, and whether the audit log's hash chain is intact.
package report

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
)

// Report is everything the rendered document shows.
type Report struct {
	Workspace string             `json:"workspace"`
	Generated time.Time          `json:"generated"`
	Actor     string             `json:"actor"`
	Chain     query.Verification `json:"audit_chain"`
	Tables    []query.TableInfo  `json:"tables"`
	Segments  []Segment          `json:"segments"`
	Exports   []query.AuditEntry `json:"exports"`
	Activity  []query.AuditEntry `json:"activity"`
}

// Segment is one segment's part of the report.
type Segment struct {
	segments.Segment
	Size     int64              `json:"size"`
	Base     int64              `json:"base"`
	Share    float64            `json:"share"`
	History  []segments.Version `json:"history"`
	Consent  *consent.Coverage  `json:"consent,omitempty"`
	Problem  string             `json:"problem,omitempty"` // why a figure is missing
	Composed []Composition      `json:"composition,omitempty"`
}

// Composition is the share of a segment's members per value of a column.
type Composition struct {
	Column string  `json:"column"`
	Values []Share `json:"values"`
}

// Share is one value's part of a segment.
type Share struct {
	Value string  `json:"value"`
	Count int64   `json:"count"`
	Share float64 `json:"share"`
}

// compositionColumns are described for each segment when its table has them: the
// columns an auditor asks about first (who, where, on what terms).
var compositionColumns = []string{"plan", "country", "product", "billing_cycle", "acquisition_channel"}

const recentActivity = 50

// Build gathers the report. Each segment's figures are computed now; a segment
// that no longer compiles is reported with its problem rather than failing the
// whole report.
func Build(ctx context.Context, ws *query.Workspace) (*Report, error) {
	r := &Report{Workspace: ws.Path(), Generated: time.Now().UTC(), Actor: ws.Actor()}
	var err error
	if r.Chain, err = ws.VerifyAudit(ctx); err != nil {
		return nil, err
	}
	if r.Tables, err = ws.Tables(ctx); err != nil {
		return nil, err
	}
	if r.Exports, err = ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionExport}); err != nil {
		return nil, err
	}
	if r.Activity, err = ws.AuditLog(ctx, query.AuditFilter{Limit: recentActivity}); err != nil {
		return nil, err
	}
	store := segments.NewStore(ws)
	list, err := store.List(ctx)
	if err != nil {
		return nil, err
	}
	consents := consent.New(ws)
	for _, seg := range list {
		s, err := buildSegment(ctx, ws, store, consents, seg)
		if err != nil {
			return nil, fmt.Errorf("report on segment %s: %w", seg.Name, err)
		}
		r.Segments = append(r.Segments, s)
	}
	return r, nil
}

func buildSegment(ctx context.Context, ws *query.Workspace, store *segments.Store, consents *consent.Service, seg segments.Segment) (Segment, error) {
	s := Segment{Segment: seg}
	var err error
	if s.History, err = store.History(ctx, seg.Name); err != nil {
		return s, err
	}
	compiled, err := store.Compile(ctx, seg.Name)
	if err != nil {
		s.Problem = err.Error()
		return s, nil
	}
	if s.Size, err = ws.Count(ctx, seg.Table, compiled.Where); err != nil {
		return s, err
	}
	if s.Base, err = ws.Count(ctx, seg.Table, ""); err != nil {
		return s, err
	}
	if s.Base > 0 {
		s.Share = float64(s.Size) / float64(s.Base)
	}
	cols, err := ws.Columns(ctx, seg.Table)
	if err != nil {
		return s, err
	}
	for _, name := range compositionColumns {
		if !hasColumn(cols, name) {
			continue
		}
		res, err := ws.Group(ctx, query.Grouping{Table: seg.Table, Where: compiled.Where, By: []string{name}, Limit: 8})
		if err != nil {
			return s, err
		}
		c := Composition{Column: name}
		for _, row := range res.Rows {
			count, _ := row[1].(int64)
			share, _ := row[2].(float64)
			c.Values = append(c.Values, Share{Value: query.FormatValue(row[0]), Count: count, Share: share})
		}
		s.Composed = append(s.Composed, c)
	}
	s.Consent, err = consents.Coverage(ctx, consent.SegmentMembers(compiled), nil)
	if errors.Is(err, consent.ErrNotConfigured) {
		s.Consent, err = nil, nil
	}
	return s, err
}

func hasColumn(cols []query.Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}
