package query

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/segscope/segscope/query/counts"
)

// csvPlan is how a CSV file is read: what DuckDB's sniffer found, corrected where
// real exports fool it, and the column types segscope insists on.
type csvPlan struct {
	options   []string          // read_csv arguments besides the types
	columns   []Column          // as sniffed
	types     map[string]string // column → type forced on the reader
	delimiter string
	quote     string
	skip      int
	header    bool
	// headerLine is the header as it stands in the file, to recognise it repeated.
	headerLine string
}

// reader is the read_csv call of the plan, keeping rejected rows aside.
func (p *csvPlan) reader() string {
	opts := append(p.arguments(), "store_rejects = true", "rejects_table = '"+rejectsTable+"'", "rejects_scan = '"+rejectsScan+"'")
	return "read_csv(" + strings.Join(opts, ", ") + ")"
}

// arguments are read_csv's arguments for the plan: the path, the dialect and
// the types forced on the reader.
func (p *csvPlan) arguments() []string {
	opts := slices.Clone(p.options)
	if len(p.types) > 0 {
		var fields []string
		for _, name := range slices.Sorted(maps.Keys(p.types)) {
			fields = append(fields, QuoteString(name)+": "+QuoteString(p.types[name]))
		}
		opts = append(opts, "types = {"+strings.Join(fields, ", ")+"}")
	}
	return opts
}

// planCSV sniffs the file and decides how to read it.
func planCSV(ctx context.Context, tx *sql.Tx, src *sourceFile, link string, res *ImportResult) (*csvPlan, error) {
	p := &csvPlan{options: []string{QuoteString(link)}, types: map[string]string{}}
	if src.latin1 {
		p.options = append(p.options, "encoding = 'latin-1'")
	}
	var columns []any
	var skip uint32
	var dateFormat, timeFormat sql.NullString
	sniff := `SELECT Delimiter, Quote, SkipRows, HasHeader, Columns, DateFormat, TimestampFormat FROM sniff_csv(` + strings.Join(p.options, ", ") + `)`
	if err := tx.QueryRowContext(ctx, sniff).Scan(&p.delimiter, &p.quote, &skip, &p.header, &columns, &dateFormat, &timeFormat); err != nil {
		return nil, readError(err)
	}
	p.skip = int(skip)
	// store_rejects changes what the reader's own sniffer decides (a "sep=;" line
	// then reads as data), so the reader gets the dialect sniffed without it.
	quote := p.quote
	if quote == "(empty)" {
		quote = ""
	}
	p.options = append(p.options, "delim = "+QuoteString(p.delimiter), "quote = "+QuoteString(quote), "skip = "+fmt.Sprint(p.skip), "header = "+fmt.Sprint(p.header))
	for _, c := range columns {
		m, _ := c.(map[string]any)
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		p.columns = append(p.columns, Column{Name: name, Type: typ})
	}
	// DuckDB gives up on quoting for the whole file when one quote is unbalanced;
	// say so rather than let quote marks appear in values unexplained.
	if p.quote == "(empty)" && bytes.ContainsRune(src.head, '"') {
		res.Notes = append(res.Notes, "the file's quoting is inconsistent, so quote characters were kept as part of values")
	}
	// The sniffer collapses a file with ragged rows into one column; when the header
	// line clearly has a delimiter, read with it so bad rows are rejected, not merged.
	if len(p.columns) == 1 {
		if delim, ok := headerDelimiter(src.head); ok {
			p.options = append(p.options[:len(p.options)-4], "delim = "+QuoteString(delim), "header = true")
			p.delimiter = delim
			res.Notes = append(res.Notes, fmt.Sprintf("rows do not all have the same number of fields; read with the header's delimiter %q", delim))
			return p, nil
		}
	}
	lines := headLines(src.head)
	if p.skip > 0 && p.skip < len(lines) {
		what := "lines"
		if p.skip == 1 {
			what = "line"
		}
		if strings.HasPrefix(strings.ToLower(lines[0]), "sep=") {
			res.Changes = append(res.Changes, ImportChange{Kind: "header", Count: int64(p.skip), Message: fmt.Sprintf("skipped the %q line above the header (it names the delimiter)", strings.TrimSpace(lines[0]))})
		} else {
			above := "above the header (a title or preamble, not data)"
			if !p.header {
				above = "above the data: they have fewer fields than the rows below, so they read as a title, not a header"
			}
			res.Changes = append(res.Changes, ImportChange{Kind: "header", Count: int64(p.skip), Message: fmt.Sprintf("skipped %d %s %s", p.skip, what, above)})
		}
	}
	records := p.parseHead(lines)
	if p.header && len(records) > 0 {
		p.headerLine = strings.TrimRight(lines[min(p.skip, len(lines)-1)], "\r")
		if why := headerLooksLikeData(records[0]); why != "" {
			p.header = false
			p.options = append(p.options[:len(p.options)-1], "header = false")
			p.columns = nil // re-sniffed by the reader
			res.Changes = append(res.Changes, ImportChange{Kind: "header", Message: fmt.Sprintf("the first line looks like data (%s), so the file was read as having no header: columns are named column0, column1, …", why)})
			return p, nil
		}
		p.noteRenames(records[0], res)
	} else if !p.header {
		res.Changes = append(res.Changes, ImportChange{Kind: "header", Message: "the file has no header line: columns are named column0, column1, …"})
	}
	p.forceExactTypes(records)
	p.noteSniffedTypes(records, dateFormat.String, timeFormat.String, res)
	return p, nil
}

