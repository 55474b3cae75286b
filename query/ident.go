package query

import (
	"fmt"
	"strings"
)

// QuoteIdent quotes an identifier for DuckDB. Every identifier that reaches SQL
// passes through here, so a hostile column name is only ever a name.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteString renders a string literal. It is used only where DuckDB takes no
// bound parameter (table-function arguments such as read_csv's path).
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

var tableNamePattern = lazyRegexp(`^[a-z_][a-z0-9_]{0,62}$`)

// ValidTableName reports whether name may name an imported table. Table names
// are plain lowercase identifiers so that they read well in rules, the CLI and SQL.
func ValidTableName(name string) error {
	if !tableNamePattern().MatchString(name) {
		return fmt.Errorf("%q is not a valid table name: use lowercase letters, digits and _ (not starting with a digit)", name)
	}
	return nil
}

// TableNameFromPath derives a table name from a file name: "Subscribers 2026.csv.gz"
// becomes "subscribers_2026".
func TableNameFromPath(path string) string {
	base := path[strings.LastIndexAny(path, `/\`)+1:]
	for {
		dot := strings.LastIndex(base, ".")
		if dot <= 0 {
			break
		}
		ext := strings.ToLower(base[dot+1:])
		if _, known := extensionFormats[ext]; !known && ext != "gz" {
			break
		}
		base = base[:dot]
	}
	var b strings.Builder
	lastUnderscore := false
	for _, r := range strings.ToLower(base) {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		switch {
		case ok:
			b.WriteRune(r)
			lastUnderscore = false
		case !lastUnderscore && b.Len() > 0:
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	name := strings.TrimRight(b.String(), "_")
	if name == "" {
		name = "table"
	}
	if name[0] >= '0' && name[0] <= '9' {
		name = "t_" + name
	}
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}
