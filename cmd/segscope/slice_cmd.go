package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/events"
)

func (a *app) sliceCmd() *cobra.Command {
	var (
		by      []string
		measure string
		months  bool
		text    string
		limit   int
	)
	cmd := &cobra.Command{
		Use:   "slice TABLE --by COL[,COL2] [--measure count|share|sum:COL|avg:COL|rate:COL=VALUE] [--months] [--rule R]",
		Short: "Group a table by one or two columns, as the Slice screen does",
		Long: "Group a table by one or two columns with each group's count and share of the rows, and a measure if\n" +
			"asked for: sum:COL, avg:COL, or rate:COL=VALUE (the share of the group's COL equal to VALUE, e.g.\n" +
			"rate:churned=true). Numeric columns are binned into round ranges; --months groups dates by month.\n" +
			"--rule limits the rows to those a rule selects. Groups by personal-data columns are masked unless\n" +
			"--reveal is given (audited).\n\n" +
			"An audience with event tables (segscope events setup) can also be grouped by a measure of each\n" +
			"person's events, binned like a number: count(TABLE) (events per person, 0 for none), amount(TABLE)\n" +
			"(the setup's amount, summed) or days_since_last(TABLE) (to the as-of time; none for no events).",
		Example: `  segscope slice subscribers --by plan --measure rate:churned=true
  segscope slice subscribers --by country,plan --rule "age >= 18" --format csv
  segscope slice subscribers --by signup_date --months --measure avg:watch_hours_30d
  segscope slice subscribers --by "count(views)" --measure rate:churned=true`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, err := parseMeasure(measure)
			if err != nil {
				return err
			}
			if len(by) == 0 || len(by) > 2 {
				return fmt.Errorf("name one or two columns to group by with --by COL[,COL2]")
			}
			if limit <= 0 {
				return fmt.Errorf("the --limit flag must be positive")
			}
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			table := args[0]
			g := query.Grouping{Table: table, By: by, Measure: m, Months: months, Limit: limit}
			if text != "" {
				if text, err = ruleArg(text, cmd.InOrStdin()); err != nil {
					return err
				}
				p, err := segments.PreviewRule(ctx, ws, table, text)
				if err != nil {
					return err
				}
				g.Where = p.Where
				a.note("%s of %s rows match the rule", thousands(p.Count), thousands(p.Total))
			}
			res, err := events.Group(ctx, ws, g)
			if err != nil {
				return err
			}
			if res.Truncated {
				a.note("the %d largest groups shown (--limit)", limit)
			}
			kinds, err := ws.PersonalData(ctx, table)
			if err != nil {
				return err
			}
			grouped := map[string]bool{}
			for _, c := range by {
				grouped[c] = true
			}
			for c := range kinds {
				if !grouped[c] {
					delete(kinds, c) // only the group labels come from the table's values
				}
			}
			mask, err := a.gate(ctx, ws, personal{subject: table, kinds: kinds,
				details: map[string]string{"table": table, "command": "slice", "by": strings.Join(by, ", ")}})
			if err != nil {
				return err
			}
			return a.printSlice(masked(res, mask, nil), len(by), m)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&by, "by", nil, "one or two columns to group by (comma-separated), or a measure of events such as count(views)")
	f.StringVar(&measure, "measure", "count", "count, share, sum:COL, avg:COL or rate:COL=VALUE (count and share are always shown)")
	f.BoolVar(&months, "months", false, "group dates and timestamps by calendar month")
	f.StringVar(&text, "rule", "", "only the rows this rule selects; "+ruleFlagHelp)
	f.IntVar(&limit, "limit", 500, "at most this many groups, the largest")
	return cmd
}

// parseMeasure reads --measure: count and share are in every slice, so they
// ask for nothing more.
func parseMeasure(s string) (query.Measure, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "count", "share":
		return query.Measure{}, nil
	}
	fn, arg, ok := strings.Cut(s, ":")
	fn = strings.ToLower(fn)
	bad := fmt.Errorf("measure %q: use count, share, sum:COL, avg:COL or rate:COL=VALUE", s)
	if !ok || arg == "" {
		return query.Measure{}, bad
	}
	switch fn {
	case "sum", "avg":
		return query.Measure{Func: fn, Column: arg}, nil
	case "rate":
		col, value, ok := strings.Cut(arg, "=")
		if !ok || col == "" || value == "" {
			return query.Measure{}, fmt.Errorf("measure %q: a rate names the column and the value it counts, e.g. rate:churned=true", s)
		}
		return query.Measure{Func: fn, Column: col, Value: value}, nil
	}
	return query.Measure{}, bad
}

// printSlice prints a group-by: raw numbers in CSV and JSON, and for people
// counts with separators and shares and rates as percentages.
func (a *app) printSlice(res *query.Result, labels int, m query.Measure) error {
	pr := a.printer()
	if a.format != "table" {
		return pr.result(res)
	}
	headers := make([]string, len(res.Columns))
	numeric := map[int]bool{}
	for i, c := range res.Columns {
		headers[i] = c.Name
		numeric[i] = i >= labels
	}
	rows := make([][]string, len(res.Rows))
	for r, row := range res.Rows {
		rows[r] = make([]string, len(row))
		for i, v := range row {
			switch {
			case i < labels:
				rows[r][i] = query.FormatValue(v)
				if v == nil {
					rows[r][i] = "(none)"
				}
			case i == labels:
				n, _ := v.(int64)
				rows[r][i] = pr.count(n)
			case i == labels+1 || (i == labels+2 && m.Func == "rate"):
				if f, ok := v.(float64); ok {
					rows[r][i] = pr.share(f)
				}
			default:
				if f, ok := toFloat(v); ok {
					rows[r][i] = pr.number(&f)
				} else {
					rows[r][i] = query.FormatValue(v)
				}
			}
		}
	}
	return pr.table(headers, rows, numeric, nil)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	}
	return 0, false
}
