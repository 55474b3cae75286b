package export

import (
	"strings"
	"testing"
)

func TestFileNameAndFormat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path   string
		format Format
		want   string // "" when the name suits the format
	}{
		{"out.csv", CSV, ""},
		{"OUT.CSV", CSV, ""},
		{"dir.v2/out.tsv", TSV, ""},
		{"out.jsonl", NDJSON, ""},
		{"ads.csv", GoogleAds, ""},
		{"ads.csv", Meta, ""},
		{"out.dat", Parquet, ""},
		{"out", JSON, ""},
		{"out.csv", Parquet, "the file name out.csv ends in .csv, which is not a parquet file: name it out.parquet"},
		{"out.csv", JSON, "name it out.json"},
		{"ads.parquet", GoogleAds, "name it ads.csv"},
		{"out.json", NDJSON, "name it out.ndjson"},
	} {
		err := CheckExtension(c.path, c.format)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckExtension(%q, %s) = %v, want %q", c.path, c.format, err, c.want)
		}
	}
	for path, want := range map[string]Format{"a.csv": CSV, "a.TSV": TSV, "a.tab": TSV, "a.parquet": Parquet, "a.json": JSON, "a.ndjson": NDJSON} {
		if got, ok := FormatOf(path); !ok || got != want {
			t.Errorf("FormatOf(%q) = %s, %v; want %s", path, got, ok, want)
		}
	}
	for _, path := range []string{"a", "a.txt", "a.csv.gz", "a.csv/"} {
		if got, ok := FormatOf(path); ok {
			t.Errorf("FormatOf(%q) = %s, want none", path, got)
		}
	}
	for _, f := range Formats {
		if got, ok := FormatOf("x" + Extension(f)); !ok || CheckExtension("x"+Extension(f), f) != nil || (!f.customerMatch() && got != f) {
			t.Errorf("Extension(%s) = %s does not round-trip", f, Extension(f))
		}
	}
}
