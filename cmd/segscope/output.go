package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/colorprofile"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query"
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
		return query.FormatCount(n)
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
var thousands = query.FormatCount
