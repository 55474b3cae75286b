package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsentIsPerTable: in a workspace seeded with the sample, a user's file
// whose key is named subscriber_id (like the sample's consent events) has no
// consent until its own setup is saved; the sample's consent keeps working.
func TestConsentIsPerTable(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "w.duckdb")
	dir := filepath.Dir(ws)
	csv := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(csv, []byte(`subscriber_id,email,plan,country,email_opt_in
900001,ana@example.com,gold,PT,yes
900002,ben@example.com,gold,US,no
900003,cleo@example.com,basic,FR,yes
`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "import", csv)
	mustRun(t, ws, "segment", "define", "gold", "--table", "customers", "--rule", "plan = 'gold'")

	// The sample's consent is set up out of the box.
	if out := mustRun(t, ws, "consent", "--channel", "email"); !strings.Contains(out, "all of subscribers") ||
		!strings.Contains(out, "all of creators") || !strings.Contains(out, "no consent set up for customers") {
		t.Fatalf("consent:\n%s", out)
	}

	_, _, err := run(t, ws, "consent", "gold")
	if err == nil || !strings.Contains(err.Error(), "no consent set up for table customers") {
		t.Fatalf("coverage of gold: %v", err)
	}
	out := filepath.Join(dir, "gold.csv")
	_, _, err = run(t, ws, "export", "gold", "--channel", "email", "-o", out)
	if err == nil || !strings.Contains(err.Error(), "no consent set up for table customers") ||
		!strings.Contains(err.Error(), "segscope consent setup --table customers") {
		t.Fatalf("export for email: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a refused export wrote %s (%v)", out, err)
	}
	mustRun(t, ws, "export", "gold", "-o", filepath.Join(dir, "gold-internal.csv"))

	// The proposal is the opt-in column, not the sample's consent events, whose
	// people are nobody in customers; saving it is audited.
	proposal := mustRun(t, ws, "consent", "propose", "customers")
	if !strings.Contains(proposal, "email_opt_in → email") || strings.Contains(proposal, "consent events in consent") {
		t.Fatalf("proposal:\n%s", proposal)
	}
	mustRun(t, ws, "consent", "setup", "--table", "customers", "--from-proposal", "--reason", "checked the opt-in column")
	if log := mustRun(t, ws, "audit", "--format", "csv"); !strings.Contains(log, "policy.change,consent:customers") {
		t.Fatalf("audit:\n%s", log)
	}
	cov := mustRun(t, ws, "consent", "gold", "--format", "csv")
	if !strings.Contains(cov, "gold,customers,email,all,granted,1\n") || !strings.Contains(cov, "gold,customers,email,all,denied,1\n") {
		t.Fatalf("coverage after setup:\n%s", cov)
	}
	mustRun(t, ws, "export", "gold", "--channel", "email", "-o", out)
	data, err := os.ReadFile(out)
	if err != nil || strings.Count(strings.TrimSpace(string(data)), "\n") != 1 || !strings.Contains(string(data), "900001") {
		t.Fatalf("export after setup: %v\n%s", err, data)
	}
}
