// Package report assembles the audit report of a workspace: what each segment is
// (every version, with who, when and why), what it holds, whom it may contact, what
// was exported, and whether the audit log's hash chain is intact.
package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/suppress"
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
	// Masked is set when personal data was kept out of the report; Personal
	// lists the personal-data columns (table.column) of the segments' tables.
	Masked   bool     `json:"personal_data_masked"`
	Personal []string `json:"personal_data_columns,omitempty"`
	// Compliance is the policy, the suppression lists and what was done under them.
	Compliance Compliance `json:"compliance"`
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
	// Risk is the segment's risk flags, with their reasons, and score now.
	Risk *risk.Assessment `json:"risk,omitempty"`
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

// Options says how a report treats personal data.
type Options struct {
	// Reveal keeps personal data as it is: literals in rules, and composition by
	// personal-data columns. The caller records the reveal in the audit log.
	Reveal bool
	// Now stamps the report's generation time; time.Now when nil.
	Now func() time.Time
}

// Build gathers the report with personal data masked (see BuildWith).
func Build(ctx context.Context, ws *query.Workspace) (*Report, error) {
	return BuildWith(ctx, ws, Options{})
}

// BuildWith gathers the report. Each segment's figures are computed now; a
// segment that no longer compiles is reported with its problem rather than
// failing the whole report. Unless opts.Reveal, personal data stays out: emails,
// phone numbers and IP addresses written into rules, descriptions and reasons
// are masked (pii.Scrub), and no composition is given by a personal-data column.
func BuildWith(ctx context.Context, ws *query.Workspace, opts Options) (*Report, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	r := &Report{Workspace: ws.Path(), Generated: now().UTC(), Actor: ws.Actor(), Masked: !opts.Reveal}
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
		personal, err := ws.PersonalData(ctx, seg.Table)
		if err != nil {
			return nil, fmt.Errorf("report on segment %s: %w", seg.Name, err)
		}
		s, err := buildSegment(ctx, ws, store, consents, seg, personal, opts)
		if err != nil {
			return nil, fmt.Errorf("report on segment %s: %w", seg.Name, err)
		}
		if !opts.Reveal {
			s.scrub()
		}
		r.Segments = append(r.Segments, s)
		cols, err := ws.Columns(ctx, seg.Table)
		if err != nil {
			return nil, fmt.Errorf("report on segment %s: %w", seg.Name, err)
		}
		for _, c := range query.PersonalColumns(cols, personal) {
			if name := seg.Table + "." + c; !slices.Contains(r.Personal, name) {
				r.Personal = append(r.Personal, name)
			}
		}
	}
	scrub := pii.Scrub
	if opts.Reveal {
		scrub = func(s string) string { return s }
	}
	if r.Compliance, err = buildCompliance(ctx, ws, scrub); err != nil {
		return nil, fmt.Errorf("report on compliance: %w", err)
	}
	if !opts.Reveal {
		for i := range r.Activity {
			r.Activity[i].Subject = pii.Scrub(r.Activity[i].Subject)
		}
	}
	return r, nil
}

// scrub masks the personal data free text of a segment may carry.
func (s *Segment) scrub() {
	s.Rule, s.Description, s.Problem = pii.Scrub(s.Rule), pii.Scrub(s.Description), pii.Scrub(s.Problem)
	if s.Risk != nil {
		for i := range s.Risk.Flags {
			// A special category's reason quotes the rule's values.
			s.Risk.Flags[i].Reason = pii.Scrub(s.Risk.Flags[i].Reason)
		}
	}
	for i := range s.History {
		h := &s.History[i]
		h.Rule, h.Reason = pii.Scrub(h.Rule), pii.Scrub(h.Reason)
	}
}

func buildSegment(ctx context.Context, ws *query.Workspace, store *segments.Store, consents *consent.Service, seg segments.Segment,
	personal map[string]pii.Kind, opts Options) (Segment, error) {
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
		if !hasColumn(cols, name) || personal[name] != pii.None && !opts.Reveal {
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
	// Counted with the suppression lists, as an export would leave people out:
	// suppressed is a reason of its own beside the consent states.
	pop := consent.SegmentMembers(compiled)
	if pop.Suppressed, err = suppress.New(ws).Predicate(ctx, seg.Table); err != nil {
		return s, err
	}
	s.Consent, err = consents.Coverage(ctx, pop, nil)
	if errors.Is(err, consent.ErrNotConfigured) {
		s.Consent, err = nil, nil
	}
	if err != nil {
		return s, err
	}
	as, err := risk.New(ws, consents).Assess(ctx, seg.Name)
	if err != nil {
		return s, err
	}
	s.Risk = &as
	return s, nil
}

func hasColumn(cols []query.Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}
