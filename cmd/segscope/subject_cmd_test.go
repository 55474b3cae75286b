package main

import (
	"strings"
	"testing"
)

// subject find shows where a person is; subject erase removes them, refusing a
// missing reason and someone absent with nothing done, and keeps them out of
// later exports.
func TestSubjectThroughTheCLI(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	email := strings.TrimSpace(mustRun(t, ws, "query", "--reveal", "--format", "csv",
		"SELECT email FROM subscribers WHERE subscriber_id = 200"))
	email = strings.TrimSpace(strings.TrimPrefix(email, "email"))
	if !strings.Contains(email, "@") {
		t.Fatalf("email %q", email)
	}
	found := mustRun(t, ws, "subject", "find", "--email", strings.ToUpper(email), "--format", "csv")
	if !strings.Contains(found, "subscribers,1,200,") || !strings.Contains(found, "consent,") {
		t.Fatalf("find:\n%s", found)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"subject", "erase", "--email", email}, "--reason"},
		{[]string{"subject", "erase", "--key", "200", "--reason", "r"}, "--table"},
		{[]string{"subject", "find"}, "one of --email, --phone or --key"},
		{[]string{"subject", "erase", "--email", "nobody@nowhere.example", "--reason", "r"}, "nothing was erased"},
	} {
		if _, _, err := run(t, ws, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	mustRun(t, ws, "subject", "erase", "--email", email, "--reason", "DSR-9")
	if after := mustRun(t, ws, "subject", "find", "--email", email); !strings.Contains(after, "nobody in the workspace") ||
		!strings.Contains(after, "erasure") {
		t.Fatalf("find after erase:\n%s", after)
	}
	if log := mustRun(t, ws, "audit", "--format", "csv"); !strings.Contains(log, "subject.erase") || strings.Contains(log, email) {
		t.Fatalf("audit:\n%s", log)
	}
}
