package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/segments/suppress"
)

func (a *app) segmentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "segment",
		Short: "Define, inspect and evaluate segments",
	}
	cmd.AddCommand(a.segmentDefineCmd(), a.segmentPreviewCmd(), a.segmentListCmd(), a.segmentShowCmd(), a.segmentHistoryCmd(),
		a.segmentCountCmd(), a.segmentMembersCmd(), a.segmentSQLCmd(), a.segmentDeleteCmd(),
		a.segmentDiffCmd(), a.segmentTrendCmd(), a.segmentExportDefsCmd(), a.segmentImportDefsCmd())
	return cmd
}

// withStore opens the workspace and hands its segment store to fn.
func (a *app) withStore(fn func(cmd *cobra.Command, store *segments.Store, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ws, err := a.workspace(cmd.Context())
		if err != nil {
			return err
		}
		return fn(cmd, segments.NewStore(ws), args)
	}
}

func (a *app) segmentDefineCmd() *cobra.Command {
	var d segments.Definition
	var create, update bool
	cmd := &cobra.Command{
		Use:   "define NAME --table T --rule RULE [--create | --update]",
		Short: "Create a segment, or add a version to an existing one",
		Example: `  segscope segment define churn_risk --table subscribers \
    --rule "days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2" \
    --description "Lapsing viewers" --reason "Q4 win-back"
  segscope segment define big_list --table subscribers --rule @big_list.rule
  make-rule | segscope segment define big_list --table subscribers --rule -`,
		Args: cobra.ExactArgs(1),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			d.Name = args[0]
			if d.Table == "" || d.Rule == "" {
				return fmt.Errorf("the --table and --rule flags are required")
			}
			var err error
			if d.Rule, err = ruleArg(d.Rule, cmd.InOrStdin()); err != nil {
				return err
			}
			mode := segments.Upsert
			switch {
			case create && update:
				return fmt.Errorf("choose --create or --update, not both")
			case create:
				mode = segments.Create
			case update:
				mode = segments.Update
			}
			seg, err := store.Save(cmd.Context(), d, mode)
			if err != nil {
				return err
			}
			as, assessed := a.assessOne(cmd.Context(), a.ws, seg.Name)
			if a.format == "json" {
				if !assessed {
					return a.printer().json(seg)
				}
				return a.printer().json(struct {
					segments.Segment
					Risk risk.Assessment `json:"risk"`
				}{seg, as})
			}
			a.note("segment %s version %d saved on %s", seg.Name, seg.Version, seg.Table)
			if assessed {
				a.note("risk %s", riskSummary(as))
				for _, f := range as.Flags {
					a.note("  %s: %s", f.Code, f.Reason)
				}
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&d.Table, "table", "", "the audience table")
	cmd.Flags().StringVar(&d.Rule, "rule", "", ruleFlagHelp)
	cmd.Flags().StringVar(&d.Description, "description", "", "what the segment is for")
	cmd.Flags().StringVar(&d.Reason, "reason", "", "why this version (kept in the history and the audit log)")
	cmd.Flags().BoolVar(&create, "create", false, "only create: fail if a segment of this name exists")
	cmd.Flags().BoolVar(&update, "update", false, "only add a version: fail if no segment of this name exists")
	return cmd
}

func (a *app) segmentPreviewCmd() *cobra.Command {
	var table, text string
	cmd := &cobra.Command{
		Use:   "preview --table T --rule RULE",
		Short: "Count what a rule selects, without saving it (the editor's live size)",
		Example: `  segscope segment preview --table subscribers --rule "days_since_login > 30"
  segscope segment preview --table subscribers --rule @big_list.rule --format json`,
		Args: cobra.NoArgs,
		RunE: a.withStore(func(cmd *cobra.Command, _ *segments.Store, _ []string) error {
			if table == "" || text == "" {
				return fmt.Errorf("the --table and --rule flags are required")
			}
			var err error
			if text, err = ruleArg(text, cmd.InOrStdin()); err != nil {
				return err
			}
			p, err := segments.PreviewRule(cmd.Context(), a.ws, table, text)
			if err != nil {
				return err
			}
			pr := a.printer()
			value := struct {
				segments.Preview
				Share float64 `json:"share"`
			}{p, p.Share()}
			return pr.table([]string{"table", "matching", "rows", "share"},
				[][]string{{p.Table, pr.count(p.Count), pr.count(p.Total), pr.share(p.Share())}},
				map[int]bool{1: true, 2: true, 3: true}, value)
		}),
	}
	cmd.Flags().StringVar(&table, "table", "", "the audience table")
	cmd.Flags().StringVar(&text, "rule", "", ruleFlagHelp)
	return cmd
}

func (a *app) segmentListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List segments with their size and share of their table",
		Args:  cobra.NoArgs,
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, _ []string) error {
			ctx := cmd.Context()
			list, err := store.List(ctx)
			if err != nil {
				return err
			}
			type sized struct {
				segments.Segment
				Size  int64           `json:"size"`
				Share float64         `json:"share"`
				Risk  risk.Assessment `json:"risk"`
				Error string          `json:"error,omitempty"`
			}
			names := make([]string, len(list))
			for i, seg := range list {
				names[i] = seg.Name
			}
			sizes := store.Sizes(ctx, names, nil)
			risks, err := risk.New(a.ws, consent.New(a.ws)).AssessAll(ctx, names, nil)
			if err != nil {
				return err
			}
			pr := a.printer()
			out := make([]sized, 0, len(list))
			rows := make([][]string, 0, len(list))
			// A segment that no longer compiles (its column or event table
			// went away) is listed with why, so that one broken segment
			// never hides the others; the command still fails afterwards.
			var broken []error
			for i, seg := range list {
				sz := sizes[i]
				s := sized{Segment: seg, Size: sz.Members, Share: sz.Share(), Risk: risks[i]}
				err := sz.Err
				if err == nil {
					err = risks[i].Err
				}
				size, share, riskCell := pr.count(s.Size), pr.share(s.Share), riskSummary(s.Risk)
				if err != nil {
					broken = append(broken, err)
					s.Size, s.Share, s.Error = 0, 0, err.Error()
					size, share, riskCell = "", "", "error: "+err.Error()
				}
				out = append(out, s)
				rows = append(rows, []string{seg.Name, seg.Table, size, share, riskCell,
					fmt.Sprint(seg.Version), seg.Updated.Format("2006-01-02 15:04"), seg.Description})
			}
			if err := pr.table([]string{"segment", "table", "size", "share", "risk", "version", "changed", "description"}, rows,
				map[int]bool{2: true, 3: true, 5: true}, out); err != nil {
				return err
			}
			return errors.Join(broken...)
		}),
	}
}

