package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
)

// fullEmail is an email address with its local part: a mask keeps only an
// initial before the dots and the domain, which this does not match.
var fullEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)

// piiWorkspace is the sample workspace with a segment whose rule names an
// email address, and a customer file whose emails sit in a column named
// "contact", with a segment on it.
func piiWorkspace(t *testing.T) (ws, dir string) {
	t.Helper()
	ws = seededWorkspace(t)
	dir = filepath.Dir(ws)
	var csv strings.Builder
	csv.WriteString("customer_id,contact,tier,spend\n")
	for i := range 40 {
		fmt.Fprintf(&csv, "%d,person%d@example.com,%s,%d\n", i+1, i%4, []string{"gold", "silver"}[i%2], 10*i)
	}
	path := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "import", path)
	mustRun(t, ws, "segment", "define", "vip", "--table", "subscribers", "--rule", "email = 'vip.person@example.com' or days_since_login > 60")
	mustRun(t, ws, "segment", "define", "gold", "--table", "customers", "--rule", "tier = 'gold'")
	return ws, dir
}

// piiCommands are the commands that print table data, each as it is run.
func piiCommands(dir string) map[string][]string {
	return map[string][]string{
		"profile":         {"profile", "subscribers"},
		"profile column":  {"profile", "subscribers", "email"},
		"profile contact": {"profile", "customers"},
		"query":           {"query", "select email, replace(email, '@', ' at ') as x, first_name || last_name as who, upper(contact) as c from subscribers, customers limit 5"},
		"query json":      {"query", "select (select max(email) from subscribers) as e, contact from customers limit 3", "--format", "json"},
		"members":         {"segment", "members", "vip", "--limit", "5"},
		"members contact": {"segment", "members", "gold", "--limit", "5", "--format", "csv"},
		"compare":         {"compare", "vip"},
		"compare contact": {"compare", "gold"},
		"report":          {"audit", "--report", filepath.Join(dir, "report.md")},
	}
}

func revealEntries(t *testing.T, ws string) []query.AuditEntry {
	t.Helper()
	w, err := query.Open(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	entries, err := w.AuditLog(context.Background(), query.AuditFilter{Action: query.ActionPIIReveal})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// Without --reveal no command prints an email address, not even computed
// (" at ") or found by content (contact); nothing is revealed in the audit log.
func TestCLIMasksPersonalData(t *testing.T) {
	t.Parallel()
	ws, dir := piiWorkspace(t)
	report := filepath.Join(dir, "report.md")
	for name, args := range piiCommands(dir) {
		out, errOut, err := run(t, ws, args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, errOut)
		}
		if args[0] == "audit" {
			data, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			out = string(data)
		}
		if m := fullEmail.FindString(out + errOut); m != "" {
			t.Errorf("%s prints the email address %q:\n%s", name, m, out)
		}
		if strings.Contains(out, " at gmail") || strings.Contains(out, " at outlook") {
			t.Errorf("%s prints an email computed into another shape:\n%s", name, out)
		}
	}
	if got := revealEntries(t, ws); len(got) != 0 {
		t.Errorf("masked output wrote reveal entries: %+v", got)
	}
}

// With --reveal the same commands show the data, and each reveal is in the
// audit log naming its columns; compare still leaves personal data out.
func TestCLIRevealIsAudited(t *testing.T) {
	t.Parallel()
	ws, dir := piiWorkspace(t)
	report := filepath.Join(dir, "report.md")
	wantColumns := map[string][]string{
		"profile":         {"email", "first_name", "last_name", "phone"},
		"profile column":  {"email"},
		"profile contact": {"contact"},
		"query":           {"email", "x", "who", "c"},
		"query json":      {"e", "contact"},
		"members":         {"email", "first_name", "last_name", "phone"},
		"members contact": {"contact"},
		"report":          {"subscribers.email", "customers.contact"},
	}
	for name, args := range piiCommands(dir) {
		before := len(revealEntries(t, ws))
		out, errOut, err := run(t, ws, append(args, "--reveal")...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, errOut)
		}
		if args[0] == "audit" {
			data, _ := os.ReadFile(report)
			out = string(data)
		}
		entries := revealEntries(t, ws)
		if args[0] == "compare" {
			if fullEmail.MatchString(out) || len(entries) != before {
				t.Errorf("%s with --reveal shows personal data or records a reveal:\n%s", name, out)
			}
			continue
		}
		if !fullEmail.MatchString(out) {
			t.Errorf("%s --reveal shows no email address:\n%s", name, out)
		}
		if len(entries) != before+1 {
			t.Fatalf("%s --reveal: %d reveal entries, want %d", name, len(entries), before+1)
		}
		for _, col := range wantColumns[name] {
			if !strings.Contains(entries[0].Details, col) {
				t.Errorf("%s: the reveal entry does not name %s: %s", name, col, entries[0].Details)
			}
		}
	}
}
