package export

import (
	"fmt"
	"path/filepath"
	"strings"
)

// extensions maps a file name's ending to the format it promises. Customer-match
// files are CSV files, so .csv suits them too (see Extension).
var extensions = map[string]Format{
	".csv":     CSV,
	".tsv":     TSV,
	".tab":     TSV,
	".parquet": Parquet,
	".json":    JSON,
	".ndjson":  NDJSON,
	".jsonl":   NDJSON,
}

// Extension is the ending a file of format f should have, with its dot.
func Extension(f Format) string {
	if f.customerMatch() {
		return ".csv"
	}
	return "." + string(f)
}

// FormatOf reads the format a file name promises from its extension; false when
// the name promises none (no extension, or one no format uses).
func FormatOf(path string) (Format, bool) {
	f, ok := extensions[strings.ToLower(filepath.Ext(path))]
	return f, ok
}

// CheckExtension refuses a file name whose extension promises another format
// than f: a Parquet file named .csv opens as garbage in a spreadsheet. A name
// with no known extension is the person's choice.
func CheckExtension(path string, f Format) error {
	named, ok := FormatOf(path)
	if !ok || named == f || (f.customerMatch() && named == CSV) {
		return nil
	}
	ext := filepath.Ext(path)
	return fmt.Errorf("the file name %s ends in %s, which is not a %s file: name it %s", filepath.Base(path), ext, f,
		strings.TrimSuffix(filepath.Base(path), ext)+Extension(f))
}
