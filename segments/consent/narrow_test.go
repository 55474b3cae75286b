package consent

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/segscope/segscope/query"
)

// A view of attached files has no size in the catalog; its recorded row count
// tells a small population from a large one, as a table's size does.
func TestNarrowOnAttachedTable(t *testing.T) {
	ctx := context.Background()
	ws, err := query.Open(ctx, query.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	path := filepath.Join(t.TempDir(), "people.parquet")
	if _, err := ws.DB().ExecContext(ctx, `COPY (SELECT range AS person_id, range % 10 AS decile FROM range(1000)) TO `+query.QuoteString(path)+` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Attach(ctx, path, query.AttachOptions{}); err != nil {
		t.Fatal(err)
	}
	s := newService(ws)
	for where, want := range map[string]bool{`"decile" = 3`: true, `"decile" < 8`: false} {
		if got, err := s.narrow(ctx, "people", where); err != nil || got != want {
			t.Errorf("narrow(%s) = %v, %v; want %v", where, got, err, want)
		}
	}
}
