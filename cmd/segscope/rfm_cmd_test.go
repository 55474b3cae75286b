package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments/events/eventstest"
)

// rfm --create saves every cell as a segment whose count is the cell's.
func TestRFMThroughTheCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ws := filepath.Join(dir, "w.duckdb")
	orders := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(orders, []byte(eventstest.Retail(4000, 5)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "--no-sample", "import", orders)
	mustRun(t, ws, "--no-sample", "events", "setup", "--table", "orders", "--key", "CustomerID", "--time", "InvoiceDate",
		"--audience", "customers", "--amount", "Quantity * UnitPrice")
	if _, _, err := run(t, ws, "--no-sample", "rfm", "orders"); err == nil || !strings.Contains(err.Error(), "orders holds the events of customers") {
		t.Errorf("rfm of the event table itself: %v", err)
	}
	out := mustRun(t, ws, "--no-sample", "rfm", "customers", "--create", "--reason", "test", "--format", "json")
	var r struct {
		People int64
		Cells  []struct {
			Name   string
			People int64
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(r.Cells) != 11 || r.People == 0 {
		t.Fatalf("rfm: %s", out)
	}
	for _, c := range r.Cells {
		got := strings.TrimSpace(mustRun(t, ws, "--no-sample", "segment", "count", c.Name, "--format", "csv"))
		if got != "segment,count\n"+c.Name+","+strconv.FormatInt(c.People, 10) {
			t.Errorf("%s: segment count says %q, rfm %d", c.Name, got, c.People)
		}
	}
	// Measured again, the cells get new versions rather than failing.
	mustRun(t, ws, "--no-sample", "rfm", "customers", "--create")
	if hist := mustRun(t, ws, "--no-sample", "segment", "history", "rfm_champions", "--format", "csv"); strings.Count(hist, "\n") < 3 {
		t.Errorf("history after measuring twice:\n%s", hist)
	}
}

// The cut-offs are told as values a person reads, not as the rule literals
// the cells are written with: no timestamp '...' quoting or Go list brackets,
// and amounts to the cent (the rules keep them exact).
func TestRFMCutOffsReadable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ws := filepath.Join(dir, "w.duckdb")
	orders := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(orders, []byte(eventstest.Retail(3000, 8)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "--no-sample", "import", orders)
	mustRun(t, ws, "--no-sample", "events", "setup", "--table", "orders", "--key", "CustomerID", "--time", "InvoiceDate",
		"--audience", "customers", "--amount", "Quantity * UnitPrice")
	var r struct{ Recency, Frequency, Monetary []string }
	if out := mustRun(t, ws, "--no-sample", "rfm", "customers", "--format", "json"); json.Unmarshal([]byte(out), &r) != nil || len(r.Monetary) != 4 {
		t.Fatalf("rfm json: %s", out)
	}
	out := mustRun(t, ws, "--no-sample", "rfm", "customers")
	if !strings.Contains(out, "people of customers scored on orders") || strings.Contains(out, " are in no cell") {
		t.Errorf("who was scored, in words:\n%s", out)
	}
	if strings.Contains(out, "timestamp '") || strings.Contains(out, "[") {
		t.Errorf("cut-offs written as literals:\n%s", out)
	}
	for _, c := range r.Recency {
		if v := strings.TrimSuffix(strings.TrimPrefix(c, "timestamp '"), "'"); !strings.Contains(out, v[:16]) {
			t.Errorf("recency cut-off %s not told:\n%s", c, out)
		}
	}
	for _, c := range r.Monetary {
		f, err := strconv.ParseFloat(c, 64)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, strconv.FormatFloat(f, 'f', 2, 64)) {
			t.Errorf("monetary cut-off %s not told to the cent:\n%s", c, out)
		}
	}
}
