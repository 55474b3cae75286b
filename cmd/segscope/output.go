package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"math/big"
	"os"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/colorprofile"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
)

// printer writes results in the --format the user chose: a Lip Gloss table for
// people, CSV for spreadsheets and pipes, JSON for programs.
type printer struct {
	w       io.Writer
	format  string
	noColor bool
}

func (a *app) printer() printer { return printer{w: a.out, format: a.format, noColor: a.noColor} }

// colorWriter downsamples colours to what the terminal supports, and drops them
// for NO_COLOR, --no-color or a pipe.
func (p printer) colorWriter() io.Writer {
	cw := colorprofile.NewWriter(p.w, os.Environ())
	if p.noColor {
		cw.Profile = colorprofile.NoTTY
	}
	return cw
}

var (
	headerStyle = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#7D56F4")).Padding(0, 1)
	cellStyle   = lipgloss.NewStyle().Padding(0, 1)
	numberStyle = cellStyle.Align(lipgloss.Right)
	borderStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("#6C6C6C"))
	noteStyle   = lipgloss.NewStyle().Faint(true)
)

// table prints rows under headers; value is what --format json prints instead.
// rightAligned marks numeric columns.
func (p printer) table(headers []string, rows [][]string, rightAligned map[int]bool, value any) error {
	switch p.format {
	case "json":
		return p.json(value)
	case "csv":
		cw := csv.NewWriter(p.w)
		cw.Write(headers)
		cw.WriteAll(rows)
		return cw.Error()
	}
	t := table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(borderStyle).
		Headers(headers...).
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			switch {
			case row == table.HeaderRow:
				return headerStyle
			case rightAligned[col]:
				return numberStyle
			}
			return cellStyle
		})
	_, err := lipgloss.Fprintln(p.colorWriter(), t.Render())
	return err
}

func (p printer) json(value any) error {
	enc := json.NewEncoder(p.w)
	enc.SetIndent("", "  ")
	return enc.Encode(value)
}

// note prints a line of commentary for people; machines asking for CSV or JSON on
// stdout get it on stderr so their data stays clean.
func (a *app) note(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if a.format != "table" {
		fmt.Fprintln(a.errOut, line)
		return
	}
	p := a.printer()
	fmt.Fprintln(p.colorWriter(), noteStyle.Render(line))
}

// result prints a query.Result in the chosen format.
func (p printer) result(res *query.Result) error {
	headers := make([]string, len(res.Columns))
	numeric := map[int]bool{}
	for i, c := range res.Columns {
		headers[i] = c.Name
		numeric[i] = query.Numeric(c.Type)
	}
	rows := make([][]string, len(res.Rows))
	for i, r := range res.Rows {
		rows[i] = make([]string, len(r))
		for j, v := range r {
			rows[i][j] = query.FormatValue(v)
		}
	}
	if p.format == "json" {
		records := make([]map[string]any, len(res.Rows))
		for i, r := range res.Rows {
			rec := make(map[string]any, len(r))
			for j, v := range r {
				rec[headers[j]] = jsonValue(v)
			}
			records[i] = rec
		}
		return p.json(records)
	}
	return p.table(headers, rows, numeric, nil)
}

