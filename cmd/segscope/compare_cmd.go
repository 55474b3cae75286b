package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/compare"
)

func (a *app) compareCmd() *cobra.Command {
	var top int
	var column string
	cmd := &cobra.Command{
		Use:   "compare A [B]",
		Short: "Compare segment A with segment B, or with the rest of its table",
		Long: "Compare two segments of one table, or a segment with the rest of its table: their sizes and\n" +
			"overlap, then every column ranked by how much it differs (Cohen's d and Welch's t-test for\n" +
			"numbers and dates, value shares and a chi-square test for categories, p-values corrected\n" +
			"for testing many columns at once). The first lines answer \"what makes A different from B\".",
		Example: `  segscope compare churn_risk
  segscope compare churn_risk premium --top 5
  segscope compare churn_risk --column plan
  segscope compare churn_risk --format json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			if top <= 0 {
				return fmt.Errorf("the --top flag must be positive")
			}
			b := ""
			if len(args) == 2 {
				b = args[1]
			}
			res, err := compare.Segments(cmd.Context(), a.ws, store, args[0], b)
			if err != nil {
				return err
			}
			if column != "" {
				return a.printColumnDiff(res, column)
			}
			return a.printComparison(res, top)
		}),
	}
	cmd.Flags().IntVar(&top, "top", 15, "how many of the most different columns to show")
	cmd.Flags().StringVar(&column, "column", "", "show one column in detail: every value's share, or the full summary")
	return cmd
}

func (a *app) printComparison(res *compare.Result, top int) error {
	if a.format == "json" {
		return a.printer().json(res)
	}
	a.note("%s: %s rows (%s of %s)   %s: %s rows (%s)", res.A.Name, thousands(res.A.Size), percent(res.A.Share), res.Table,
		res.B.Name, thousands(res.B.Size), percent(res.B.Share))
	if o := res.Overlap; o != nil {
		a.note("overlap: %s in both, %s only in %s, %s only in %s (Jaccard %.3f)", thousands(o.Both),
			thousands(o.AOnly), res.A.Name, thousands(o.BOnly), res.B.Name, o.Jaccard)
		if o.Both > 0 {
			a.note("rows in both count on both sides; the tests assume separate sides, so their p-values are optimistic")
		}
	}
	shown := res.Columns[:min(top, len(res.Columns))]
	rows := make([][]string, len(shown))
	for i, c := range shown {
		sideA, sideB, detail := headline(c, res.A.Name)
		rows[i] = []string{c.Name, string(c.Kind), sideA, sideB, detail, fmt.Sprintf("%.2f", c.Effect), pValue(c.PAdjusted), c.Mark}
	}
	headers := []string{"column", "kind", res.A.Name, sideHeader(res), "d / index", "effect", "p (Holm)", ""}
	if err := a.printer().table(headers, rows, map[int]bool{2: true, 3: true, 4: true, 5: true, 6: true}, nil); err != nil {
		return err
	}
	if len(shown) < len(res.Columns) {
		a.note("the %d most different of %d compared columns (--top)", len(shown), len(res.Columns))
	}
	a.note("numbers: the mean; categories: the value most over-represented in %s. effect: 0.1 small, 0.3 medium, 0.5 large", res.A.Name)
	a.note("*** p < 0.001, ** p < 0.01, * p < 0.05 after the Holm correction across columns")
	if len(res.Skipped) > 0 {
		skipped := make([]string, len(res.Skipped))
		for i, s := range res.Skipped {
			skipped[i] = s.Column + ": " + s.Reason
		}
		a.note("not compared: %s", strings.Join(skipped, "; "))
	}
	return nil
}

// headline is a column's row in the ranking: each side's mean and d, or for a
// category the value most over-represented in A, its shares and index.
func headline(c compare.ColumnDiff, nameA string) (sideA, sideB, detail string) {
	if n := c.Numeric; n != nil {
		return numberText(c.Kind, n.A.Mean), numberText(c.Kind, n.B.Mean), fmt.Sprintf("d %+.2f", n.D)
	}
	top := c.Categorical.Values[0]
	for _, v := range c.Categorical.Values[1:] {
		if v.ShareA-v.ShareB > top.ShareA-top.ShareB {
			top = v
		}
	}
	return top.Value + " " + percent(top.ShareA), top.Value + " " + percent(top.ShareB), indexText(top.Index, nameA)
}

func (a *app) printColumnDiff(res *compare.Result, name string) error {
	c, ok := res.Column(name)
	if !ok {
		for _, s := range res.Skipped {
			if s.Column == name {
				return fmt.Errorf("column %s was not compared: %s", name, s.Reason)
			}
		}
		return fmt.Errorf("table %s has no column %q", res.Table, name)
	}
	pr := a.printer()
	if pr.format == "json" {
		return pr.json(c)
	}
	if cat := c.Categorical; cat != nil {
		a.note("%s (%s): chi-square %.1f, df %d, Cramér's V %.3f, p %s, after Holm %s %s", c.Name, c.Kind,
			cat.ChiSquare, cat.DF, cat.CramersV, pValue(c.P), pValue(c.PAdjusted), c.Mark)
		rows := make([][]string, len(cat.Values))
		for i, v := range cat.Values {
			rows[i] = []string{v.Value, thousands(v.CountA), percent(v.ShareA), thousands(v.CountB), percent(v.ShareB), indexText(v.Index, res.A.Name)}
		}
		headers := []string{c.Name, res.A.Name, "share", sideHeader(res), "share", "index"}
		return pr.table(headers, rows, map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}, nil)
	}
	n := c.Numeric
	a.note("%s (%s): Cohen's d %+.3f, Welch's t %.2f, df %.1f, p %s, after Holm %s %s", c.Name, c.Kind,
		n.D, n.T, n.DF, pValue(c.P), pValue(c.PAdjusted), c.Mark)
	std := "std"
	if c.Kind == compare.Date {
		std = "std (days)"
	}
	rows := [][]string{
		{"values", thousands(n.A.N), thousands(n.B.N)},
		{"nulls", thousands(n.A.Nulls), thousands(n.B.Nulls)},
		{"mean", numberText(c.Kind, n.A.Mean), numberText(c.Kind, n.B.Mean)},
		{std, fmt.Sprintf("%.4g", n.A.Std), fmt.Sprintf("%.4g", n.B.Std)},
		{"min", numberText(c.Kind, n.A.Min), numberText(c.Kind, n.B.Min)},
		{"q25", numberText(c.Kind, n.A.Q25), numberText(c.Kind, n.B.Q25)},
		{"median", numberText(c.Kind, n.A.Median), numberText(c.Kind, n.B.Median)},
		{"q75", numberText(c.Kind, n.A.Q75), numberText(c.Kind, n.B.Q75)},
		{"max", numberText(c.Kind, n.A.Max), numberText(c.Kind, n.B.Max)},
	}
	return pr.table([]string{c.Name, res.A.Name, sideHeader(res)}, rows, map[int]bool{1: true, 2: true}, nil)
}

// sideHeader names B in a table header, where "rest of subscribers" is too wide.
func sideHeader(res *compare.Result) string {
	if res.Rest {
		return "rest"
	}
	return res.B.Name
}

// numberText shows a number, or a date column's days since 1970-01-01 as a date.
func numberText(kind compare.Kind, v float64) string {
	if kind == compare.Date {
		return time.Unix(int64(math.Round(v*86400)), 0).UTC().Format(time.DateOnly)
	}
	return fmt.Sprintf("%.4g", v)
}

func percent(share float64) string { return fmt.Sprintf("%.1f%%", 100*share) }

// indexText shows a value's index; a value absent from B has none.
func indexText(index *float64, nameA string) string {
	if index == nil {
		return "only in " + nameA
	}
	return fmt.Sprintf("%.0f", *index)
}

// pValue shows a p-value to four decimals, and anything smaller as "<0.0001".
func pValue(p float64) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}
