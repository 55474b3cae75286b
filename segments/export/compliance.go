package export

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/risk"
)

// Every export, from the CLI or the console, passes here: the segment's risk is
// assessed, a gated segment needs an acknowledgement, and people on a
// suppression list are left out whatever their consent, counted under
// consent.Suppressed.

// ErrUnacknowledged is wrapped when the compliance policy gates a segment and the
// export gave no reason to go ahead.
var ErrUnacknowledged = errors.New("the compliance policy needs an acknowledgement")

// ActionAcknowledge is the audit action of an acknowledged risk, written in the
// transaction that records the export.
const ActionAcknowledge = "risk.acknowledge"

// RiskStamp is the segment's risk when it was exported, and the acknowledgement
// that let a gated segment through.
type RiskStamp struct {
	risk.Assessment
	Acknowledgement *Acknowledgement `json:"acknowledgement,omitempty"`
}

// Acknowledgement is who exported a gated segment, and why.
type Acknowledgement struct {
	Reason string `json:"reason"`
	Actor  string `json:"actor"`
}

// assess assesses the segment's risk; counted, if not nil, is its consent
// coverage counted already (see risk.Assessor.AssessWith).
func (e *Exporter) assess(ctx context.Context, p *Preview, counted *consent.Coverage) error {
	as, err := e.risk.AssessWith(ctx, p.seg.Name, counted)
	if err != nil {
		return err
	}
	p.Risk = &as
	return nil
}

// acknowledge checks the gate before anything is written, and returns what the
// manifest and the audit log record of the segment's risk.
func (p *Preview) acknowledge(reason, actor string) (*RiskStamp, error) {
	stamp := &RiskStamp{Assessment: *p.Risk}
	if reason != "" && strings.TrimSpace(reason) == "" {
		return nil, errors.New("the acknowledgement is blank: say why the export should go ahead")
	}
	if reason != "" {
		stamp.Acknowledgement = &Acknowledgement{Reason: strings.TrimSpace(reason), Actor: actor}
		return stamp, nil
	}
	if p.Risk.Gated {
		why := make([]string, len(p.Risk.Flags))
		for i, f := range p.Risk.Flags {
			why[i] = f.Reason
		}
		return nil, fmt.Errorf("%w: segment %s is %s risk (%s): acknowledge it with a reason to export it",
			ErrUnacknowledged, p.seg.Name, p.Risk.Score, strings.Join(why, "; "))
	}
	return stamp, nil
}

// auditAcknowledgement records an acknowledged risk, with the flags as they
// were, in the export's own transaction.
func (e *Exporter) auditAcknowledgement(ctx context.Context, tx *sql.Tx, m *Manifest) error {
	if m.Risk == nil || m.Risk.Acknowledgement == nil {
		return nil
	}
	_, err := e.ws.AppendAudit(ctx, tx, ActionAcknowledge, m.Segment.Name, map[string]any{
		"reason": m.Risk.Acknowledgement.Reason, "score": m.Risk.Score, "gated": m.Risk.Gated, "flags": m.Risk.Flags,
		"segment_version": m.Segment.Version, "file": m.File,
	})
	return err
}

// ungated works out an export with no consent gate: every member, less those on
// a suppression list, counted in the same pass.
func (e *Exporter) ungated(ctx context.Context, p *Preview, suppressed string) error {
	if suppressed == "" {
		var err error
		if p.Members, err = e.ws.Count(ctx, p.seg.Table, p.seg.Where); err != nil {
			return err
		}
		p.Included, p.where = p.Members, "("+p.seg.Where+")"
		return nil
	}
	var n int64
	err := e.ws.DB().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE `+suppressed+`) FROM main.`+
		query.QuoteIdent(p.seg.Table)+` WHERE (`+p.seg.Where+`)`).Scan(&p.Members, &n)
	if err != nil {
		return fmt.Errorf("count %s: %w", p.seg.Name, err)
	}
	p.Excluded[consent.Suppressed] = n
	p.Included, p.where = p.Members-n, "("+p.seg.Where+") AND NOT "+suppressed
	return nil
}
