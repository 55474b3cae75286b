package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/events"
)

func (a *app) importCmd() *cobra.Command {
	var as, key string
	cmd := &cobra.Command{
		Use:   "import FILE [FILE...]",
		Short: "Import CSV, TSV, Parquet, JSON or NDJSON files (plain or .gz) as tables",
		Long: "Import files into the workspace. The table is named after the file (or --as NAME);\n" +
			"importing again replaces the table in one step. The file itself is never changed.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if as != "" && len(args) > 1 {
				return fmt.Errorf("the --as flag names one table: import one file at a time with it")
			}
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			results, err := a.importFiles(cmd, ws, args, query.ImportOptions{Table: as, Key: key})
			if a.format == "json" && len(results) > 0 {
				if perr := a.printer().json(results); perr != nil {
					return perr
				}
			}
			return err
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "table name (default: from the file name)")
	cmd.Flags().StringVar(&key, "key", "", "key column (default: kept from the last import, else detected; "+query.SurrogateKey+" for the row's position)")
	return cmd
}

func (a *app) attachCmd() *cobra.Command {
	var opts query.AttachOptions
	cmd := &cobra.Command{
		Use:   "attach FILE|PATTERN --as NAME [--glob] [--key COL]",
		Short: "Use Parquet or CSV files as a table where they are, without importing them",
		Long: "Attach registers Parquet or CSV files as a table that reads them where they lie (a view), for data\n" +
			"too big to import. The table is named after the file (or --as NAME; a glob needs --as). A path is\n" +
			"a path: with --glob it is a pattern (*, ?, [...]) matched once, now. The files' sizes and SHA-256\n" +
			"hashes (modification times for sets over 1 GB) are recorded: when one changes or goes, the table\n" +
			"says so until it is attached again. The key is detected as an import detects it (judged on a\n" +
			"random million rows above ten million) or named with --key; there is no row-position key.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			res, err := ws.Attach(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(res)
			}
			for i, line := range res.Summary() {
				if i > 0 {
					line = "  " + line
				}
				a.note("%s", line)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Table, "as", "", "table name (default: from the file name; required with --glob)")
	cmd.Flags().BoolVar(&opts.Glob, "glob", false, "read the path as a pattern (*, ?, [...]) of several files")
	cmd.Flags().StringVar(&opts.Key, "key", "", "key column (default: kept from before, else detected)")
	return cmd
}

// importFiles imports each file, reporting as it goes; it stops at the first
// failed import. Event tables and audiences made from them follow each import
// (events.AfterImport); one that can't is reported after the rest, and the
// command fails, but the import stays.
func (a *app) importFiles(cmd *cobra.Command, ws *query.Workspace, paths []string, opts query.ImportOptions) ([]query.ImportResult, error) {
	var results []query.ImportResult
	var refreshErrs []error
	for _, path := range paths {
		res, err := ws.Import(cmd.Context(), path, opts)
		if err != nil {
			return results, errors.Join(append(refreshErrs, err)...)
		}
		results = append(results, res)
		if a.format != "json" {
			for i, line := range res.Summary() {
				if i > 0 {
					line = "  " + line
				}
				a.note("%s", line)
			}
		}
		refreshed, err := events.AfterImport(cmd.Context(), ws, res.Table)
		for _, e := range refreshed {
			a.note("  %s", e.Sentence())
		}
		if err != nil {
			refreshErrs = append(refreshErrs, fmt.Errorf("%s was imported, but: %w", res.Table, err))
		}
	}
	return results, errors.Join(refreshErrs...)
}

func (a *app) tablesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "tables",
		Short: "List the workspace's tables with row counts and key columns",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			tables, err := ws.Tables(cmd.Context())
			if err != nil {
				return err
			}
			pr := a.printer()
			rows := make([][]string, len(tables))
			for i, t := range tables {
				source := t.Source
				if t.Attached {
					source = "attached: " + source
				}
				rows[i] = []string{t.Name, pr.count(t.Rows), fmt.Sprint(t.Columns), t.Key, source}
				if t.Problem != "" && a.format != "json" {
					a.note("%s: %s", t.Name, t.Problem)
				}
			}
			if tables == nil {
				tables = []query.TableInfo{}
			}
			return pr.table([]string{"table", "rows", "columns", "key", "source"}, rows, map[int]bool{1: true, 2: true}, tables)
		},
	}
}

func (a *app) profileCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "profile TABLE [COLUMN]",
		Short: "Profile a table's columns, or one column in depth",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			kinds, err := ws.PersonalData(ctx, args[0])
			if err != nil {
				return err
			}
			if len(args) == 2 {
				p, err := ws.ProfileColumn(ctx, args[0], args[1], "")
				if err != nil {
					return err
				}
				mask, err := a.gate(ctx, ws, personal{subject: args[0] + "." + p.Name,
					kinds: map[string]pii.Kind{p.Name: kinds[p.Name]}, details: map[string]string{"table": args[0], "command": "profile"}})
				if err != nil {
					return err
				}
				maskProfile(&p, mask[p.Name])
				return a.printColumnProfile(p)
			}
			profiles, err := ws.ProfileTable(ctx, args[0])
			if err != nil {
				return err
			}
			mask, err := a.gate(ctx, ws, personal{subject: args[0], kinds: kinds, details: map[string]string{"table": args[0], "command": "profile"}})
			if err != nil {
				return err
			}
			for i := range profiles {
				maskProfile(&profiles[i], mask[profiles[i].Name])
			}
			return a.printTableProfile(profiles)
		},
	}
}

