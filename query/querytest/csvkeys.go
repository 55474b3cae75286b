package querytest

import (
	"encoding/csv"
	"os"
	"slices"
	"testing"
)

// CSVKeys reads the first column of a CSV file with a header, as an export
// writes its key first, sorted.
func CSVKeys(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, r := range recs[1:] {
		out = append(out, r[0])
	}
	slices.Sort(out)
	return out
}
