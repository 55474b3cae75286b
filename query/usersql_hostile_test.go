package query_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

func render(res *query.Result) string {
	if res == nil {
		return ""
	}
	var b strings.Builder
	for _, c := range res.Columns {
		b.WriteString(c.Name + " ")
	}
	for _, row := range res.Rows {
		b.WriteString("\n")
		for _, v := range row {
			b.WriteString(query.FormatValue(v) + " ")
		}
	}
	return b.String()
}

// The adversarial suite through Query, on a workspace file (private locked
// instance plus allow-list) and on an in-memory workspace (allow-list alone).
func TestHostileSQLThroughQuery(t *testing.T) {
	secrets := querytest.PlantSecrets(t)
	statements := querytest.HostileStatements(secrets)
	if len(statements) < 80 {
		t.Fatalf("the suite has %d statements, want at least 80", len(statements))
	}
	workspaces := map[string]*query.Workspace{
		"file":   querytest.SampleCopy(t),
		"memory": querytest.Sample(t),
	}
	for name, ws := range workspaces {
		before, err := ws.Tables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range statements {
			res, err := ws.Query(context.Background(), h.SQL, 100)
			secrets.Check(t, h, name+": "+render(res), err)
		}
		after, err := ws.Tables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Errorf("%s: the workspace's tables changed:\n%v\n%v", name, before, after)
		}
	}
	secrets.Untouched(t)
}

// Layer 1 on its own: with the allow-list skipped, DuckDB in the private
// instance still cannot read, list or write a file, nor change the workspace.
func TestLockedInstanceCannotTouchFiles(t *testing.T) {
	ctx := context.Background()
	secrets := querytest.PlantSecrets(t)
	ws := querytest.SampleCopy(t)
	n, err := ws.Count(ctx, "subscribers", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range querytest.HostileStatements(secrets) {
		conn, closeAll, err := ws.OpenLockedInstance(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		rows, err := conn.QueryContext(ctx, h.SQL)
		if err == nil {
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err == nil {
					fmt.Fprintln(&out, vals...)
				}
			}
			err = rows.Err()
			rows.Close()
		}
		closeAll()
		text := out.String()
		if err != nil {
			text += err.Error()
		}
		for _, secret := range []string{secrets.Marker, secrets.NameMarker} {
			if strings.Contains(text, secret) {
				t.Errorf("%s\nread a planted file with the allow-list skipped:\n%s", h.SQL, text)
			}
		}
	}
	secrets.Untouched(t)
	if after, err := ws.Count(ctx, "subscribers", ""); err != nil || after != n {
		t.Fatalf("subscribers has %d rows after the raw statements (was %d): %v", after, n, err)
	}
}

func TestQueryStreamsToTheLimit(t *testing.T) {
	t.Parallel()
	for name, ws := range map[string]*query.Workspace{
		"file":   querytest.SampleCopy(t, "subscribers"),
		"memory": querytest.Empty(t),
	} {
		// Ten billion rows would not fit in memory if the result were
		// materialised before the first row is read.
		res, err := ws.Query(context.Background(), `select * from range(10000000000)`, 5)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res.Rows) != 5 || !res.Truncated {
			t.Fatalf("%s: %d rows, truncated %v; want 5 rows of more", name, len(res.Rows), res.Truncated)
		}
		// Order, comments and a trailing semicolon survive the limit.
		res, err = ws.Query(context.Background(), "select * from range(10) order by range desc -- newest first;\n;", 3)
		if err != nil || render(res) != "range \n9 \n8 \n7 " {
			t.Fatalf("%s: ordered query under a limit: %q, %v", name, render(res), err)
		}
	}
}

func TestCancelledQueryStops(t *testing.T) {
	t.Parallel()
	ws := querytest.SampleCopy(t, "subscribers")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ws.Query(ctx, `select count(*) from range(1000000000) a, range(1000000) b where a.range + b.range = 7`, 10)
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, query.ErrCancelled) || !strings.Contains(err.Error(), "cancelled") {
			t.Fatalf("cancelled query: %v, want an error saying it was cancelled", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the query went on after its context was cancelled")
	}
	// The workspace is still usable.
	if _, err := ws.Query(context.Background(), `select count(*) from subscribers`, 10); err != nil {
		t.Fatal(err)
	}
}

func TestQueryMemoryLimit(t *testing.T) {
	ws := querytest.SampleCopy(t, "subscribers")
	limit, err := query.ParseMemoryLimit("64MiB")
	if err != nil {
		t.Fatal(err)
	}
	query.SetQueryMemoryLimit(limit)
	t.Cleanup(func() { query.SetQueryMemoryLimit(0) })
	// A list of 100 million integers needs about 800 MB.
	_, err = ws.Query(context.Background(), `select list(range) from range(100000000)`, 10)
	if err == nil || !strings.Contains(err.Error(), "memory") || !strings.Contains(err.Error(), "--memory-limit") {
		t.Fatalf("query beyond the memory limit: %v", err)
	}
	query.SetQueryMemoryLimit(0)
	def, err := query.QueryMemoryLimit()
	if err != nil || def <= 64<<20 {
		t.Fatalf("default limit %d, %v", def, err)
	}
}

func TestParseMemoryLimit(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"2GB": 2e9, "512MiB": 512 << 20, "1.5 GB": 1.5e9, "100000000": 1e8, "64 mib": 64 << 20,
	} {
		if got, err := query.ParseMemoryLimit(in); err != nil || got != want {
			t.Errorf("ParseMemoryLimit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if got, err := query.ParseMemoryLimit("10%"); err != nil || got <= 0 {
		t.Errorf("10%%: %d, %v", got, err)
	}
	for _, bad := range []string{"", "abc", "-1GB", "2 parsecs", "1KB", "150%", "0"} {
		if _, err := query.ParseMemoryLimit(bad); err == nil {
			t.Errorf("ParseMemoryLimit(%q) accepted", bad)
		}
	}
}

// Each query sees every write committed before it, even ones the workspace
// has not checkpointed into the file yet.
func TestQuerySeesCommittedWrites(t *testing.T) {
	t.Parallel()
	ws := querytest.SampleCopy(t, "subscribers")
	if _, err := ws.Query(context.Background(), `select count(*) from subscribers`, 10); err != nil {
		t.Fatal(err)
	}
	querytest.ImportCSV(t, ws, "late", "id,name\n1,a\n2,b\n")
	res, err := ws.Query(context.Background(), `select count(*) from late`, 10)
	if err != nil || render(res) != "count_star() \n2 " {
		t.Fatalf("new table: %q, %v", render(res), err)
	}
}