// maskProfile masks the values a profile quotes from a personal-data column
// (its smallest, largest and commonest values), as the console's profile panel
// does; counts and statistics stay.
func maskProfile(p *query.ColumnProfile, k pii.Kind) {
	if k == pii.None {
		return
	}
	p.Min, p.Max = pii.Mask(k, p.Min), pii.Mask(k, p.Max)
	for i := range p.Top {
		p.Top[i].Value = pii.Mask(k, p.Top[i].Value)
	}
}

// printTableProfile shows people the statistics that fit a terminal and gives
// programs every one.
func (a *app) printTableProfile(profiles []query.ColumnProfile) error {
	pr := a.printer()
	headers := []string{"column", "type", "nulls", "distinct", "min", "max", "mean", "median"}
	numeric := map[int]bool{2: true, 3: true, 6: true, 7: true}
	if pr.format != "table" {
		headers = []string{"column", "type", "rows", "nulls", "distinct", "min", "max", "mean", "std", "q25", "median", "q75"}
	}
	rows := make([][]string, len(profiles))
	for i, p := range profiles {
		if pr.format == "table" {
			rows[i] = []string{p.Name, p.Type, pr.count(p.Nulls), pr.count(p.Distinct), p.Min, p.Max, pr.number(p.Mean), pr.number(p.Median)}
			continue
		}
		rows[i] = []string{p.Name, p.Type, pr.count(p.Count), pr.count(p.Nulls), pr.count(p.Distinct), p.Min, p.Max,
			pr.number(p.Mean), pr.number(p.Std), pr.number(p.Q25), pr.number(p.Median), pr.number(p.Q75)}
	}
	return pr.table(headers, rows, numeric, profiles)
}

// profileStats are a column profile's statistics as (name, value) pairs.
func profileStats(pr printer, p query.ColumnProfile) [][]string {
	rows := [][]string{
		{"type", p.Type}, {"rows", pr.count(p.Count)}, {"nulls", pr.count(p.Nulls)}, {"distinct", pr.count(p.Distinct)},
		{"min", p.Min}, {"max", p.Max},
	}
	for _, s := range []struct {
		name string
		v    *float64
	}{{"mean", p.Mean}, {"std", p.Std}, {"q25", p.Q25}, {"median", p.Median}, {"q75", p.Q75}} {
		if s.v != nil {
			rows = append(rows, []string{s.name, pr.number(s.v)})
		}
	}
	return rows
}

func (a *app) printColumnProfile(p query.ColumnProfile) error {
	pr := a.printer()
	switch pr.format {
	case "json":
		return pr.json(p)
	case "csv":
		return printColumnProfileCSV(pr, p)
	}
	if err := pr.table([]string{p.Name, ""}, profileStats(pr, p), map[int]bool{1: true}, nil); err != nil {
		return err
	}
	var bars [][]string
	var max int64
	for _, b := range p.Bins {
		max = max64(max, b.Count)
	}
	for _, t := range p.Top {
		max = max64(max, t.Count)
	}
	if len(p.Bins) > 0 {
		for _, b := range p.Bins {
			bars = append(bars, []string{fmt.Sprintf("%.4g – %.4g", b.Low, b.High), pr.count(b.Count), bar(b.Count, max)})
		}
		return pr.table([]string{"range", "rows", ""}, bars, map[int]bool{1: true}, nil)
	}
	for _, t := range p.Top {
		bars = append(bars, []string{t.Value, pr.count(t.Count), bar(t.Count, max)})
	}
	return pr.table([]string{"top values", "rows", ""}, bars, map[int]bool{1: true}, nil)
}

// printColumnProfileCSV writes a column profile as one long table, since a CSV
// stream holds one: a row per statistic, top value and histogram bin.
func printColumnProfileCSV(pr printer, p query.ColumnProfile) error {
	var rows [][]string
	for _, st := range profileStats(pr, p) {
		rows = append(rows, []string{"stat", st[0], st[1], "", ""})
	}
	for _, t := range p.Top {
		rows = append(rows, []string{"top", t.Value, pr.count(t.Count), "", ""})
	}
	for _, b := range p.Bins {
		rows = append(rows, []string{"bin", "", pr.count(b.Count), pr.number(&b.Low), pr.number(&b.High)})
	}
	return pr.table([]string{"part", "name", "value", "low", "high"}, rows, nil, nil)
}

func bar(n, max int64) string {
	const width = 30
	if max == 0 {
		return ""
	}
	return strings.Repeat("█", int(n*width/max))
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func (a *app) queryCmd() *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "query SQL",
		Short: "Run one read-only SQL query (SELECT) over the workspace",
		Long: "Run one read-only SELECT over the workspace's tables. Statements that change data, attach\n" +
			"databases, load extensions or read files are refused.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			res, err := ws.Query(cmd.Context(), args[0], limit)
			if err != nil {
				return err
			}
			// Columns computed from personal data count too (see query.Workspace.ResultPII).
			p := resultPersonal(res, "sql", map[string]string{"sql": args[0], "command": "query"})
			mask, err := a.gate(cmd.Context(), ws, p)
			if err != nil {
				return err
			}
			if mask != nil {
				res = masked(res, nil, res.PII)
			}
			if err := a.printer().result(res); err != nil {
				return err
			}
			if res.Truncated {
				a.note("showing the first %s (--limit)", counts.Of(int64(limit), "row", "rows"))
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 1000, "at most this many rows (0 for all)")
	return cmd
}
