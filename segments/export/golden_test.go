package export

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments/consent/consenttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenSegment is small and fixed: the first 60 subscribers of the sample.
const goldenSegment = "subscriber_id <= 60"

var goldenColumns = []string{"plan", "country", "age", "parental_consent", "signup_date", "monthly_price", "churned"}

func TestGoldenFormats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := consenttest.Sample(t)
	define(t, ws, "first_sixty", "subscribers", goldenSegment)
	e := newExporter(ws)
	dir := t.TempDir()
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			req := Request{Acknowledge: acknowledged, Segment: "first_sixty", Format: f, Channel: "email", Path: filepath.Join(dir, "first_sixty."+string(f))}
			if !f.customerMatch() {
				req.Columns = goldenColumns
			} else {
				req.Channel = "" // the ads gate
			}
			res, err := e.Export(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			if f == Parquet {
				got = []byte(dumpParquet(t, ws, res.Path))
			} else if got, err = os.ReadFile(res.Path); err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", string(f)+".golden"), got)
		})
	}
}

// dumpParquet renders a Parquet file as DuckDB reads it back: its schema, then its
// rows. Parquet bytes carry writer details that may change between DuckDB versions;
// the content must not.
func dumpParquet(t *testing.T, ws interface{ DB() *sql.DB }, path string) string {
	t.Helper()
	var b strings.Builder
	for _, line := range keys(t, ws.DB(), `SELECT column_name || ' ' || column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))`, path) {
		b.WriteString(line + "\n")
	}
	rows, err := ws.DB().Query(`SELECT * FROM read_parquet(?)`, path)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		fields := make([]string, len(vals))
		for i, v := range vals {
			fields[i] = fmt.Sprint(v)
		}
		b.WriteString(strings.Join(fields, "|") + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
