package export

import (
	"context"
	"database/sql"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/consent"
)

// copyOptions are DuckDB's COPY options for each format DuckDB writes itself.
// USE_TMP_FILE is off because the export already writes to a temporary file of its
// own: DuckDB's would be left behind, under a name we do not know, if the COPY
// were interrupted.
var copyOptions = map[Format]string{
	CSV:     "FORMAT csv, HEADER true, USE_TMP_FILE false",
	TSV:     "FORMAT csv, HEADER true, DELIMITER '\t', USE_TMP_FILE false",
	Parquet: "FORMAT parquet, COMPRESSION zstd, USE_TMP_FILE false",
	JSON:    "FORMAT json, ARRAY true, USE_TMP_FILE false",
	NDJSON:  "FORMAT json, USE_TMP_FILE false",
}

// copySelect is the query whose rows a COPY export writes, in key order so the same
// segment gives the same file. The key passes through the progress function. The
// cells of the columns in guard (column name → DuckDB type) that a spreadsheet
// could run as formulas are neutralised; the others are written as they are.
func copySelect(table, key, where string, columns []string, guard map[string]string) string {
	return copySelectFrom("main."+query.QuoteIdent(table)+"\nWHERE "+where, key, columns, guard)
}

// copyKeptSelect is copySelect over the members a gate kept as granted in the
// table kept (see consent.Gate.Kept), which holds only the population's
// members: a join to it costs a COPY of a million rows less than the
// gate's IN predicate. The join is inside a subquery projecting the audience
// table's columns alone, so none of the kept table's names can clash with them.
func copyKeptSelect(table, key, kept string, columns []string, guard map[string]string) string {
	return copySelectFrom("(SELECT t.* FROM main."+query.QuoteIdent(table)+" AS t JOIN "+kept+
		" AS g ON g.person = t."+query.QuoteIdent(key)+" AND g.state = '"+string(consent.Granted)+"')", key, columns, guard)
}

func copySelectFrom(from, key string, columns []string, guard map[string]string) string {
	cols := make([]string, len(columns))
	for i, c := range columns {
		q := query.QuoteIdent(c)
		v := q
		if typ, ok := guard[c]; ok {
			v = neutralise(c, typ)
		}
		switch {
		case c == key:
			v = "CASE WHEN " + progressFunction + "() THEN " + v + " END AS " + q
		case v != q:
			v += " AS " + q
		}
		cols[i] = v
	}
	return "SELECT " + strings.Join(cols, ", ") + "\nFROM " + from + "\nORDER BY " + query.QuoteIdent(key)
}

// writeCopy has DuckDB write the rows of sel to path and returns how many it
// wrote, and how many cells it neutralised. The counting functions must be
// registered already (registerFunctions).
func writeCopy(ctx context.Context, conn *sql.Conn, sel string, format Format, path string, report func(int64)) (rows, neutralised int64, err error) {
	ctx, c := withCounter(ctx, report)
	res, err := conn.ExecContext(ctx, "COPY (\n"+sel+"\n) TO "+query.QuoteString(path)+" ("+copyOptions[format]+")")
	if err != nil {
		return 0, 0, err
	}
	rows, err = res.RowsAffected()
	return rows, c.neutralised.Load(), err
}

// oneRead runs fn, which only reads, in one transaction on conn, so that its
// statements see one state of the data. The transaction ends with a context
// that outlives ctx: a cancelled statement would otherwise leave it open on a
// connection that goes back to the pool.
func oneRead(ctx context.Context, conn *sql.Conn, fn func() error) error {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	end := context.WithoutCancel(ctx)
	if err := fn(); err != nil {
		conn.ExecContext(end, "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(end, "COMMIT"); err != nil {
		conn.ExecContext(end, "ROLLBACK")
		return err
	}
	return nil
}
