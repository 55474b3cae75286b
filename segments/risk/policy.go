package risk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
)

// Policy is the workspace's compliance policy: when a flag is raised, and which
// segments need an acknowledgement before they are exported. It is kept as JSON,
// so that new settings never need a migration; a setting left out of a stored
// policy takes its default.
type Policy struct {
	// K is the smallest segment that is not a small cell: fewer members than K
	// (but some) could be told apart one by one.
	K int `json:"k"`
	// GateScore is the score from which an export needs an acknowledgement:
	// "high" (the default), "medium", "low" (every export) or "off" (only the
	// flags in Block gate).
	GateScore string `json:"gate_score"`
	// Block lists flags that gate an export on their own, whatever the score.
	Block []Code `json:"block,omitempty"`
	// MainChannel is the consent channel coverage is judged on; "" takes email
	// when the consent data knows it, else the first channel it knows.
	MainChannel string `json:"main_channel,omitempty"`
	// MinCoverage is the share of members contactable on the main channel below
	// which coverage is low.
	MinCoverage float64 `json:"min_coverage"`
	// StrictShare is the share of members in the EU/EEA, the UK or California
	// from which a segment has many members in strict jurisdictions.
	StrictShare float64 `json:"strict_share"`
}

// DefaultPolicy gates high-risk segments, with k = 10, coverage low under 50%
// and strict jurisdictions many from 50%.
func DefaultPolicy() Policy {
	return Policy{K: 10, GateScore: string(High), MinCoverage: 0.5, StrictShare: 0.5}
}

// gates reports whether an assessment's score alone needs an acknowledgement.
func (p Policy) gates(score Level) bool {
	if p.GateScore == "off" {
		return false
	}
	return score.atLeast(Level(p.GateScore))
}

// Validate checks a policy and puts its names in one form.
func (p *Policy) Validate() error {
	p.GateScore = strings.ToLower(strings.TrimSpace(p.GateScore))
	switch {
	case p.K < 1:
		return fmt.Errorf("k must be at least 1, not %d", p.K)
	case p.GateScore != "off" && !slices.Contains(Levels, Level(p.GateScore)):
		return fmt.Errorf("the gate score must be low, medium, high or off, not %q", p.GateScore)
	case p.MinCoverage < 0 || p.MinCoverage > 1:
		return fmt.Errorf("the minimum coverage is a share from 0 to 1, not %g", p.MinCoverage)
	case p.StrictShare < 0 || p.StrictShare > 1:
		return fmt.Errorf("the strict-jurisdiction share is from 0 to 1, not %g", p.StrictShare)
	}
	p.MainChannel = strings.ToLower(strings.TrimSpace(p.MainChannel))
	for i, c := range p.Block {
		c = Code(strings.ToLower(strings.TrimSpace(string(c))))
		if _, ok := severities[c]; !ok {
			return fmt.Errorf("unknown flag %q: the flags are %s", p.Block[i], strings.Join(codeNames(), ", "))
		}
		p.Block[i] = c
	}
	slices.Sort(p.Block)
	p.Block = slices.Compact(p.Block)
	return nil
}

const policyTable = `CREATE TABLE IF NOT EXISTS segscope.compliance_policy (
	policy VARCHAR, updated_at TIMESTAMP, actor VARCHAR)`

// PolicySubject is the audit log's subject for changes of the policy.
const PolicySubject = "compliance"

// Policy returns the workspace's policy, DefaultPolicy if none was ever set.
func (a *Assessor) Policy(ctx context.Context) (Policy, error) { return PolicyOf(ctx, a.ws) }

// PolicyOf returns a workspace's policy, DefaultPolicy if none was ever set.
func PolicyOf(ctx context.Context, ws *query.Workspace) (Policy, error) {
	p, _, err := storedPolicy(ctx, ws.DB())
	if err != nil {
		return Policy{}, fmt.Errorf("compliance policy: %w", err)
	}
	return p, nil
}

// SetPolicy validates and stores the policy; the change and its audit entry
// (the old and new policy, and why) commit together.
func (a *Assessor) SetPolicy(ctx context.Context, p Policy, reason string) (Policy, error) {
	if err := p.Validate(); err != nil {
		return Policy{}, fmt.Errorf("compliance policy: %w", err)
	}
	if strings.TrimSpace(reason) == "" {
		return Policy{}, errors.New("compliance policy: say why it changes (--reason): the change is audited")
	}
	text, err := json.Marshal(p)
	if err != nil {
		return Policy{}, fmt.Errorf("compliance policy: %w", err)
	}
	err = a.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, policyTable); err != nil {
			return err
		}
		previous, stored, err := storedPolicy(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.compliance_policy`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO segscope.compliance_policy VALUES (?, ?, ?)`,
			string(text), time.Now().UTC(), a.ws.Actor()); err != nil {
			return err
		}
		details := map[string]any{"policy": p, "reason": reason}
		if stored {
			details["previous"] = previous
		}
		_, err = a.ws.AppendAudit(ctx, tx, query.ActionPolicyChange, PolicySubject, details)
		return err
	})
	if err != nil {
		return Policy{}, fmt.Errorf("compliance policy: save: %w", err)
	}
	return p, nil
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// storedPolicy reads the policy, and whether one was stored.
func storedPolicy(ctx context.Context, q rowQuerier) (Policy, bool, error) {
	var exists bool
	if err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables()
		WHERE schema_name = 'segscope' AND table_name = 'compliance_policy' AND database_name = current_database()`).Scan(&exists); err != nil {
		return Policy{}, false, err
	}
	if !exists {
		return DefaultPolicy(), false, nil
	}
	var text string
	err := q.QueryRowContext(ctx, `SELECT policy FROM segscope.compliance_policy`).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultPolicy(), false, nil
	}
	if err != nil {
		return Policy{}, false, err
	}
	p := DefaultPolicy()
	if err := json.Unmarshal([]byte(text), &p); err != nil {
		return Policy{}, false, fmt.Errorf("the stored policy is damaged: %w", err)
	}
	return p, true, nil
}