// headLines splits the head of the file into lines, dropping a partial last one.
func headLines(head []byte) []string {
	text := strings.TrimPrefix(string(head), "\ufeff")
	lines := strings.Split(text, "\n")
	if len(lines) > 1 && len(head) >= headSize {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// parseHead reads the header and the first records of the head as the sniffer
// understood the file, for checks DuckDB doesn't make.
func (p *csvPlan) parseHead(lines []string) [][]string {
	if p.skip >= len(lines) || len([]rune(p.delimiter)) != 1 {
		return nil
	}
	r := csv.NewReader(strings.NewReader(strings.Join(lines[p.skip:], "\n")))
	r.Comma = []rune(p.delimiter)[0]
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	var records [][]string
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		records = append(records, rec)
	}
	return records
}

var (
	dataEmail  = lazyRegexp(`^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`)
	dataDate   = lazyRegexp(`^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$`)
	dataNumber = lazyRegexp(`^[-+]?\d*\.\d+$`)
)

// headerLooksLikeData says why a header line is really the first customer row:
// no one names a column after an email address, a date or a decimal number.
func headerLooksLikeData(names []string) string {
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case dataEmail().MatchString(n):
			return fmt.Sprintf("%q is an email address", n)
		case dataDate().MatchString(n):
			return fmt.Sprintf("%q is a date", n)
		case dataNumber().MatchString(n):
			return fmt.Sprintf("%q is a number", n)
		}
	}
	return ""
}

// noteRenames reports the columns DuckDB named differently from the header:
// empty names and repeated names get made-up ones.
func (p *csvPlan) noteRenames(header []string, res *ImportResult) {
	if len(header) != len(p.columns) {
		return
	}
	for i, raw := range header {
		got := p.columns[i].Name
		raw = strings.TrimPrefix(raw, "\ufeff")
		switch {
		case raw == got:
		case strings.TrimSpace(raw) == "":
			res.Changes = append(res.Changes, ImportChange{Kind: "rename", Column: got, Message: fmt.Sprintf("column %d has no name in the file: named %s", i+1, got)})
		default:
			res.Changes = append(res.Changes, ImportChange{Kind: "rename", Column: got, Message: fmt.Sprintf("the name %q is used by more than one column: this one is named %s", raw, got)})
		}
	}
}

// noteSniffedTypes tells what DuckDB's sniffer made of values a person might not
// expect to change: Yes/No flags become true/false, and dates not written the
// ISO way are read with the format it settled on.
func (p *csvPlan) noteSniffedTypes(records [][]string, dateFormat, timeFormat string, res *ImportResult) {
	formats := map[string]string{"DATE": dateFormat, "TIMESTAMP": timeFormat}
	for i, c := range p.columns {
		switch c.Type {
		case "BOOLEAN":
			seen := map[string]bool{}
			var words []string
			for _, rec := range records[min(1, len(records)):] {
				if i < len(rec) {
					v := strings.TrimSpace(rec[i])
					l := strings.ToLower(v)
					if v != "" && l != "true" && l != "false" && !seen[v] {
						seen[v] = true
						words = append(words, v)
					}
				}
			}
			if len(words) > 0 {
				slices.Sort(words)
				res.Changes = append(res.Changes, ImportChange{Kind: "type", Column: c.Name, Message: fmt.Sprintf("%s read as true/false (BOOLEAN); rules may still say %s = '%s'", strings.Join(words, "/"), c.Name, words[len(words)-1])})
			}
		case "DATE", "TIMESTAMP":
			if f := formats[c.Type]; f != "" && !strings.HasPrefix(f, "%Y-%m-%d") {
				res.Changes = append(res.Changes, ImportChange{Kind: "type", Column: c.Name, Message: fmt.Sprintf("dates written %s read as %s", readableDateFormat(f), c.Type)})
			}
		}
	}
}

