package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/anchor"
)

// A workspace verified on a machine with only the public key and no copy of the
// checkpoint beside the key: cutting the tail and putting back an older (validly
// signed) sidecar fools the sidecar, not the checkpoint an export's manifest or
// an audit report carries.
func TestAuditVerifyAgainstManifestAndReport(t *testing.T) {
	home := os.Getenv("XDG_CONFIG_HOME") // the test binary's own (TestMain)
	ws := seededWorkspace(t)
	dir := filepath.Dir(ws)
	mustRun(t, ws, "segment", "define", "churn_risk", "--table", "subscribers", "--rule", "days_since_login > 30", "--reason", "first cut")
	before, err := os.ReadFile(anchor.Sidecar(ws))
	if err != nil {
		t.Fatalf("no checkpoint beside the workspace: %v", err)
	}
	out := filepath.Join(dir, "churn.csv")
	mustRun(t, ws, "export", "churn_risk", "-o", out)
	var m struct {
		Checkpoint anchor.Checkpoint `json:"audit_checkpoint"`
	}
	data, err := os.ReadFile(out + ".manifest.json")
	if err != nil || json.Unmarshal(data, &m) != nil || m.Checkpoint.Signed == "" {
		t.Fatalf("manifest without a checkpoint: %v\n%s", err, data)
	}
	exportSeq := strconv.FormatInt(m.Checkpoint.Seq, 10)
	report := filepath.Join(dir, "report.md")
	mustRun(t, ws, "audit", "--report", report)
	if note := mustRun(t, ws, "audit", "--verify", "--against", out+".manifest.json", "--against", report); !strings.Contains(note, "intact") {
		t.Fatalf("verify against the manifest:\n%s", note)
	}

	// Another machine: the public key only.
	other := t.TempDir()
	pub, err := os.ReadFile(filepath.Join(home, "segscope", "audit-key.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(other, "segscope"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "segscope", "audit-key.pub"), pub, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", other)
	tamper(t, ws, "DELETE FROM segscope.audit WHERE seq >= "+exportSeq)
	if err := os.WriteFile(anchor.Sidecar(ws), before, 0o600); err != nil {
		t.Fatal(err)
	}
	// The sidecar alone agrees with the cut log: this is what --against is for.
	mustRun(t, ws, "audit", "--verify")
	_, _, err = run(t, ws, "audit", "--verify", "--against", out+".manifest.json")
	if err == nil || !strings.Contains(err.Error(), "entry "+exportSeq+" is gone") || !strings.Contains(err.Error(), "manifest "+out+".manifest.json") {
		t.Fatalf("verify against the manifest after the cut: %v", err)
	}
	_, _, err = run(t, ws, "audit", "--verify", "--against", report)
	if err == nil || !strings.Contains(err.Error(), "the checkpoint in "+report) {
		t.Fatalf("verify against the report after the cut: %v", err)
	}
	if _, _, err := run(t, ws, "audit", "--against", filepath.Join(dir, "churn.csv")); err == nil || !strings.Contains(err.Error(), "no audit checkpoint in it") {
		t.Fatalf("--against a file without a checkpoint: %v", err)
	}
}
