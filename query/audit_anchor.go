package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/segscope/segscope/query/anchor"
	"github.com/segscope/segscope/query/counts"
)

// auditAnchor is the workspace's link to the checkpoints that anchor its audit
// chain outside the database.
type auditAnchor struct {
	mu      sync.Mutex
	key     *anchor.Key
	pending *AuditEntry // the newest entry appended in the open WriteTx
	latest  *anchor.Checkpoint
	wrote   bool   // this process has written a checkpoint
	problem string // why the newest entries are not anchored, in words
}

// appended remembers the entry so that WriteTx can anchor it once committed.
func (a *auditAnchor) appended(e AuditEntry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pending = &e
}

// discard forgets an entry whose transaction did not commit.
func (a *auditAnchor) discard() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pending = nil
}

// anchorCommitted signs a checkpoint for the newest entry the transaction just
// committed and writes it beside the workspace and beside the key. It runs after
// Commit so that a checkpoint never vouches for an entry that was rolled back; a
// crash in between leaves the log ahead of its checkpoint, which verification
// accepts. A failure here cannot undo the committed change, so it is kept and
// reported by VerifyAudit rather than returned.
func (w *Workspace) anchorCommitted(ctx context.Context) {
	a := &w.anchor
	a.mu.Lock()
	defer a.mu.Unlock()
	e := a.pending
	a.pending = nil
	if e == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	key, err := w.auditKey(true)
	if err != nil {
		a.problem = fmt.Sprintf("entry %d and later are not anchored: %v", e.Seq, err)
		return
	}
	prev := a.latest
	if prev == nil && !w.freshAnchor() {
		prev = w.newestCheckpointOnDisk(key)
	}
	if prev != nil {
		// Signing a head that does not extend the last checkpoint would bless
		// whatever was cut or rewritten since: keep the old checkpoint, so that
		// verification goes on showing the break.
		var h sql.NullString
		err := w.db.QueryRowContext(ctx, `SELECT hash FROM segscope.audit WHERE seq = ?`, prev.Seq).Scan(&h)
		if err != nil || !h.Valid || h.String != prev.Hash || e.Seq <= prev.Seq {
			a.problem = fmt.Sprintf("entry %d no longer matches the checkpoint (%s), so no newer checkpoint was signed", prev.Seq, prev.Describe())
			return
		}
	}
	cp, err := key.Sign(e.Seq, e.Hash, time.Now())
	if err != nil {
		a.problem = fmt.Sprintf("entry %d and later are not anchored: %v", e.Seq, err)
		return
	}
	a.latest, a.wrote, a.problem = cp, true, ""
	if w.path == Memory {
		return
	}
	for _, path := range []string{anchor.Sidecar(w.path), anchor.LocalCopy(key.Dir, w.path)} {
		if err := anchor.Write(path, cp); err != nil {
			a.problem = fmt.Sprintf("entry %d is anchored in memory only: %v", e.Seq, err)
		}
	}
}

// auditKey is the key for this workspace's checkpoints: the user's key from the
// config directory, or a key of this process for an in-memory workspace. Only a
// signer creates the key; verifying never does.
func (w *Workspace) auditKey(create bool) (*anchor.Key, error) {
	a := &w.anchor
	if a.key != nil && (a.key.CanSign() || !create) {
		return a.key, nil
	}
	if w.path == Memory {
		if !create {
			return nil, fs.ErrNotExist
		}
		k, err := anchor.Ephemeral()
		if err == nil {
			a.key = k
		}
		return k, err
	}
	dir, err := anchor.DefaultDir()
	if err != nil {
		return nil, err
	}
	var k *anchor.Key
	if create {
		k, err = anchor.LoadOrCreate(dir)
	} else {
		k, err = anchor.Load(dir)
	}
	if err == nil {
		a.key = k
	}
	return k, err
}

// freshAnchor is true while a workspace this process created has no checkpoint
// of its own: checkpoint files at its path belong to a workspace that was there
// before, whose log went with its file.
func (w *Workspace) freshAnchor() bool { return w.created && !w.anchor.wrote }

// newestCheckpointOnDisk is the valid checkpoint with the highest sequence among
// the sidecar and the key directory's copy, or nil.
func (w *Workspace) newestCheckpointOnDisk(key *anchor.Key) *anchor.Checkpoint {
	var best *anchor.Checkpoint
	for _, src := range w.checkpointFiles(key) {
		data, err := anchor.Read(src.path)
		if err != nil {
			continue
		}
		if cp, err := key.Open(data); err == nil && (best == nil || cp.Seq > best.Seq) {
			best = cp
		}
	}
	return best
}

