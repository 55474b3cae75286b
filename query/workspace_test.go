package query

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRowsPaging(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	mustImport(t, w, writeFile(t, t.TempDir(), "people.csv", peopleCSV), ImportOptions{})
	page, err := w.Rows(ctx, Page{Table: "people", Offset: 1, Limit: 2})
	if err != nil || len(page.Rows) != 2 || FormatValue(page.Rows[0][1]) != "Bob" || FormatValue(page.Rows[1][1]) != "Cid" {
		t.Fatalf("rowid page: %+v, %v", page, err)
	}
	page, err = w.Rows(ctx, Page{Table: "people", OrderBy: "age", Desc: true, Limit: 10})
	if err != nil || len(page.Rows) != 4 || FormatValue(page.Rows[0][1]) != "Dee" || page.Rows[3][2] != nil {
		t.Fatalf("sorted page: %+v, %v", page, err)
	}
	page, err = w.Rows(ctx, Page{Table: "people", Where: `"plan" = 'premium'`, Offset: 1, Limit: 10})
	if err != nil || len(page.Rows) != 1 || FormatValue(page.Rows[0][1]) != "Dee" {
		t.Fatalf("filtered page: %+v, %v", page, err)
	}
	page, err = w.Rows(ctx, Page{Table: "people", Offset: 100, Limit: 10})
	if err != nil || len(page.Rows) != 0 {
		t.Fatalf("past the end: %+v, %v", page, err)
	}
}

func TestProfileAndGroup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	mustImport(t, w, writeFile(t, t.TempDir(), "people.csv", peopleCSV), ImportOptions{})
	p, err := w.ProfileColumn(ctx, "people", "age", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 4 || p.Nulls != 1 || p.Distinct != 3 || p.Min != "19" || p.Max != "52" || *p.Mean != 35 || *p.Median != 34 {
		t.Fatalf("age profile %+v", p)
	}
	var binned int64
	for _, b := range p.Bins {
		binned += b.Count
	}
	if len(p.Bins) != histogramBins || binned != 3 || p.Bins[len(p.Bins)-1].Count != 1 {
		t.Fatalf("histogram %+v", p.Bins)
	}
	p, err = w.ProfileColumn(ctx, "people", "plan", `"age" > 20`)
	if err != nil || p.Count != 2 || len(p.Top) != 1 || p.Top[0] != (ValueCount{"premium", 2}) {
		t.Fatalf("filtered plan profile %+v, %v", p, err)
	}
	if _, err := w.ProfileColumn(ctx, "people", "nope", ""); err == nil {
		t.Fatal("profiled a missing column")
	}
	all, err := w.ProfileTable(ctx, "people")
	if err != nil || len(all) != 4 || all[2].Name != "age" || all[2].Nulls != 1 {
		t.Fatalf("table profile %+v, %v", all, err)
	}

	g, err := w.Group(ctx, Grouping{Table: "people", By: []string{"plan"}, Measure: Measure{Func: "avg", Column: "age"}})
	if err != nil || len(g.Rows) != 3 || FormatValue(g.Rows[0][0]) != "premium" || FormatValue(g.Rows[0][1]) != "2" || FormatValue(g.Rows[0][2]) != "0.5" || FormatValue(g.Rows[0][3]) != "43" {
		t.Fatalf("group by plan %+v, %v", g, err)
	}
	g, err = w.Group(ctx, Grouping{Table: "people", By: []string{"age"}, Bins: 4})
	if err != nil || len(g.Rows) != 4 || FormatValue(g.Rows[0][0]) != "10–20" {
		t.Fatalf("binned age %+v, %v", g, err)
	}
	if got := niceWidth(33.0 / 4); got != 10 {
		t.Fatalf("niceWidth = %v", got)
	}
}

func TestAuditChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	mustImport(t, w, writeFile(t, dir, "a.csv", peopleCSV), ImportOptions{})
	mustImport(t, w, writeFile(t, dir, "b.csv", peopleCSV), ImportOptions{})
	if err := w.Audit(ctx, ActionPIIReveal, "a.name", map[string]string{"table": "a"}); err != nil {
		t.Fatal(err)
	}
	v, err := w.VerifyAudit(ctx)
	if err != nil || !v.OK() || v.Entries != 3 {
		t.Fatalf("fresh chain: %+v, %v", v, err)
	}
	log, _ := w.AuditLog(ctx, AuditFilter{Action: ActionImport})
	if len(log) != 2 || log[0].Subject != "b" || log[0].PrevHash != log[1].Hash || log[0].Actor != "tester" {
		t.Fatalf("log %+v", log)
	}
	if _, err := w.DB().ExecContext(ctx, `UPDATE segscope.audit SET subject = 'z' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	v, err = w.VerifyAudit(ctx)
	if err != nil || v.OK() || v.BrokenSeq != 2 || !strings.Contains(v.Problem, "altered") {
		t.Fatalf("tampered chain: %+v, %v", v, err)
	}
	if _, err := w.DB().ExecContext(ctx, `UPDATE segscope.audit SET subject = 'b' WHERE seq = 2; DELETE FROM segscope.audit WHERE seq = 1`); err != nil {
		t.Fatal(err)
	}
	if v, _ = w.VerifyAudit(ctx); v.BrokenSeq != 1 || !strings.Contains(v.Problem, "entry 1 is gone") {
		t.Fatalf("deleted first entry: %+v", v)
	}
}

func TestWorkspacePersistsAndLocks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws", "workspace.duckdb")
	w, err := Open(ctx, path)
	if err != nil || !w.Created() {
		t.Fatalf("open new: %v created=%v", err, w != nil && w.Created())
	}
	mustImport(t, w, writeFile(t, t.TempDir(), "people.csv", peopleCSV), ImportOptions{})
	w.Close()

	// Another process holds the workspace: the error says so plainly.
	holder := exec.Command(os.Args[0], "-test.run=TestHoldWorkspace")
	holder.Env = append(os.Environ(), "SEGSCOPE_HOLD="+path)
	stdout, _ := holder.StdoutPipe()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Process.Kill()
	buf := make([]byte, 5)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "ready" {
		t.Fatalf("holder did not start: %q %v", buf, err)
	}
	_, err = Open(ctx, path)
	if !errors.Is(err, ErrWorkspaceLocked) || !strings.Contains(err.Error(), "--workspace") {
		t.Fatalf("locked open: %v", err)
	}
	holder.Process.Kill()
	holder.Wait()

	w, err = Open(ctx, path)
	if err != nil || w.Created() {
		t.Fatalf("reopen: %v", err)
	}
	defer w.Close()
	if n, err := w.Count(ctx, "people", ""); err != nil || n != 4 {
		t.Fatalf("people after reopen: %d, %v", n, err)
	}

	notDB := writeFile(t, t.TempDir(), "notes.duckdb", "just text, not a database\n")
	if _, err := Open(ctx, notDB); err == nil || !strings.Contains(err.Error(), "not a DuckDB workspace") {
		t.Fatalf("open a text file: %v", err)
	}
	if _, err := Open(ctx, t.TempDir()); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("open a directory: %v", err)
	}
}

// TestHoldWorkspace is the other process of TestWorkspacePersistsAndLocks.
func TestHoldWorkspace(t *testing.T) {
	path := os.Getenv("SEGSCOPE_HOLD")
	if path == "" {
		return
	}
	w, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fmt.Print("ready")
	time.Sleep(time.Minute)
}

func TestCancelInterruptsQuery(t *testing.T) {
	t.Parallel()
	w := openMemory(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// Uncancelled, this would run for hours: returning at all shows the interrupt works.
	_, err := w.Query(ctx, `select count(*) from range(100000000000) a`, 1)
	if err == nil || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("cancelled query: %v", err)
	}
}

func TestDeepSortedPagesMatchOffset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id,score,plan\n")
	// Five times the top-N reach, so that some pages lie away from both ends.
	const n = 5 * shallowOffset
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d,%d,%s\n", i, (i*7919)%1000, []string{"basic", "premium", "family"}[i%3])
	}
	path := writeFile(t, dir, "big.csv", b.String())
	mustImport(t, w, path, ImportOptions{})
	check := func(p Page, want string) {
		t.Helper()
		got, err := w.Rows(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := w.Query(ctx, want, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Rows) != len(ref.Rows) || len(got.Rows) == 0 {
			t.Fatalf("%+v: %d rows, want %d", p, len(got.Rows), len(ref.Rows))
		}
		for i := range got.Rows {
			if FormatValue(got.Rows[i][0]) != FormatValue(ref.Rows[i][0]) {
				t.Fatalf("%+v row %d: id %v, want %v", p, i, got.Rows[i][0], ref.Rows[i][0])
			}
		}
	}
	for _, offset := range []int64{0, shallowOffset + 5, n - 50} {
		check(Page{Table: "big", OrderBy: "score", Desc: true, Offset: offset, Limit: 40},
			fmt.Sprintf(`select id from big order by score desc, id limit 40 offset %d`, offset))
	}
	check(Page{Table: "big", Where: `"plan" <> 'basic'`, OrderBy: "score", Offset: 2*shallowOffset + 100, Limit: 40},
		fmt.Sprintf(`select id from big where plan <> 'basic' order by score, id limit 40 offset %d`, 2*shallowOffset+100))
	// A re-import replaces the table: no page may come from the old ordering.
	mustImport(t, w, writeFile(t, dir, "big.csv", strings.Replace(b.String(), "\n0,0,basic\n", "\n0,5000,basic\n", 1)), ImportOptions{})
	check(Page{Table: "big", OrderBy: "score", Desc: true, Offset: shallowOffset + 5, Limit: 40},
		fmt.Sprintf(`select id from big order by score desc, id limit 40 offset %d`, shallowOffset+5))
	got, _ := w.Rows(ctx, Page{Table: "big", OrderBy: "score", Desc: true, Offset: 0, Limit: 1})
	if FormatValue(got.Rows[0][0]) != "0" {
		t.Fatalf("after re-import the top row is %v", got.Rows[0][0])
	}
}
