package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A suppression file with mixed case, whitespace, a duplicate and an invalid
// address is refused whole, naming the line; with --skip-invalid the valid
// entries go in; suppress list shows counts, never an address; and the
// suppressed person is left out of the export, counted as suppressed.
func TestSuppressThroughTheCLI(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	dir := filepath.Dir(ws)
	people := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(people, []byte("id,email,plan\n1,ana@example.com,gold\n2,ben@example.com,gold\n3,cleo@example.com,basic\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "import", people)
	mustRun(t, ws, "segment", "define", "everyone", "--table", "people", "--rule", "id > 0")

	file := filepath.Join(dir, "erase.csv")
	if err := os.WriteFile(file, []byte("Email,ticket\n  ANA@Example.com ,1\nana@example.com,2\nnot-an-address,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := run(t, ws, "suppress", "add", "--list", "erasure", "--from", file, "--column", "email", "--reason", "DSR 17")
	if err == nil || !strings.Contains(err.Error(), "line 4: not an email address") || !strings.Contains(err.Error(), "nothing was added") ||
		strings.Contains(err.Error(), "not-an-address") {
		t.Fatalf("a file with an invalid address: %v", err)
	}
	if out := mustRun(t, ws, "suppress", "list"); !strings.Contains(out, "no suppression lists yet") {
		t.Fatalf("a refused file left a list:\n%s", out)
	}
	out := mustRun(t, ws, "suppress", "add", "--list", "erasure", "--from", file, "--column", "email", "--reason", "DSR 17", "--skip-invalid", "--format", "csv")
	if !strings.Contains(out, "added,1") || !strings.Contains(out, "duplicates,1") || !strings.Contains(out, "invalid, skipped\",1") {
		t.Fatalf("add with --skip-invalid:\n%s", out)
	}
	list := mustRun(t, ws, "suppress", "list", "--format", "csv")
	if !strings.Contains(list, "erasure,email,1,") || strings.Contains(list, "ana") {
		t.Fatalf("suppress list:\n%s", list)
	}

	csvOut := filepath.Join(dir, "everyone.csv")
	report := mustRun(t, ws, "export", "everyone", "--columns", "email", "--acknowledge", "three-row test fixture", "-o", csvOut, "--format", "csv")
	if !strings.Contains(report, "excluded: suppressed,1") {
		t.Fatalf("export report:\n%s", report)
	}
	data, err := os.ReadFile(csvOut)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(string(data)), "ana@") || !strings.Contains(string(data), "ben@example.com") {
		t.Fatalf("exported:\n%s", data)
	}

	// Consent coverage counts the suppressed apart: a key matches any table's key.
	mustRun(t, ws, "suppress", "add", "--list", "do-not-contact", "--key", "--value", " 1 ", "--reason", "asked us")
	if cov := mustRun(t, ws, "consent", "--channel", "email", "--format", "csv"); !strings.Contains(cov, "all of subscribers,subscribers,email,all,suppressed,1\n") {
		t.Fatalf("coverage with a suppressed key:\n%s", cov)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"suppress", "add", "--from", file, "--column", "email"}, "name the list with --list"},
		{[]string{"suppress", "add", "--list", "erasure"}, "--from FILE or a single one with --value"},
		{[]string{"suppress", "add", "--list", "erasure", "--value", "12345"}, "--kind email|phone|key"},
		{[]string{"suppress", "add", "--list", "erasure", "--from", file, "--column", "ticket"}, "say what the file holds"},
		{[]string{"suppress", "remove", "--list", "erasure", "--all"}, "--reason"},
	} {
		if _, _, err := run(t, ws, bad.args...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: %v, want %q", bad.args, err, bad.want)
		}
	}
}

// A gated segment needs --acknowledge with a reason; an empty one is refused
// before anything is done. The acknowledgement is in the audit log.
func TestAcknowledgeThroughTheCLI(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	dir := filepath.Dir(ws)
	mustRun(t, ws, "segment", "define", "handful", "--table", "subscribers", "--rule", "subscriber_id <= 5",
		"--description", "five subscribers", "--reason", "test")
	if out := mustRun(t, ws, "risk", "handful", "--format", "csv"); !strings.Contains(out, "handful,high,needs --acknowledge,small_cell (high)") {
		t.Fatalf("risk:\n%s", out)
	}
	if out := mustRun(t, ws, "segment", "show", "handful"); !strings.Contains(out, "flag: small_cell") {
		t.Fatalf("segment show:\n%s", out)
	}
	out := filepath.Join(dir, "handful.csv")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, `pass --acknowledge "REASON"`},
		{[]string{"--acknowledge", ""}, "--acknowledge needs a reason"},
		{[]string{"--acknowledge", "   "}, "--acknowledge needs a reason"},
	} {
		args := append([]string{"export", "handful", "-o", out}, c.args...)
		if _, _, err := run(t, ws, args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("a refused export wrote its file (%v)", err)
		}
	}
	mustRun(t, ws, "export", "handful", "-o", out, "--acknowledge", "pilot approved by legal")
	log := mustRun(t, ws, "audit", "--format", "csv")
	if !strings.Contains(log, "risk.acknowledge,handful") {
		t.Fatalf("audit:\n%s", log)
	}

	if _, _, err := run(t, ws, "risk", "policy", "--k", "3"); err == nil || !strings.Contains(err.Error(), "say why") {
		t.Fatalf("a policy change without a reason: %v", err)
	}
	mustRun(t, ws, "risk", "policy", "--k", "3", "--reason", "tiny pilots are fine")
	if out := mustRun(t, ws, "risk", "handful", "--format", "csv"); strings.Contains(out, "small_cell") {
		t.Fatalf("risk after k = 3:\n%s", out)
	}
}

// segment members --channel lists whom the export's gate lets through: the
// suppressed are not among them.
func TestMembersLeaveOutSuppressed(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	mustRun(t, ws, "segment", "define", "first_fifty", "--table", "subscribers", "--rule", "subscriber_id <= 50")
	first := func() string {
		out := mustRun(t, ws, "segment", "members", "first_fifty", "--channel", "email", "--format", "csv", "--limit", "1")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) < 2 {
			t.Fatalf("members:\n%s", out)
		}
		return strings.SplitN(lines[1], ",", 2)[0]
	}
	key := first()
	mustRun(t, ws, "suppress", "add", "--list", "do-not-contact", "--key", "--value", key, "--reason", "asked us")
	if again := first(); again == key {
		t.Fatalf("suppressed key %s is still listed first", key)
	}
}
