package main

import (
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
)

// The adversarial suite's sample (a statement of each attack class; query's
// tests run all of them) through `segscope query`: every statement is refused
// or returns workspace data only, and no output or error carries a planted
// secret, so the command reaches the locked engine.
func TestQueryHostileSQL(t *testing.T) {
	ws := seededWorkspace(t)
	secrets := querytest.PlantSecrets(t)
	statements := querytest.HostileSample(secrets)
	if len(statements) < 10 {
		t.Fatalf("the sample has %d statements, want one of each of at least 10 classes", len(statements))
	}
	for _, h := range statements {
		out, errOut, err := run(t, ws, "query", h.SQL, "--format", "csv")
		secrets.Check(t, h, out+errOut, err)
	}
	secrets.Untouched(t)
	if out := mustRun(t, ws, "query", "select count(*) from subscribers", "--format", "csv"); !strings.Contains(out, "20000") {
		t.Fatalf("subscribers after the hostile suite: %q", out)
	}
}

func TestQueryStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	out, errOut, err := run(t, ws, "query", "select * from range(10000000000)", "--limit", "5", "--format", "csv")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 6 || lines[5] != "4" {
		t.Fatalf("want a header and 5 rows, got %q", out)
	}
	if !strings.Contains(errOut, "first 5 rows") {
		t.Fatalf("no note that the result was cut: %q", errOut)
	}
}

func TestQueryMemoryLimitFlag(t *testing.T) {
	ws := seededWorkspace(t)
	// A list of 100 million integers needs about 800 MB.
	_, _, err := run(t, ws, "query", "select list(range) from range(100000000)", "--memory-limit", "64MiB")
	if err == nil || !strings.Contains(err.Error(), "memory") {
		t.Fatalf("query beyond --memory-limit: %v", err)
	}
	if _, _, err := run(t, ws, "query", "select 1", "--memory-limit", "lots"); err == nil || !strings.Contains(err.Error(), "--memory-limit") {
		t.Fatalf("bad --memory-limit: %v", err)
	}
	t.Setenv("SEGSCOPE_MEMORY_LIMIT", "64MiB")
	if _, _, err := run(t, ws, "query", "select list(range) from range(100000000)"); err == nil || !strings.Contains(err.Error(), "memory") {
		t.Fatalf("query beyond $SEGSCOPE_MEMORY_LIMIT: %v", err)
	}
}
