package query

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
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
		Actor:   w.Actor(),
		Action:  action,
		Subject: subject,
		Details: string(detailJSON),
	}
	// A head edited to NULL outside segscope must not stop every later change:
	// the new entry links to what is there and verification reports the NULL.
	var seq sql.NullInt64
	var prev sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM segscope.audit ORDER BY seq DESC NULLS LAST LIMIT 1`).Scan(&seq, &prev)
	if err != nil && err != sql.ErrNoRows {
		return AuditEntry{}, fmt.Errorf("audit %s %s: read chain head: %w", action, subject, err)
	}
	e.Seq, e.PrevHash = seq.Int64+1, prev.String
	e.Hash = e.computeHash()
	w.anchor.appended(e)
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
	q := `SELECT ` + auditColumns + ` FROM segscope.audit WHERE true`
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
	if ok, err := w.auditTableExists(ctx); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	} else if !ok {
		return nil, errAuditDropped
	}
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		r, err := scanAuditRow(rows)
		if err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		// A tampered row with NULLs is still listed; audit --verify says what is wrong with it.
		out = append(out, r.entry())
	}
	return out, rows.Err()
}

var errAuditDropped = errors.New("the audit log is gone: its table (segscope.audit) was dropped outside segscope; run segscope audit --verify")

// auditColumns is the order scanAuditRow reads.
const auditColumns = `seq, ts, actor, action, subject, details, prev_hash, hash`

// auditRow is an entry as stored, NULLs and all: a row edited outside segscope
// may hold anything, and reading it must not fail where verifying it should report.
type auditRow struct {
	seq                                             sql.NullInt64
	ts                                              sql.NullTime
	actor, action, subject, details, prevHash, hash sql.NullString
}

func scanAuditRow(rows *sql.Rows) (auditRow, error) {
	var r auditRow
	err := rows.Scan(&r.seq, &r.ts, &r.actor, &r.action, &r.subject, &r.details, &r.prevHash, &r.hash)
	return r, err
}

func (r auditRow) entry() AuditEntry {
	return AuditEntry{Seq: r.seq.Int64, Time: r.ts.Time, Actor: r.actor.String, Action: r.action.String, Subject: r.subject.String,
		Details: r.details.String, PrevHash: r.prevHash.String, Hash: r.hash.String}
}

// nullColumns names the columns of r that are NULL.
func (r auditRow) nullColumns() []string {
	var out []string
	for _, c := range []struct {
		name  string
		valid bool
	}{{"ts", r.ts.Valid}, {"actor", r.actor.Valid}, {"action", r.action.Valid}, {"subject", r.subject.Valid},
		{"details", r.details.Valid}, {"prev_hash", r.prevHash.Valid}, {"hash", r.hash.Valid}} {
		if !c.valid {
			out = append(out, c.name)
		}
	}
	return out
}

func (w *Workspace) auditTableExists(ctx context.Context) (bool, error) {
	var n int
	err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()
		AND schema_name = 'segscope' AND table_name = 'audit'`).Scan(&n)
	return n > 0, err
}
