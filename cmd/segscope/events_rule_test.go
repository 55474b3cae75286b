package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/events/eventstest"
)

// A rule with event conditions counts the same in the console (which
// previews rules with segments.PreviewRule), in segment count, and as the
// SQL segment sql prints, run by DuckDB itself on the workspace file.
func TestEventRuleCountsAgreeEverywhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ws := filepath.Join(dir, "w.duckdb")
	orders := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(orders, []byte(eventstest.Retail(5000, 21)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, ws, "--no-sample", "import", orders)
	mustRun(t, ws, "--no-sample", "events", "setup", "--table", "orders", "--key", "CustomerID", "--time", "InvoiceDate",
		"--audience", "customers", "--amount", "Quantity * UnitPrice", "--as-of", "2011-12-10")
	const r = `count(orders where Quantity < 0) >= 1 and none(orders in last 60 days) and sum(orders.Quantity * orders.UnitPrice) > 200`
	mustRun(t, ws, "--no-sample", "segment", "define", "returners", "--table", "customers", "--rule", r, "--reason", "test")
	out := strings.TrimSpace(mustRun(t, ws, "--no-sample", "segment", "count", "returners", "--format", "csv"))
	cli, err := strconv.ParseInt(out[strings.LastIndexByte(out, ',')+1:], 10, 64)
	if err != nil {
		t.Fatalf("segment count: %q", out)
	}
	text := mustRun(t, ws, "--no-sample", "segment", "sql", "returners")

	db, err := sql.Open("duckdb", ws+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	var raw int64
	if err := db.QueryRow(`SELECT count(*) FROM (` + strings.TrimSuffix(strings.TrimSpace(text), ";") + `)`).Scan(&raw); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	db.Close()

	w, err := query.Open(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	p, err := segments.PreviewRule(context.Background(), w, "customers", r)
	if err != nil {
		t.Fatal(err)
	}
	if cli != raw || cli != p.Count || cli == 0 || cli == p.Total {
		t.Fatalf("segment count %d, its SQL in DuckDB %d, the console's preview %d of %d", cli, raw, p.Count, p.Total)
	}
}