func (a *app) segmentShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a segment's current definition",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			seg, err := store.Get(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			as, err := risk.New(a.ws, consent.New(a.ws)).Assess(cmd.Context(), seg.Name)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(struct {
					segments.Segment
					Risk risk.Assessment `json:"risk"`
				}{seg, as})
			}
			rows := [][]string{
				{"table", seg.Table}, {"key", seg.Key}, {"rule", seg.Rule},
				{"description", seg.Description}, {"owner", seg.Owner}, {"version", fmt.Sprint(seg.Version)},
				{"created", seg.Created.Format("2006-01-02 15:04:05")}, {"changed", seg.Updated.Format("2006-01-02 15:04:05")},
				{"members", fmt.Sprint(as.Members)}, {"risk", string(as.Score)},
			}
			if as.Gated {
				rows = append(rows, []string{"export", "needs --acknowledge \"reason\" (compliance policy)"})
			}
			for _, f := range as.Flags {
				rows = append(rows, []string{"flag: " + string(f.Code), f.Reason})
			}
			return a.printer().table([]string{"segment", seg.Name}, rows, nil, nil)
		}),
	}
}

func (a *app) segmentHistoryCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "history NAME",
		Short: "Show every version of a segment with author, time and reason",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			versions, err := store.History(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			rows := make([][]string, len(versions))
			for i, v := range versions {
				rows[i] = []string{fmt.Sprint(v.Version), v.Time.Format("2006-01-02 15:04:05"), v.Author, v.Reason, v.Rule}
			}
			return a.printer().table([]string{"version", "time", "author", "reason", "rule"}, rows, map[int]bool{0: true}, versions)
		}),
	}
}

