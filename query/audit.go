package query

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Audit actions written by segscope.
const (
	ActionImport        = "import"
	ActionSegmentCreate = "segment.create"
	ActionSegmentUpdate = "segment.update"
	ActionSegmentDelete = "segment.delete"
	ActionPolicyChange  = "policy.change"
	ActionExport        = "export"
	ActionPIIReveal     = "pii.reveal"
)

// AuditEntry is one link of the hash chain.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	Time     time.Time `json:"time"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Subject  string    `json:"subject"`
	Details  string    `json:"details"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// auditTimeLayout fixes the time's text form at DuckDB's TIMESTAMP precision, so a
// hash computed before storing equals the one recomputed after reading back.
const auditTimeLayout = "2006-01-02T15:04:05.000000Z"

func (e AuditEntry) computeHash() string {
	h := sha256.New()
	for _, field := range []string{
		fmt.Sprint(e.Seq), e.Time.UTC().Format(auditTimeLayout), e.Actor, e.Action, e.Subject, e.Details, e.PrevHash,
	} {
		// A length prefix makes the encoding unambiguous: no two entries share bytes.
		fmt.Fprintf(h, "%d:%s;", len(field), field)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AppendAudit adds an entry to the chain inside tx, so that the entry commits with
// the change it records. Callers hold the workspace's write lock (WriteTx).
func (w *Workspace) AppendAudit(ctx context.Context, tx *sql.Tx, action, subject string, details any) (AuditEntry, error) {
	detailJSON, err := json.Marshal(details)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("audit %s %s: encode details: %w", action, subject, err)
	}
	e := AuditEntry{
		Time:    time.Now().UTC().Truncate(time.Microsecond),
		Actor:   w.actor,
		Action:  action,
		Subject: subject,
		Details: string(detailJSON),
	}
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM segscope.audit ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.PrevHash)
	switch {
	case err == sql.ErrNoRows:
		e.Seq, e.PrevHash = 0, ""
	case err != nil:
		return AuditEntry{}, fmt.Errorf("audit %s %s: read chain head: %w", action, subject, err)
	}
	e.Seq++
	e.Hash = e.computeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO segscope.audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.Time, e.Actor, e.Action, e.Subject, e.Details, e.PrevHash, e.Hash)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("audit %s %s: %w", action, subject, err)
	}
	return e, nil
}

// Audit records a change that has no other state to commit with it (a PII reveal).
func (w *Workspace) Audit(ctx context.Context, action, subject string, details any) error {
	return w.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := w.AppendAudit(ctx, tx, action, subject, details)
		return err
	})
}

// AuditFilter narrows AuditLog. Zero values match everything.
type AuditFilter struct {
	Action  string // exact action, or a prefix ending in "." ("segment.")
	Subject string
	Limit   int
}

// AuditLog returns entries, newest first.
func (w *Workspace) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := `SELECT seq, ts, actor, action, subject, details, prev_hash, hash FROM segscope.audit WHERE true`
	var args []any
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			q += ` AND starts_with(action, ?)`
		} else {
			q += ` AND action = ?`
		}
		args = append(args, f.Action)
	}
	if f.Subject != "" {
		q += ` AND subject = ?`
		args = append(args, f.Subject)
	}
	q += ` ORDER BY seq DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.Seq, &e.Time, &e.Actor, &e.Action, &e.Subject, &e.Details, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Verification is the result of recomputing the audit chain.
type Verification struct {
	Entries int64 `json:"entries"`
	// BrokenSeq is the first entry whose hash or link does not check out (0 when intact).
	BrokenSeq int64  `json:"broken_seq,omitempty"`
	Problem   string `json:"problem,omitempty"`
}

// OK reports whether the whole chain verified.
func (v Verification) OK() bool { return v.BrokenSeq == 0 }

// VerifyAudit recomputes every hash in order and reports the first broken link.
func (w *Workspace) VerifyAudit(ctx context.Context) (Verification, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT seq, ts, actor, action, subject, details, prev_hash, hash FROM segscope.audit ORDER BY seq`)
	if err != nil {
		return Verification{}, fmt.Errorf("verify audit log: %w", err)
	}
	defer rows.Close()
	var v Verification
	prev := ""
	expectSeq := int64(1)
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.Seq, &e.Time, &e.Actor, &e.Action, &e.Subject, &e.Details, &e.PrevHash, &e.Hash); err != nil {
			return Verification{}, fmt.Errorf("verify audit log: %w", err)
		}
		v.Entries++
		if v.BrokenSeq != 0 {
			continue
		}
		switch {
		case e.Seq != expectSeq:
			v.BrokenSeq, v.Problem = e.Seq, fmt.Sprintf("expected entry %d here: entries were removed or inserted", expectSeq)
		case e.PrevHash != prev:
			v.BrokenSeq, v.Problem = e.Seq, "its previous-hash does not match the entry before it"
		case e.computeHash() != e.Hash:
			v.BrokenSeq, v.Problem = e.Seq, "its contents do not match its hash: the entry was altered"
		}
		prev = e.Hash
		expectSeq = e.Seq + 1
	}
	return v, rows.Err()
}