// readableDateFormat writes a strptime format the way people write dates: %d/%m/%Y as dd/mm/yyyy.
func readableDateFormat(f string) string {
	return strings.NewReplacer("%d", "dd", "%m", "mm", "%Y", "yyyy", "%y", "yy", "%H", "hh", "%M", "mm", "%S", "ss").Replace(f)
}

// wholeNumber is an integer, possibly written as a decimal with zero fraction (12923.0).
var wholeNumber = lazyRegexp(`^[-+]?\d+(\.0*)?$`)

// forceExactTypes reads identifiers and long whole numbers as text, which refine
// then turns into exact integers: the sniffer would read 12923.0 or
// 123456789012345678901 as DOUBLE, and a DOUBLE rounds beyond 2^53.
func (p *csvPlan) forceExactTypes(records [][]string) {
	for i, c := range p.columns {
		if c.Type != "DOUBLE" && c.Type != "BIGINT" {
			continue
		}
		if c.Type == "DOUBLE" && keyNameRank(c.Name) > 0 {
			p.types[c.Name] = "VARCHAR"
			continue
		}
		for _, rec := range records[min(1, len(records)):] {
			if i < len(rec) {
				v := strings.TrimSpace(rec[i])
				if wholeNumber().MatchString(v) && len(strings.TrimLeft(strings.SplitN(v, ".", 2)[0], "+-0")) > 15 {
					p.types[c.Name] = "VARCHAR"
					break
				}
			}
		}
	}
}

// reject is a line DuckDB could not read.
type reject struct {
	line     int64
	column   string
	kind     string
	csvLine  string
	message  string
	castOnly bool
}

// readRejects lists the rejected lines of the last read and clears them.
func readRejects(ctx context.Context, tx *sql.Tx) ([]reject, error) {
	rows, err := tx.QueryContext(ctx, `SELECT line, coalesce(column_name, ''), CAST(error_type AS VARCHAR), coalesce(csv_line, ''), coalesce(error_message, '') FROM `+rejectsTable+` ORDER BY line`)
	if err != nil {
		return nil, fmt.Errorf("count rejected rows: %w", err)
	}
	var out []reject
	for rows.Next() {
		var r reject
		if err := rows.Scan(&r.line, &r.column, &r.kind, &r.csvLine, &r.message); err != nil {
			rows.Close()
			return nil, fmt.Errorf("count rejected rows: %w", err)
		}
		r.castOnly = r.kind == "CAST"
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count rejected rows: %w", err)
	}
	for _, t := range []string{rejectsTable, rejectsScan} {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS temp.`+t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rejectWords says what went wrong with a line in plain words.
var rejectWords = map[string]string{
	"CAST":                   "a value doesn't fit its column's type",
	"MISSING COLUMNS":        "too few fields",
	"TOO MANY COLUMNS":       "too many fields",
	"UNQUOTED VALUE":         "a quote in the middle of a value",
	"LINE SIZE OVER MAXIMUM": "the line is too long",
	"INVALID ENCODING":       "characters that aren't valid text",
	"INVALID UNICODE":        "characters that aren't valid text",
}

// summariseRejects turns rejected lines into changes: repeated header lines are
// dropped on purpose; the rest are counted by what was wrong, with the first example.
func summariseRejects(rejects []reject, headerLine string, res *ImportResult) {
	lines := map[int64]bool{}
	headers := map[int64]bool{}
	byKind := map[string][]reject{}
	for _, r := range rejects {
		if headerLine != "" && strings.TrimRight(r.csvLine, "\r\n") == headerLine {
			headers[r.line] = true
			continue
		}
		if lines[r.line] {
			continue
		}
		lines[r.line] = true
		byKind[r.kind] = append(byKind[r.kind], r)
	}
	if n := int64(len(headers)); n > 0 {
		res.Changes = append(res.Changes, ImportChange{Kind: "header", Count: n, Message: fmt.Sprintf("removed %s repeating the header", counts.Of(n, "line", "lines"))})
	}
	res.Rejected = int64(len(lines))
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		rs := byKind[kind]
		words := rejectWords[kind]
		if words == "" {
			words = strings.ToLower(kind)
		}
		first := rs[0]
		where := fmt.Sprintf("line %d", first.line)
		if first.column != "" {
			where += ", column " + first.column
		}
		res.Changes = append(res.Changes, ImportChange{Kind: "rows", Column: first.column, Count: int64(len(rs)),
			Message: fmt.Sprintf("%s rejected: %s (first at %s)", counts.Of(int64(len(rs)), "row", "rows"), words, where)})
	}
}