func (a *app) segmentCountCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "count NAME",
		Short: "Count a segment's members",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			n, err := store.Count(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			switch a.format {
			case "json":
				return a.printer().json(map[string]any{"segment": args[0], "count": n})
			case "csv":
				fmt.Fprintf(a.out, "segment,count\n%s,%d\n", args[0], n)
				return nil
			}
			fmt.Fprintln(a.out, n)
			return nil
		}),
	}
}

func (a *app) segmentMembersCmd() *cobra.Command {
	var offset int64
	var limit int
	var channel string
	cmd := &cobra.Command{
		Use:   "members NAME [--channel C] [--reveal]",
		Short: "List a segment's members in key order, a page at a time",
		Long: "List a segment's members in key order. Personal data is masked unless --reveal is given, which\n" +
			"is written to the audit log with the columns shown. With --channel only members contactable on\n" +
			"that consent channel are listed: the gate an export on that channel goes through.",
		Args: cobra.ExactArgs(1),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			if limit <= 0 {
				return fmt.Errorf("the --limit flag must be positive")
			}
			ctx := cmd.Context()
			seg, err := store.Compile(ctx, args[0])
			if err != nil {
				return err
			}
			details := map[string]string{"segment": seg.Name, "table": seg.Table, "command": "segment members",
				"offset": fmt.Sprint(offset), "limit": fmt.Sprint(limit)}
			where := seg.Where
			if channel != "" {
				// The export's gate, suppression lists included.
				pop := consent.SegmentMembers(seg)
				if pop.Suppressed, err = suppress.New(a.ws).Predicate(ctx, seg.Table); err != nil {
					return err
				}
				g, err := consent.New(a.ws).Gate(ctx, pop, channel)
				if err != nil {
					return err
				}
				where, details["channel"] = g.Where, g.Channel
				a.note("%s of %s contactable on %s", counts.Of(g.Included, "member", "members"), thousands(g.Members), g.Channel)
			}
			kinds, err := a.ws.PersonalData(ctx, seg.Table)
			if err != nil {
				return err
			}
			res, err := a.ws.Rows(ctx, query.Page{Table: seg.Table, Where: where, OrderBy: seg.Key, Offset: offset, Limit: limit})
			if err != nil {
				return err
			}
			mask, err := a.gate(ctx, a.ws, personal{subject: seg.Name, kinds: kinds, details: details})
			if err != nil {
				return err
			}
			return a.printer().result(masked(res, mask, nil))
		}),
	}
	cmd.Flags().Int64Var(&offset, "offset", 0, "skip this many members")
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many members")
	cmd.Flags().StringVar(&channel, "channel", "", "only members contactable on this consent channel")
	return cmd
}

func (a *app) segmentSQLCmd() *cobra.Command {
	var dialect, sel string
	cmd := &cobra.Command{
		Use:   "sql NAME [--dialect duckdb|postgres|bigquery|snowflake|databricks] [--select members|count]",
		Short: "Print the SQL that selects a segment's members, to run elsewhere",
		Long: "Print a query that selects a segment's members (or counts them) from a table of the same name and\n" +
			"columns in another engine. The SQL is written for the dialect from the rule itself; a rule the\n" +
			"engine cannot express with the same meaning is an error naming what cannot be written.",
		Args: cobra.ExactArgs(1),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			d, err := rule.DialectNamed(dialect)
			if err != nil {
				return err
			}
			what, err := segments.ParseSelect(sel)
			if err != nil {
				return err
			}
			text, err := store.SQLFor(cmd.Context(), args[0], d, what)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(map[string]string{"segment": args[0], "dialect": d.Name, "select": string(what), "sql": text})
			}
			fmt.Fprintln(a.out, strings.TrimSpace(text)+";")
			return nil
		}),
	}
	cmd.Flags().StringVar(&dialect, "dialect", "duckdb", "SQL dialect: duckdb, postgres, bigquery, snowflake or databricks")
	cmd.Flags().StringVar(&sel, "select", "members", "what the query returns: members (their rows) or count")
	return cmd
}

func (a *app) segmentDeleteCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a segment (its history and audit entries are kept)",
		Args:  cobra.ExactArgs(1),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			if err := store.Delete(cmd.Context(), args[0], reason); err != nil {
				return err
			}
			a.note("segment %s deleted", args[0])
			return nil
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (kept in the audit log)")
	return cmd
}