type checkpointFile struct{ name, path string }

func (w *Workspace) checkpointFiles(key *anchor.Key) []checkpointFile {
	if w.path == Memory {
		return nil
	}
	files := []checkpointFile{{"the checkpoint beside the workspace (" + anchor.Sidecar(w.path) + ")", anchor.Sidecar(w.path)}}
	if key != nil && key.Dir != "" {
		files = append(files, checkpointFile{"the checkpoint kept with the audit key", anchor.LocalCopy(key.Dir, w.path)})
	}
	return files
}

// AnchorSource is a checkpoint to hold the log to, found somewhere other than
// beside the workspace: an export manifest's, say.
type AnchorSource struct {
	Name   string // where it came from, for the findings
	Signed string // the signed note
}

// CheckpointCheck is one checkpoint and what verifying the log against it found.
type CheckpointCheck struct {
	Source     string             `json:"source"`
	Checkpoint *anchor.Checkpoint `json:"checkpoint,omitempty"` // nil when unreadable or not validly signed
	Finding    string             `json:"finding,omitempty"`
}

// Verification is the result of checking the audit log: its hash chain, and the
// chain against every checkpoint that vouches for it.
type Verification struct {
	Entries int64 `json:"entries"`
	// BrokenSeq is the first entry found altered or missing (0 when intact).
	BrokenSeq int64 `json:"broken_seq,omitempty"`
	// Problem is the first finding; Findings has them all.
	Problem  string   `json:"problem,omitempty"`
	Findings []string `json:"findings,omitempty"`
	// Anchored is the newest entry a valid checkpoint vouches for, and
	// Checkpoint that checkpoint.
	Anchored    int64              `json:"anchored"`
	Checkpoint  *anchor.Checkpoint `json:"checkpoint,omitempty"`
	Checkpoints []CheckpointCheck  `json:"checkpoints,omitempty"`
	// Note says what verification could not vouch for without it being a
	// finding: entries newer than the last checkpoint, or no checkpoint yet.
	Note string `json:"note,omitempty"`
}

// OK reports whether the log verified with no finding.
func (v Verification) OK() bool { return v.Problem == "" }

// Summary is the verdict in one line: "intact: 26 entries verified, anchored up
// to entry 26" or "broken at entry 20: entries 20–26 are gone: …".
func (v Verification) Summary() string {
	switch {
	case v.OK() && v.Anchored > 0:
		return fmt.Sprintf("intact: %s verified, anchored by a signed checkpoint up to entry %d", counts.Of(v.Entries, "entry", "entries"), v.Anchored)
	case v.OK():
		return fmt.Sprintf("intact: %s verified", counts.Of(v.Entries, "entry", "entries"))
	case v.BrokenSeq > 0:
		return fmt.Sprintf("broken at entry %d: %s", v.BrokenSeq, v.Problem)
	}
	return "not verified: " + v.Problem
}

const maxFindings = 20

func (v *Verification) find(seq int64, format string, args ...any) {
	if v.Problem == "" {
		v.Problem = fmt.Sprintf(format, args...)
	}
	if seq > 0 && (v.BrokenSeq == 0 || seq < v.BrokenSeq) {
		v.BrokenSeq = seq
	}
	if len(v.Findings) < maxFindings {
		v.Findings = append(v.Findings, fmt.Sprintf(format, args...))
	} else if len(v.Findings) == maxFindings {
		v.Findings = append(v.Findings, "and more: only the first findings are listed")
	}
}

// gone names a run of missing entries.
func gone(from, to int64) string {
	if from == to {
		return span(from, to) + " is gone"
	}
	return span(from, to) + " are gone"
}

func span(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry %d", from)
	}
	return fmt.Sprintf("entries %d–%d", from, to)
}

// VerifyAudit recomputes the hash chain and holds it to every checkpoint: the
// one beside the workspace, the copy kept with the key, and any given (an export
// manifest's). It names what is altered or missing; a log that cannot be read
// (dropped, NULLs) is a finding, not an error. Errors are for a database that
// cannot answer at all.
func (w *Workspace) VerifyAudit(ctx context.Context, extra ...AnchorSource) (Verification, error) {
	var v Verification
	hashes := map[int64]sql.NullString{}
	var last int64
	exists, err := w.auditTableExists(ctx)
	if err != nil {
		return v, fmt.Errorf("verify audit log: %w", err)
	}
	if exists {
		if last, err = w.verifyChain(ctx, &v, hashes); err != nil {
			return v, err
		}
	} else {
		v.find(1, "the audit log is gone: its table (segscope.audit) was dropped")
	}
	w.verifyCheckpoints(&v, hashes, last, exists, extra)
	return v, nil
}

