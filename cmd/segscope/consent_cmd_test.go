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
	t.Parallel()
	ws := seededWorkspace(t)
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
	mustRun(t, ws, "export", "gold", "--acknowledge", "two-row test fixture", "-o", filepath.Join(dir, "gold-internal.csv"))

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
	mustRun(t, ws, "export", "gold", "--acknowledge", "two-row test fixture", "--channel", "email", "-o", out)
	data, err := os.ReadFile(out)
	if err != nil || strings.Count(strings.TrimSpace(string(data)), "\n") != 1 || !strings.Contains(string(data), "900001") {
		t.Fatalf("export after setup: %v\n%s", err, data)
	}
}

// TestConsentEdgeCasesCLI: the consent command shows the members whose age is
// unknown and those with events dated in the future, and --unknown-age changes how
// an unknown age is treated, as an audited policy change.
func TestConsentEdgeCasesCLI(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	dir := filepath.Dir(ws)
	people := filepath.Join(dir, "people.csv")
	events := filepath.Join(dir, "people_consent.csv")
	if err := os.WriteFile(people, []byte(`person_id,age,country
1,30,Deutschland
2,,Allemagne
3,40,États-Unis
4,40,GBR
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(events, []byte(`person_id,channel,status,event_time
1,email,opt_in,2026-01-01 00:00:00
1,email,withdrawn,
2,email,opt_in,2026-01-01 00:00:00
3,email,opt_out,2026-01-01 00:00:00
3,email,opt_in,2999-01-01 00:00:00
4,email,opt_in,2026-01-01 00:00:00
`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "import", people)
	mustRun(t, ws, "import", events)
	setup := []string{"consent", "setup", "--table", "people", "--key", "person_id", "--consent-table", "people_consent",
		"--channel-col", "channel", "--status-col", "status", "--time-col", "event_time", "--stale-days", "100000"}
	mustRun(t, ws, setup...)
	out := mustRun(t, ws, "consent")
	for _, want := range []string{
		"1 members' age is unknown: an unknown age counts as a minor's (unknown age: not_contactable)",
		"email: 1 members have an event dated in the future",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("consent output lacks %q:\n%s", want, out)
		}
	}
	// 1 withdrew without a date, 2's age is unknown, 3's grant is dated 2999: only 4 is contactable.
	cov := mustRun(t, ws, "consent", "--format", "csv")
	for _, want := range []string{
		"all of people,people,email,all,granted,1\n", "all of people,people,email,all,withdrawn,1\n",
		"all of people,people,email,all,minor,1\n", "all of people,people,email,all,denied,1\n",
		"all of people,people,email,EU/EEA,withdrawn,1\n", "all of people,people,email,EU/EEA,minor,1\n",
		"all of people,people,email,US-other,denied,1\n", "all of people,people,email,UK,granted,1\n",
	} {
		if !strings.Contains(cov, want) {
			t.Errorf("coverage lacks %q:\n%s", want, cov)
		}
	}
	mustRun(t, ws, append(setup, "--unknown-age", "contactable", "--reason", "ages are asked of adults only")...)
	if cov := mustRun(t, ws, "consent", "--format", "csv"); !strings.Contains(cov, "all of people,people,email,all,granted,2\n") {
		t.Errorf("coverage with unknown age contactable:\n%s", cov)
	}
	if log := mustRun(t, ws, "audit", "--format", "json"); !strings.Contains(log, `\"unknown_age\":\"contactable\"`) {
		t.Errorf("the policy change is not in the audit log:\n%s", log)
	}
	if _, _, err := run(t, ws, append(setup, "--unknown-age", "maybe")...); err == nil ||
		!strings.Contains(err.Error(), "unknown age must be not_contactable or contactable") {
		t.Errorf("a bad --unknown-age: %v", err)
	}
}
