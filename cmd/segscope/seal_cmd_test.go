package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/segscope/segscope/query/seal"
)

// cheapSeals lowers scrypt's work for the test.
func cheapSeals(t *testing.T) {
	t.Helper()
	old := sealOptions
	sealOptions = seal.Options{WorkFactor: 10}
	t.Cleanup(func() { sealOptions = old })
}

func mustBeSealed(t *testing.T, path string, want bool) {
	t.Helper()
	if sealed, err := seal.IsSealed(path); err != nil || sealed != want {
		t.Fatalf("%s sealed: %v (%v), want %v", path, sealed, err, want)
	}
}

func TestEncryptedWorkspaceThroughTheCLI(t *testing.T) {
	cheapSeals(t)
	// A new path: the first command makes the workspace sealed and seeds it.
	path := filepath.Join(t.TempDir(), "w.duckdb")
	t.Setenv(keyEnv, "s3cret passphrase")
	mustRun(t, path, "--encrypt", "tables")
	mustBeSealed(t, path, true)

	// User SQL runs on its own locked-down instance that attaches the workspace
	// file: for a sealed workspace that has to be the plaintext copy.
	out := mustRun(t, path, "--format", "csv", "query", "select count(*) AS n from subscribers")
	if !strings.Contains(out, "n\n") || strings.Contains(out, "\n0\n") {
		t.Fatalf("query on a sealed workspace: %q", out)
	}
	mustBeSealed(t, path, true)

	t.Setenv(keyEnv, "")
	_, _, err := run(t, path, "tables")
	if err == nil || !strings.Contains(err.Error(), "is sealed: set SEGSCOPE_KEY") {
		t.Fatalf("no key (stdin is no terminal here): %v", err)
	}
	t.Setenv(keyEnv, "not the passphrase")
	_, _, err = run(t, path, "tables")
	if err == nil || !strings.Contains(err.Error(), "the passphrase does not unlock it") {
		t.Fatalf("wrong key: %v", err)
	}

	plain := filepath.Join(filepath.Dir(path), "plain.duckdb")
	mustRun(t, plain, "--no-sample", "tables")
	_, _, err = run(t, plain, "--encrypt", "tables")
	if err == nil || !strings.Contains(err.Error(), "is not sealed: seal it with segscope seal") {
		t.Fatalf("--encrypt on a plain workspace: %v", err)
	}
	if _, _, err := run(t, ":memory:", "--encrypt", "tables"); err == nil {
		t.Fatal("--encrypt accepted :memory:")
	}
}

func TestSealRekeyUnsealCommands(t *testing.T) {
	cheapSeals(t)
	path := seededWorkspace(t)
	before := mustRun(t, path, "--format", "csv", "tables")

	t.Setenv(keyEnv, "first")
	out := mustRun(t, path, "seal")
	if !strings.Contains(out, "Sealed "+path) {
		t.Fatalf("seal said %q", out)
	}
	mustBeSealed(t, path, true)
	if _, _, err := run(t, path, "seal"); err == nil || !strings.Contains(err.Error(), "already sealed; seal --rekey") {
		t.Fatalf("sealing twice: %v", err)
	}

	t.Setenv(newKeyEnv, "second")
	mustRun(t, path, "seal", "--rekey")
	if _, _, err := run(t, path, "tables"); err == nil || !strings.Contains(err.Error(), "does not unlock") {
		t.Fatalf("the old passphrase after --rekey: %v", err)
	}
	t.Setenv(keyEnv, "second")
	if got := mustRun(t, path, "--format", "csv", "tables"); got != before {
		t.Fatalf("tables after seal and rekey:\n%s\nwant\n%s", got, before)
	}

	mustRun(t, path, "unseal")
	mustBeSealed(t, path, false)
	t.Setenv(keyEnv, "")
	if got := mustRun(t, path, "--format", "csv", "tables"); got != before {
		t.Fatalf("tables after unseal:\n%s", got)
	}
	log := mustRun(t, path, "--format", "csv", "audit")
	for _, action := range []string{"workspace.seal", "workspace.rekey", "workspace.unseal"} {
		if !strings.Contains(log, action) {
			t.Fatalf("the audit log lacks %s:\n%s", action, log)
		}
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		t.Fatal("a write-ahead log was left beside the workspace")
	}
}

func TestEncryptedExportThroughTheCLI(t *testing.T) {
	cheapSeals(t)
	ws := seededWorkspace(t)
	dir := filepath.Dir(ws)
	mustRun(t, ws, "segment", "define", "churn_risk", "--table", "subscribers", "--rule", "days_since_login > 30", "--reason", "test")
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "churn.csv")
	report := mustRun(t, ws, "export", "churn_risk", "--channel", "email", "--columns", "email", "-o", out, "--encrypt-to", id.Recipient().String())
	if !strings.Contains(report, "written to "+out+".age") || !strings.Contains(report, "encrypted with age to 1 recipient") {
		t.Fatalf("export report:\n%s", report)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("the plaintext file %s exists: %v", out, err)
	}
	f, err := os.Open(out + ".age")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(r)
	if !strings.HasPrefix(string(plain), "subscriber_id,email\n") || !strings.Contains(string(plain), "@") {
		t.Fatalf("decrypted export starts %q", string(plain[:min(len(plain), 80)]))
	}
	manifest, _ := os.ReadFile(out + ".age.manifest.json")
	if !strings.Contains(string(manifest), `"encryption": {`) || !strings.Contains(string(manifest), id.Recipient().String()) {
		t.Fatalf("manifest:\n%s", manifest)
	}

	// A passphrase from the environment, since no one is at a terminal.
	_, _, err = run(t, ws, "export", "churn_risk", "--channel", "email", "-o", filepath.Join(dir, "p.csv"), "--passphrase")
	if err == nil || !strings.Contains(err.Error(), "SEGSCOPE_EXPORT_KEY") {
		t.Fatalf("--passphrase with no passphrase: %v", err)
	}
	t.Setenv(exportKeyEnv, "shared secret")
	mustRun(t, ws, "export", "churn_risk", "--channel", "email", "-o", filepath.Join(dir, "p.csv"), "--passphrase")
	pf, _ := os.Open(filepath.Join(dir, "p.csv.age"))
	defer pf.Close()
	sid, _ := age.NewScryptIdentity("shared secret")
	if _, err := age.Decrypt(pf, sid); err != nil {
		t.Fatalf("the passphrase export does not open with its passphrase: %v", err)
	}
	if _, _, err := run(t, ws, "export", "churn_risk", "-o", filepath.Join(dir, "q.csv"), "--passphrase", "--encrypt-to", id.Recipient().String()); err == nil {
		t.Fatal("--passphrase with --encrypt-to was accepted")
	}
}