// jsonValue keeps numbers and booleans as JSON scalars and renders the rest as
// text. DECIMAL and HUGEINT values are written digit for digit, as JSON numbers;
// JSON has no NaN or infinity, so those are text.
func jsonValue(v any) any {
	switch x := v.(type) {
	case nil, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return v
	case float32:
		return jsonValue(float64(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return query.FormatValue(x)
		}
		return x
	case duckdb.Decimal, *big.Int:
		return json.Number(query.FormatValue(v))
	}
	return query.FormatValue(v)
}

// Cells are for people in a table and for programs in CSV: a program reading
// "7,043" or "55.0%" has to guess, so only --format table dresses numbers up.

// count is a count for a cell: 7,043 in a table, 7043 in CSV.
func (p printer) count(n int64) string {
	if p.format == "table" {
		return counts.Format(n)
	}
	return strconv.FormatInt(n, 10)
}

// share is a fraction for a cell: 55.0% in a table, 0.55 in CSV.
func (p printer) share(f float64) string {
	if p.format == "table" {
		return fmt.Sprintf("%.1f%%", 100*f)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// number is a statistic for a cell: four significant digits in a table, all of
// them in CSV; nothing when there is none.
func (p printer) number(f *float64) string {
	switch {
	case f == nil:
		return ""
	case p.format == "table":
		return fmt.Sprintf("%.4g", *f)
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

// thousands is how notes, which are for people whatever the format, write counts.
var thousands = counts.Format

// personal is the personal data a command is about to print: each column's
// kind (None for the rest), what the columns belong to, and what the audit
// entry of a reveal records besides them.
type personal struct {
	subject string              // the table, segment or "sql"
	kinds   map[string]pii.Kind // column → kind
	details map[string]string
}

// columns are the personal-data columns, sorted.
func (p personal) columns() []string {
	var out []string
	for name, k := range p.kinds {
		if k != pii.None {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// gate decides how personal data is shown, as the console does: masked unless
// --reveal, and a reveal only once the audit log holds it (the console's
// ActionPIIReveal, naming the columns). It returns the kinds to mask by: none
// when revealed.
func (a *app) gate(ctx context.Context, ws *query.Workspace, p personal) (map[string]pii.Kind, error) {
	cols := p.columns()
	if len(cols) == 0 {
		return nil, nil
	}
	if !a.reveal {
		a.note("personal data masked: %s (--reveal shows it; the reveal is audited)", strings.Join(cols, ", "))
		return p.kinds, nil
	}
	details := map[string]string{"columns": strings.Join(cols, ", "), "screen": "cli"}
	kinds := make([]string, len(cols))
	for i, c := range cols {
		kinds[i] = p.kinds[c].String()
	}
	details["kinds"] = strings.Join(kinds, ", ")
	maps.Copy(details, p.details)
	if err := ws.Audit(ctx, query.ActionPIIReveal, p.subject, details); err != nil {
		return nil, fmt.Errorf("personal data stays masked: could not write the audit entry: %w", err)
	}
	a.note("personal data revealed: %s (recorded in the audit log)", strings.Join(cols, ", "))
	return nil, nil
}

// masked is res with the values of personal-data columns masked; kinds is by
// column name, or for a person's query by position (res.PII).
func masked(res *query.Result, kinds map[string]pii.Kind, byPosition []pii.Kind) *query.Result {
	ks := make([]pii.Kind, len(res.Columns))
	personalData := false
	for i, c := range res.Columns {
		if kinds != nil {
			ks[i] = kinds[c.Name]
		} else if i < len(byPosition) {
			ks[i] = byPosition[i]
		}
		personalData = personalData || ks[i] != pii.None
	}
	if !personalData {
		return res
	}
	out := &query.Result{Columns: res.Columns, Truncated: res.Truncated, Rows: make([][]any, len(res.Rows))}
	for r, row := range res.Rows {
		out.Rows[r] = slices.Clone(row)
		for i, k := range ks {
			if k != pii.None && i < len(row) && row[i] != nil {
				out.Rows[r][i] = pii.Mask(k, query.FormatValue(row[i]))
			}
		}
	}
	return out
}

// resultPersonal is the personal data of a result whose kinds are by position.
func resultPersonal(res *query.Result, subject string, details map[string]string) personal {
	p := personal{subject: subject, kinds: map[string]pii.Kind{}, details: details}
	for i, k := range res.PII {
		if k != pii.None && i < len(res.Columns) {
			p.kinds[res.Columns[i].Name] = pii.Stronger(p.kinds[res.Columns[i].Name], k)
		}
	}
	return p
}