// verifyChain checks each entry's number, link and hash, recording in hashes
// what each sequence number holds; it returns the highest sequence number.
func (w *Workspace) verifyChain(ctx context.Context, v *Verification, hashes map[int64]sql.NullString) (int64, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT `+auditColumns+` FROM segscope.audit ORDER BY seq NULLS LAST`)
	if err != nil {
		return 0, fmt.Errorf("verify audit log: %w", err)
	}
	defer rows.Close()
	expect, prev, linked := int64(1), "", true
	for rows.Next() {
		r, err := scanAuditRow(rows)
		if err != nil {
			v.find(0, "the audit log's table was altered and cannot be read (%v)", err)
			return expect - 1, nil
		}
		v.Entries++
		if !r.seq.Valid {
			v.find(0, "an entry has no sequence number (NULL): it was altered")
			continue
		}
		seq := r.seq.Int64
		if seq < expect {
			v.find(seq, "entry %d appears more than once or out of order: entries were inserted", seq)
			continue
		}
		if seq > expect {
			v.find(expect, "%s (the log goes from entry %d to entry %d)", gone(expect, seq-1), expect-1, seq)
			linked = false
		}
		hashes[seq] = r.hash
		e := r.entry()
		switch nulls := r.nullColumns(); {
		case !r.hash.Valid:
			v.find(seq, "entry %d has no hash (NULL): it was altered", seq)
		case len(nulls) > 0:
			v.find(seq, "entry %d has no %s (NULL): it was altered", seq, strings.Join(nulls, ", "))
		case linked && e.PrevHash != prev:
			v.find(seq, "entry %d does not link to entry %d (its previous-hash differs): entries were rewritten or replaced", seq, seq-1)
		case e.computeHash() != e.Hash:
			v.find(seq, "entry %d was altered: its contents do not match its hash", seq)
		}
		prev, expect, linked = e.Hash, seq+1, true
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("verify audit log: %w", err)
	}
	return expect - 1, nil
}

// verifyCheckpoints holds the log (hashes, up to entry last) to each checkpoint.
func (w *Workspace) verifyCheckpoints(v *Verification, hashes map[int64]sql.NullString, last int64, exists bool, extra []AnchorSource) {
	a := &w.anchor
	a.mu.Lock()
	defer a.mu.Unlock()
	key, keyErr := w.auditKey(false)
	type source struct {
		name   string
		signed []byte
	}
	var sources []source
	if w.path == Memory {
		if a.latest != nil {
			sources = append(sources, source{"this session's checkpoint", []byte(a.latest.Signed)})
		}
	} else if w.freshAnchor() {
		v.Note = "a new workspace: checkpoint files at its path belong to the workspace that was there before"
	} else {
		files := w.checkpointFiles(key)
		for i, f := range files {
			data, err := anchor.Read(f.path)
			switch {
			case err == nil:
				sources = append(sources, source{f.name, data})
			case errors.Is(err, fs.ErrNotExist):
				// The copy with the key proves a sidecar existed; the other way
				// round is a workspace brought from another machine.
				if i == 0 && len(files) > 1 {
					if _, err := anchor.Read(files[1].path); err == nil {
						v.find(0, "%s is missing: it was removed", f.name)
					}
				}
			default:
				v.find(0, "%s cannot be read: %v", f.name, err)
			}
		}
	}
	for _, s := range extra {
		sources = append(sources, source{s.Name, []byte(s.Signed)})
	}
	seen := map[string]int{}
	for _, s := range sources {
		if i, ok := seen[string(s.signed)]; ok {
			v.Checkpoints[i].Source += "; " + s.name
			continue
		}
		seen[string(s.signed)] = len(v.Checkpoints)
		check := CheckpointCheck{Source: s.name}
		if key == nil {
			if errors.Is(keyErr, fs.ErrNotExist) {
				check.Finding = fmt.Sprintf("%s cannot be checked: there is no audit key on this machine (copy audit-key.pub into %s to verify here)", s.name, keyDirWords())
			} else {
				check.Finding = fmt.Sprintf("%s cannot be checked: %v", s.name, keyErr)
			}
		} else if cp, err := key.Open(s.signed); err != nil {
			check.Finding = fmt.Sprintf("%s is not a valid checkpoint: %v", s.name, err)
		} else {
			check.Checkpoint = cp
			check.Finding = holdTo(cp, s.name, hashes, last, exists)
		}
		v.Checkpoints = append(v.Checkpoints, check)
		if check.Finding != "" {
			seq := int64(0)
			if cp := check.Checkpoint; cp != nil {
				seq = min(last+1, cp.Seq)
				if !exists {
					seq = 1
				}
			}
			v.find(seq, "%s", check.Finding)
		} else if check.Checkpoint.Seq > v.Anchored {
			v.Anchored, v.Checkpoint = check.Checkpoint.Seq, check.Checkpoint
		}
	}
	switch {
	case v.Note != "":
	case v.Anchored < last && a.problem != "":
		v.Note = fmt.Sprintf("entries %d–%d are checked by the hash chain alone: %s", v.Anchored+1, last, a.problem)
	case v.Anchored == 0 && last > 0 && len(v.Checkpoints) == 0:
		v.Note = "no checkpoint yet: the log is checked by its hash chain alone until the next change writes one"
	case v.Anchored < last && v.Anchored > 0:
		v.Note = fmt.Sprintf("entries %d–%d are newer than the last checkpoint and checked by the hash chain alone (a crash between a change and its checkpoint leaves this)", v.Anchored+1, last)
	}
}

// holdTo says what is wrong with the log against one valid checkpoint, or "".
func holdTo(cp *anchor.Checkpoint, name string, hashes map[int64]sql.NullString, last int64, exists bool) string {
	switch h, ok := hashes[cp.Seq]; {
	case !exists:
		return fmt.Sprintf("%s, vouched for by %s (%s), went with the table", span(1, cp.Seq), name, cp.Describe())
	case cp.Seq > last:
		return fmt.Sprintf("%s: the log ends at entry %d, but %s vouches for entry %d (%s)", gone(last+1, cp.Seq), last, name, cp.Seq, cp.Describe())
	case !ok:
		return fmt.Sprintf("entry %d, vouched for by %s (%s), is gone", cp.Seq, name, cp.Describe())
	case !h.Valid:
		return fmt.Sprintf("entry %d, vouched for by %s (%s), has no hash (NULL)", cp.Seq, name, cp.Describe())
	case h.String != cp.Hash:
		return fmt.Sprintf("entry %d does not match %s (%s): the log up to entry %d was rewritten and its hashes recomputed", cp.Seq, name, cp.Describe(), cp.Seq)
	}
	return ""
}

func keyDirWords() string {
	if dir, err := anchor.DefaultDir(); err == nil {
		return dir
	}
	return "the segscope config directory"
}

// AuditCheckpoint signs a checkpoint for e, an entry appended in the open
// transaction, so that a file written with that transaction (an export's
// manifest) carries proof that the log holds it. It is not written anywhere:
// WriteTx anchors the committed log itself.
func (w *Workspace) AuditCheckpoint(e AuditEntry) (*anchor.Checkpoint, error) {
	w.anchor.mu.Lock()
	defer w.anchor.mu.Unlock()
	key, err := w.auditKey(true)
	if err != nil {
		return nil, fmt.Errorf("sign the audit checkpoint: %w", err)
	}
	return key.Sign(e.Seq, e.Hash, time.Now())
}

// ReanchorMemoryAudit signs a checkpoint for an in-memory workspace's log as it
// stands, for fixtures that rewrite their log (fixed times and paths for golden
// files). Only this process can reach an in-memory database, so nobody else can
// have changed the log. A workspace file refuses: re-signing a log rewritten
// behind segscope's back is exactly what the checkpoints exist to prevent.
func (w *Workspace) ReanchorMemoryAudit(ctx context.Context) error {
	if w.path != Memory {
		return fmt.Errorf("re-anchor the audit log of %s: only an in-memory workspace's log can be re-signed", w.path)
	}
	w.writes.Lock()
	defer w.writes.Unlock()
	var seq sql.NullInt64
	var hash sql.NullString
	err := w.db.QueryRowContext(ctx, `SELECT seq, hash FROM segscope.audit ORDER BY seq DESC NULLS LAST LIMIT 1`).Scan(&seq, &hash)
	if err == sql.ErrNoRows {
		w.anchor.mu.Lock()
		w.anchor.latest = nil
		w.anchor.mu.Unlock()
		return nil
	}
	if err != nil {
		return fmt.Errorf("re-anchor the audit log: %w", err)
	}
	w.anchor.mu.Lock()
	w.anchor.latest = nil
	w.anchor.mu.Unlock()
	w.anchor.appended(AuditEntry{Seq: seq.Int64, Hash: hash.String})
	w.anchorCommitted(ctx)
	return nil
}
