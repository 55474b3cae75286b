package export

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
)

// contactsCSV is a customer file whose emails sit in a column named "contact":
// only its content says it is personal data.
func contactsCSV() string {
	var b strings.Builder
	b.WriteString("customer_id,contact,tier,spend\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,person%d@example.com,%s,%d\n", i+1, i%4, []string{"gold", "silver"}[i%2], 10*i)
	}
	return b.String()
}

// An export that names no columns leaves out personal data found by content,
// as it does personal data found by name, and the manifest says so.
func TestExportWithholdsPersonalDataFoundByContent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "customers", contactsCSV())
	define(t, ws, "gold", "customers", "tier = 'gold'")
	path := filepath.Join(t.TempDir(), "gold.csv")
	res, err := newExporter(ws).Export(ctx, Request{Acknowledge: acknowledged, Segment: "gold", Format: CSV, Path: path})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(data), "\n")
	if strings.Contains(header, "contact") || strings.Contains(string(data), "@example.com") {
		t.Errorf("the export holds the contact column:\n%s", data)
	}
	if !slices.Equal(res.Manifest.WithheldPII, []string{"contact"}) {
		t.Errorf("withheld %v, want [contact]", res.Manifest.WithheldPII)
	}
	// Named, it goes: the person asked for it.
	path2 := filepath.Join(t.TempDir(), "gold2.csv")
	if _, err := newExporter(ws).Export(ctx, Request{Acknowledge: acknowledged, Segment: "gold", Format: CSV, Path: path2, Columns: []string{"contact"}}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path2); !strings.Contains(string(data), "@example.com") {
		t.Errorf("a named contact column was left out:\n%s", data)
	}
}
