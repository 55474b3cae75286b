package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/colorprofile"

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

// jsonValue keeps numbers and booleans as JSON scalars and renders the rest as text.
func jsonValue(v any) any {
	switch v.(type) {
	case nil, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64:
		return v
	}
	return query.FormatValue(v)
}

// thousands is how the CLI writes counts.
var thousands = query.FormatCount
