package query

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query/anchor"
)

// anchoredWorkspace is a workspace file with n audit entries, its key in a
// config directory of the test's own.
func anchoredWorkspace(t *testing.T, n int) (*Workspace, string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "workspace.duckdb")
	w, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	w.SetActor("tester")
	appendEntries(t, w, n)
	return w, path
}

func appendEntries(t *testing.T, w *Workspace, n int) {
	t.Helper()
	for i := range n {
		if err := w.Audit(context.Background(), ActionPIIReveal, fmt.Sprintf("customers.col%d", i), map[string]int{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
}

func tamper(t *testing.T, w *Workspace, stmt string, args ...any) {
	t.Helper()
	if _, err := w.DB().ExecContext(context.Background(), stmt, args...); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

func verify(t *testing.T, w *Workspace, extra ...AnchorSource) Verification {
	t.Helper()
	v, err := w.VerifyAudit(context.Background(), extra...)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return v
}

// wantBroken fails unless v is broken at entry seq with a finding that says want.
func wantBroken(t *testing.T, v Verification, seq int64, want string) {
	t.Helper()
	if v.OK() || v.BrokenSeq != seq || !strings.Contains(strings.Join(v.Findings, "\n"), want) {
		t.Fatalf("want broken at %d with %q, got %+v", seq, want, v)
	}
}

// rehashFrom rewrites entries k.. with the chain's own algorithm, as someone who
// read the source would after editing entry k.
func rehashFrom(t *testing.T, w *Workspace, k int64) {
	t.Helper()
	ctx := context.Background()
	all, err := w.AuditLog(ctx, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i := len(all) - 1; i >= 0; i-- {
		e := all[i]
		if e.Seq >= k {
			e.PrevHash = prev
			if e.Seq == k {
				e.Details = `{"i":"forged"}`
			}
			e.Hash = e.computeHash()
			tamper(t, w, `UPDATE segscope.audit SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Details, e.PrevHash, e.Hash, e.Seq)
		}
		prev = e.Hash
	}
}

func TestAuditAnchorIntact(t *testing.T) {
	w, path := anchoredWorkspace(t, 26)
	v := verify(t, w)
	if !v.OK() || v.Entries != 26 || v.Anchored != 26 || v.Checkpoint == nil || v.Note != "" {
		t.Fatalf("fresh log: %+v", v)
	}
	// The key is the user's, outside the workspace's directory, and private.
	dir, _ := anchor.DefaultDir()
	if strings.HasPrefix(dir, filepath.Dir(path)) {
		t.Fatalf("key directory %s is inside the workspace's %s", dir, filepath.Dir(path))
	}
	for file, mode := range map[string]os.FileMode{filepath.Join(dir, "audit-key"): 0o600, dir: 0o700, anchor.Sidecar(path): 0o600} {
		info, err := os.Stat(file)
		if err != nil || info.Mode().Perm() != mode {
			t.Fatalf("%s: %v, %v; want mode %o", file, info, err, mode)
		}
	}
	data, err := os.ReadFile(anchor.Sidecar(path))
	if err != nil || !strings.Contains(string(data), "segscope audit checkpoint\n26\n") {
		t.Fatalf("sidecar: %q, %v", data, err)
	}
}

func TestAuditEditedEntry(t *testing.T) {
	w, _ := anchoredWorkspace(t, 26)
	tamper(t, w, `UPDATE segscope.audit SET subject = 'nobody' WHERE seq = 7`)
	wantBroken(t, verify(t, w), 7, "entry 7 was altered")
	tamper(t, w, `DELETE FROM segscope.audit WHERE seq = 7`)

	// The newest entry edited and its hash recomputed leaves a chain with no
	// broken link; only the checkpoint tells.
	w, _ = anchoredWorkspace(t, 26)
	rehashFrom(t, w, 26)
	wantBroken(t, verify(t, w), 26, "entry 26 does not match the checkpoint beside the workspace")
}

func TestAuditDeletedMiddleEntry(t *testing.T) {
	w, _ := anchoredWorkspace(t, 26)
	tamper(t, w, `DELETE FROM segscope.audit WHERE seq IN (5, 6, 7)`)
	wantBroken(t, verify(t, w), 5, "entries 5–7 are gone")

	// Closing the gap (renumbering and rehashing what follows) makes a clean
	// chain one entry short of the checkpoint.
	w, _ = anchoredWorkspace(t, 26)
	tamper(t, w, `DELETE FROM segscope.audit WHERE seq = 5`)
	tamper(t, w, `UPDATE segscope.audit SET seq = seq - 1 WHERE seq > 5`)
	rehashFrom(t, w, 5)
	wantBroken(t, verify(t, w), 26, "entry 26 is gone: the log ends at entry 25")
}

func TestAuditDeletedTail(t *testing.T) {
	w, _ := anchoredWorkspace(t, 26)
	tamper(t, w, `DELETE FROM segscope.audit WHERE seq >= 20`)
	v := verify(t, w)
	wantBroken(t, v, 20, "entries 20–26 are gone: the log ends at entry 19")
	if v.Entries != 19 {
		t.Fatalf("entries %d", v.Entries)
	}
	// A change made afterwards must not bless the cut by signing the new head.
	appendEntries(t, w, 1)
	wantBroken(t, verify(t, w), 21, "entries 21–26 are gone")
}

func TestAuditTailCutWithOldCheckpointRestored(t *testing.T) {
	w, path := anchoredWorkspace(t, 19)
	old, err := os.ReadFile(anchor.Sidecar(path))
	if err != nil {
		t.Fatal(err)
	}
	appendEntries(t, w, 7)
	tamper(t, w, `DELETE FROM segscope.audit WHERE seq >= 20`)
	if err := os.WriteFile(anchor.Sidecar(path), old, 0o600); err != nil {
		t.Fatal(err)
	}
	// The sidecar is validly signed and agrees with the log; the copy kept with
	// the key does not.
	wantBroken(t, verify(t, w), 20, "entries 20–26 are gone: the log ends at entry 19, but the checkpoint kept with the audit key")
	if err := os.Remove(anchor.Sidecar(path)); err != nil {
		t.Fatal(err)
	}
	wantBroken(t, verify(t, w), 20, "is missing: it was removed")
}

func TestAuditEmptiedLog(t *testing.T) {
	w, _ := anchoredWorkspace(t, 26)
	tamper(t, w, `DELETE FROM segscope.audit`)
	wantBroken(t, verify(t, w), 1, "entries 1–26 are gone: the log ends at entry 0")
}

func TestAuditDroppedLog(t *testing.T) {
	w, path := anchoredWorkspace(t, 26)
	tamper(t, w, `DROP TABLE segscope.audit`)
	v := verify(t, w)
	wantBroken(t, v, 1, "the audit log is gone: its table (segscope.audit) was dropped")
	wantBroken(t, v, 1, "entries 1–26, vouched for by the checkpoint beside the workspace")
	if _, err := w.AuditLog(context.Background(), AuditFilter{}); err == nil || !strings.Contains(err.Error(), "dropped") {
		t.Fatalf("reading a dropped log: %v", err)
	}
	// Reopening recreates an empty table: still 26 entries short.
	w.Close()
	w, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	wantBroken(t, verify(t, w), 1, "entries 1–26 are gone")
}

func TestAuditRehashedSuffix(t *testing.T) {
	w, _ := anchoredWorkspace(t, 26)
	rehashFrom(t, w, 10)
	v := verify(t, w)
	wantBroken(t, v, 26, "the log up to entry 26 was rewritten and its hashes recomputed")
	// The sidecar and the copy kept with the key hold the same note: one check, one finding.
	if len(v.Checkpoints) != 1 || len(v.Findings) != 1 || !strings.Contains(v.Checkpoints[0].Source, "; the checkpoint kept with the audit key") {
		t.Fatalf("one checkpoint in two places should be checked once: %+v", v)
	}
}

func TestAuditForgedCheckpoint(t *testing.T) {
	w, path := anchoredWorkspace(t, 26)
	tamper(t, w, `DELETE FROM segscope.audit WHERE seq >= 20`)
	head, err := w.AuditLog(context.Background(), AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A checkpoint for the cut log, signed by a key of the forger's own.
	forger, err := anchor.Ephemeral()
	if err != nil {
		t.Fatal(err)
	}
	forged, err := forger.Sign(head[0].Seq, head[0].Hash, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := anchor.Write(anchor.Sidecar(path), forged); err != nil {
		t.Fatal(err)
	}
	v := verify(t, w)
	wantBroken(t, v, 20, "entries 20–26 are gone")
	if !strings.Contains(strings.Join(v.Findings, "\n"), "the checkpoint beside the workspace ("+anchor.Sidecar(path)+") is not a valid checkpoint: its signature does not verify") {
		t.Fatalf("forged sidecar not reported: %+v", v.Findings)
	}

	// The real note with its number edited keeps a signature that no longer fits.
	w, path = anchoredWorkspace(t, 26)
	data, _ := os.ReadFile(anchor.Sidecar(path))
	edited := strings.Replace(string(data), "\n26\n", "\n19\n", 1)
	v = verify(t, w, AnchorSource{Name: "edited note", Signed: edited})
	if v.OK() || !strings.Contains(v.Problem, "edited note is not a valid checkpoint: its signature does not verify") {
		t.Fatalf("edited note: %+v", v)
	}
}

func TestAuditNullHashIsAFinding(t *testing.T) {
	w, _ := anchoredWorkspace(t, 5)
	tamper(t, w, `UPDATE segscope.audit SET hash = NULL WHERE seq = 3`)
	wantBroken(t, verify(t, w), 3, "entry 3 has no hash (NULL)")
	tamper(t, w, `UPDATE segscope.audit SET hash = NULL, ts = NULL WHERE seq = 5`)
	v := verify(t, w)
	wantBroken(t, v, 3, "entry 5, vouched for by the checkpoint beside the workspace")
	// The log still lists, and a change can still be recorded.
	if _, err := w.AuditLog(context.Background(), AuditFilter{}); err != nil {
		t.Fatal(err)
	}
	appendEntries(t, w, 1)
}

// A crash between a commit and its checkpoint leaves the log ahead of the
// checkpoint: not a finding, but said.
func TestAuditLogAheadOfCheckpoint(t *testing.T) {
	w, _ := anchoredWorkspace(t, 3)
	head, _ := w.AuditLog(context.Background(), AuditFilter{Limit: 1})
	e := AuditEntry{Seq: 4, Time: time.Now().UTC().Truncate(time.Microsecond), Actor: "tester", Action: ActionPIIReveal, Subject: "x", Details: "{}", PrevHash: head[0].Hash}
	e.Hash = e.computeHash()
	tamper(t, w, `INSERT INTO segscope.audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, e.Time, e.Actor, e.Action, e.Subject, e.Details, e.PrevHash, e.Hash)
	v := verify(t, w)
	if !v.OK() || v.Anchored != 3 || !strings.Contains(v.Note, "entries 4–4 are newer than the last checkpoint") {
		t.Fatalf("log ahead: %+v", v)
	}
	appendEntries(t, w, 1)
	if v = verify(t, w); !v.OK() || v.Anchored != 5 || v.Note != "" {
		t.Fatalf("after the next change: %+v", v)
	}
}

func TestAuditMemoryWorkspaceAnchoredInProcess(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	w := openMemory(t)
	if v := verify(t, w); !v.OK() || v.Entries != 0 {
		t.Fatalf("empty: %+v", v)
	}
	appendEntries(t, w, 4)
	if v := verify(t, w); !v.OK() || v.Anchored != 4 {
		t.Fatalf("anchored: %+v", v)
	}
	tamper(t, w, `DELETE FROM segscope.audit WHERE seq = 4`)
	wantBroken(t, verify(t, w), 4, "entry 4 is gone: the log ends at entry 3, but this session's checkpoint")
	dir, _ := anchor.DefaultDir()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("an in-memory workspace wrote to the config directory: %v", err)
	}
}

// A workspace made anew where one was deleted starts a log of its own.
func TestAuditRecreatedWorkspace(t *testing.T) {
	w, path := anchoredWorkspace(t, 5)
	w.Close()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	w, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if v := verify(t, w); !v.OK() {
		t.Fatalf("new workspace: %+v", v)
	}
	appendEntries(t, w, 2)
	if v := verify(t, w); !v.OK() || v.Anchored != 2 {
		t.Fatalf("new workspace after changes: %+v", v)
	}
}

func TestReanchorOnlyInMemory(t *testing.T) {
	w, _ := anchoredWorkspace(t, 3)
	rehashFrom(t, w, 2)
	if err := w.ReanchorMemoryAudit(context.Background()); err == nil {
		t.Fatal("a workspace file's rewritten log was re-signed")
	}
	wantBroken(t, verify(t, w), 3, "entry 3 does not match")

	m := openMemory(t)
	appendEntries(t, m, 3)
	rehashFrom(t, m, 2)
	wantBroken(t, verify(t, m), 3, "entry 3 does not match this session's checkpoint")
	if err := m.ReanchorMemoryAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := verify(t, m); !v.OK() || v.Anchored != 3 {
		t.Fatalf("re-anchored fixture: %+v", v)
	}
}
