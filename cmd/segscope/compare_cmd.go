package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query/counts"
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
	a.note("%s: %s (%s of %s)   %s: %s (%s)", res.A.Name, counts.Of(res.A.Size, "row", "rows"), percent(res.A.Share), res.Table,
		res.B.Name, counts.Of(res.B.Size, "row", "rows"), percent(res.B.Share))
	if o := res.Overlap; o != nil {
		a.note("overlap: %s in both, %s only in %s, %s only in %s (Jaccard %.3f)", thousands(o.Both),
			thousands(o.AOnly), res.A.Name, thousands(o.BOnly), res.B.Name, o.Jaccard)
		if o.Both > 0 {
			a.note("rows in both count on both sides; the tests assume separate sides, so their p-values are optimistic")
		}
	}
	shown := res.Columns[:min(top, len(res.Columns))]
	if err := a.printRanking(res, shown); err != nil {
		return err
	}
	if len(shown) < len(res.Columns) {
		a.note("the %d most different of %s (--top)", len(shown), counts.Of(int64(len(res.Columns)), "compared column", "compared columns"))
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

// printRanking prints the most different columns. People get each side's
// figure with its value in one cell; programs get the value, the figures and
// the d or index in columns of their own.
func (a *app) printRanking(res *compare.Result, shown []compare.ColumnDiff) error {
	pr := a.printer()
	machine := pr.format == "csv"
	rows := make([][]string, len(shown))
	for i, c := range shown {
		h := headline(c)
		sideA, sideB := numberText(pr, c.Kind, h.a), numberText(pr, c.Kind, h.b)
		if h.d == nil {
			sideA, sideB = pr.share(h.a), pr.share(h.b)
		}
		switch {
		case machine:
			rows[i] = []string{c.Name, string(c.Kind), h.value, sideA, sideB, pr.number(h.d), pr.number(h.index),
				pr.number(&c.Effect), pr.number(&c.PAdjusted), c.Mark}
			continue
		case h.d != nil:
			rows[i] = []string{c.Name, string(c.Kind), sideA, sideB, fmt.Sprintf("d %+.2f", *h.d)}
		default:
			rows[i] = []string{c.Name, string(c.Kind), h.value + " " + sideA, h.value + " " + sideB, indexText(pr, h.index, res.A.Name)}
		}
		rows[i] = append(rows[i], fmt.Sprintf("%.2f", c.Effect), pValue(c.PAdjusted), c.Mark)
	}
	if machine {
		return pr.table([]string{"column", "kind", "value", "a", "b", "d", "index", "effect", "p_holm", "mark"}, rows, nil, nil)
	}
	headers := []string{"column", "kind", res.A.Name, sideHeader(res), "d / index", "effect", "p (Holm)", ""}
	return pr.table(headers, rows, map[int]bool{2: true, 3: true, 4: true, 5: true, 6: true}, nil)
}

// lead is what a column's row in the ranking shows: each side's mean and the d
// between them, or for a category the value most over-represented in A, its
// share on each side and its index.
type lead struct {
	value    string
	a, b     float64
	d, index *float64
}

func headline(c compare.ColumnDiff) lead {
	if n := c.Numeric; n != nil {
		return lead{a: n.A.Mean, b: n.B.Mean, d: &n.D}
	}
	top := c.Categorical.Values[0]
	for _, v := range c.Categorical.Values[1:] {
		if v.ShareA-v.ShareB > top.ShareA-top.ShareB {
			top = v
		}
	}
	return lead{value: top.Value, a: top.ShareA, b: top.ShareB, index: top.Index}
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
			rows[i] = []string{v.Value, pr.count(v.CountA), pr.share(v.ShareA), pr.count(v.CountB), pr.share(v.ShareB), indexText(pr, v.Index, res.A.Name)}
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
		{"values", pr.count(n.A.N), pr.count(n.B.N)},
		{"nulls", pr.count(n.A.Nulls), pr.count(n.B.Nulls)},
		{"mean", numberText(pr, c.Kind, n.A.Mean), numberText(pr, c.Kind, n.B.Mean)},
		{std, pr.number(&n.A.Std), pr.number(&n.B.Std)},
		{"min", numberText(pr, c.Kind, n.A.Min), numberText(pr, c.Kind, n.B.Min)},
		{"q25", numberText(pr, c.Kind, n.A.Q25), numberText(pr, c.Kind, n.B.Q25)},
		{"median", numberText(pr, c.Kind, n.A.Median), numberText(pr, c.Kind, n.B.Median)},
		{"q75", numberText(pr, c.Kind, n.A.Q75), numberText(pr, c.Kind, n.B.Q75)},
		{"max", numberText(pr, c.Kind, n.A.Max), numberText(pr, c.Kind, n.B.Max)},
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
func numberText(pr printer, kind compare.Kind, v float64) string {
	if kind == compare.Date {
		return time.Unix(int64(math.Round(v*86400)), 0).UTC().Format(time.DateOnly)
	}
	return pr.number(&v)
}

func percent(share float64) string { return fmt.Sprintf("%.1f%%", 100*share) }

// indexText shows a value's index; a value absent from B has none, which people
// are told and programs get as an empty cell.
func indexText(pr printer, index *float64, nameA string) string {
	switch {
	case index != nil && pr.format == "table":
		return fmt.Sprintf("%.0f", *index)
	case pr.format == "table":
		return "only in " + nameA
	}
	return pr.number(index)
}

// pValue shows a p-value to four decimals, and anything smaller as "<0.0001".
func pValue(p float64) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}
