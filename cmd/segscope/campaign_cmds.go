package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/segments/priority"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/segments/split"
)

// The campaign commands: holdouts and A/B splits, priority lists, snapshots of
// who was in a segment when, and the segment's size over time.

func (a *app) splitCmd() *cobra.Command {
	var arms, salt, reason string
	var replace bool
	cmd := &cobra.Command{
		Use:   "split NAME [--arms control:10,treatment:90] [--salt S] [--replace]",
		Short: "Split a segment into a holdout and test arms, or show its arms",
		Long: "Split a segment's members into arms by an MD5 hash of a salt and each member's key, so a member\n" +
			"keeps their arm across runs, re-imports and new versions of the rule, for as long as they stay in\n" +
			"the segment and their key stays the same. Shares are percentages (two decimals at most) adding up\n" +
			"to 100. Without --salt a random one is chosen and kept; pass the same salt to reproduce the arms\n" +
			"elsewhere. A segment already split keeps its arms unless --replace. Without --arms, shows the arms.\n" +
			"Export one arm with `segscope export NAME --arm ARM`.",
		Example: "  segscope split churn_risk --arms control:10,treatment:90 --reason \"Q4 win-back test\"\n" +
			"  segscope split churn_risk\n" +
			"  segscope split mde churn_risk --baseline 0.04\n" +
			"  segscope split lift churn_risk --outcome churned",
		Args: cobra.ExactArgs(1),
		RunE: a.withWorkspace(func(cmd *cobra.Command, ws *query.Workspace, args []string) error {
			ctx := cmd.Context()
			s := split.New(ws)
			var sp split.Split
			var err error
			if arms == "" {
				if cmd.Flags().Changed("salt") || replace {
					return errors.New("--salt and --replace go with --arms")
				}
				if sp, err = s.Get(ctx, args[0]); err != nil {
					return err
				}
			} else {
				parsed, err := split.ParseArms(arms)
				if err != nil {
					return fmt.Errorf("the --arms flag: %w", err)
				}
				if sp, err = s.Define(ctx, args[0], parsed, salt, reason, replace); err != nil {
					return err
				}
				a.note("segment %s split %s (salt %s), recorded in the audit log", sp.Segment, sp.Spec(), sp.Salt)
			}
			return a.printArms(ctx, s, sp)
		}),
	}
	cmd.Flags().StringVar(&arms, "arms", "", "arms and their shares in percent, e.g. control:10,treatment:90")
	cmd.Flags().StringVar(&salt, "salt", "", "the hash's salt (default: a random one, kept with the split)")
	cmd.Flags().StringVar(&reason, "reason", "", "why (kept in the audit log)")
	cmd.Flags().BoolVar(&replace, "replace", false, "split again a segment already split (moves members between arms)")
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a segment's arms and their sizes",
		Args:  cobra.ExactArgs(1),
		RunE: a.withWorkspace(func(cmd *cobra.Command, ws *query.Workspace, args []string) error {
			sp, err := split.New(ws).Get(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.printArms(cmd.Context(), split.New(ws), sp)
		}),
	}
	cmd.AddCommand(show, a.splitMDECmd(), a.splitLiftCmd())
	return cmd
}

func (a *app) printArms(ctx context.Context, s *split.Service, sp split.Split) error {
	sizes, err := s.Sizes(ctx, sp)
	if err != nil {
		return err
	}
	pr := a.printer()
	rows := make([][]string, len(sizes))
	for i, sz := range sizes {
		rows[i] = []string{sz.Name, pr.share(sz.Percent() / 100), pr.count(sz.Members), pr.share(sz.Actual)}
	}
	value := struct {
		split.Split
		Sizes []split.ArmSize `json:"sizes"`
	}{sp, sizes}
	return pr.table([]string{"arm", "share", "members", "actual share"}, rows, map[int]bool{1: true, 2: true, 3: true}, value)
}

func (a *app) splitMDECmd() *cobra.Command {
	var baseline, alpha, power, detect float64
	var control string
	cmd := &cobra.Command{
		Use:   "mde NAME --baseline RATE [--power 0.8] [--alpha 0.05] [--detect RATE]",
		Short: "The smallest lift each test arm can detect against the control",
		Long: "For each test arm against the control (the arm named control or holdout, else the first), the\n" +
			"smallest conversion rate above --baseline that a two-sided two-proportion z-test at --alpha\n" +
			"detects with --power, for the arms as large as they are now (Fleiss' formula; R's\n" +
			"power.prop.test for equal arms). With --detect, also how many members each of two equal arms\n" +
			"would need to detect that rate.",
		Example: "  segscope split mde churn_risk --baseline 0.04 --power 0.8",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("baseline") {
				return errors.New("give the control's expected rate with --baseline, e.g. 0.04 for 4%")
			}
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			s := split.New(ws)
			sp, err := s.Get(ctx, args[0])
			if err != nil {
				return err
			}
			if control == "" {
				control = sp.Control()
			}
			sizes, err := s.Sizes(ctx, sp)
			if err != nil {
				return err
			}
			var ctl *split.ArmSize
			for i := range sizes {
				if sizes[i].Name == control {
					ctl = &sizes[i]
				}
			}
			if ctl == nil {
				_, err := sp.Predicate("", control)
				return fmt.Errorf("--control: %w", err)
			}
			type row struct {
				Arm string `json:"arm"`
				split.Detectable
			}
			var out []row
			var rows [][]string
			pr := a.printer()
			for _, sz := range sizes {
				if sz.Name == control {
					continue
				}
				d, err := split.MDE(baseline, ctl.Members, sz.Members, alpha, power)
				if err != nil {
					return fmt.Errorf("arm %s: %w", sz.Name, err)
				}
				out = append(out, row{sz.Name, d})
				rows = append(rows, []string{sz.Name + " vs " + control, pr.count(d.Control), pr.count(d.Test),
					pr.rate(d.Baseline), pr.rate(d.Rate), pr.rate(d.Absolute), pr.rate(d.Relative)})
			}
			if err := pr.table([]string{"arms", "control", "test", "baseline", "detectable rate", "absolute lift", "relative lift"},
				rows, map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true}, out); err != nil {
				return err
			}
			a.note("two-sided test at alpha %g with power %g", alpha, power)
			if cmd.Flags().Changed("detect") {
				n, err := split.SampleSize(baseline, detect, alpha, power)
				if err != nil {
					return fmt.Errorf("--detect: %w", err)
				}
				a.note("to detect %s against %s, two equal arms need %s members each", pr.rate(detect), pr.rate(baseline), thousands(int64(n+0.999999)))
			}
			return nil
		},
	}
	cmd.Flags().Float64Var(&baseline, "baseline", 0, "the control's expected rate, as a share (0.04 for 4%)")
	cmd.Flags().Float64Var(&power, "power", 0.8, "the chance of detecting a real lift")
	cmd.Flags().Float64Var(&alpha, "alpha", 0.05, "the significance level (two-sided)")
	cmd.Flags().Float64Var(&detect, "detect", 0, "a rate to detect: prints the members two equal arms need for it")
	cmd.Flags().StringVar(&control, "control", "", "the arm the others are measured against")
	return cmd
}

func (a *app) splitLiftCmd() *cobra.Command {
	var out split.Outcome
	cmd := &cobra.Command{
		Use:   "lift NAME --outcome COLUMN [--value V] [--level 0.95]",
		Short: "After the campaign: each test arm's lift over the control on an outcome, with a confidence interval",
		Long: "Compare the arms of a segment's split on an outcome column: a yes/no column (or the share of\n" +
			"members whose column equals --value) as a difference of rates (two-proportion z-test), a\n" +
			"numeric column as a difference of means (Welch's t-test), each with its confidence interval.\n" +
			"Members are counted as the segment holds them now.",
		Example: "  segscope split lift churn_risk --outcome churned\n" +
			"  segscope split lift churn_risk --outcome plan --value premium\n" +
			"  segscope split lift churn_risk --outcome watch_hours_30d",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out.Column == "" {
				return errors.New("name the outcome column with --outcome")
			}
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			res, err := split.New(ws).Lift(ctx, args[0], out)
			if err != nil {
				return err
			}
			pr := a.printer()
			value := func(ao split.ArmOutcome) string {
				if res.Kind == "rate" {
					return pr.rate(ao.Rate)
				}
				m := ao.Mean
				return pr.number(&m)
			}
			byArm := map[string]split.ArmOutcome{}
			for _, ao := range res.Arms {
				byArm[ao.Arm] = ao
			}
			relative := func(f *float64) string {
				if f == nil {
					return ""
				}
				return pr.rate(*f)
			}
			var rows [][]string
			for _, l := range res.Lifts {
				est, lo, hi, p := l.Estimate, l.Low, l.High, l.P
				cell := pr.number
				if res.Kind == "rate" {
					cell = func(f *float64) string { return pr.rate(*f) }
				}
				rows = append(rows, []string{l.Arm + " vs " + l.Control, value(byArm[l.Arm]), value(byArm[l.Control]),
					cell(&est), cell(&lo) + " to " + cell(&hi), relative(l.Relative), pr.number(&p)})
			}
			level := res.Lifts[0].Level
			if err := pr.table([]string{"arms", res.Kind + " (test)", res.Kind + " (control)", "lift", fmt.Sprintf("%g%% interval", 100*level), "relative", "p"},
				rows, map[int]bool{1: true, 2: true, 3: true, 5: true, 6: true}, res); err != nil {
				return err
			}
			for _, ao := range res.Arms {
				if ao.Members > ao.N {
					a.note("arm %s: %s without an outcome left out", ao.Arm, counts.Of(ao.Members-ao.N, "member", "members"))
				}
			}
			a.note("%s; members as the segment holds them now", res.Lifts[0].Test)
			return nil
		},
	}
	cmd.Flags().StringVar(&out.Column, "outcome", "", "the outcome column")
	cmd.Flags().StringVar(&out.Value, "value", "", "the value that counts as success (for a text column)")
	cmd.Flags().Float64Var(&out.Level, "level", 0.95, "the confidence level of the intervals")
	return cmd
}

func (a *app) priorityCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "priority",
		Short: "Priority lists (waterfalls): each person in the first of its segments that holds them",
	}
	var segs []string
	var reason string
	define := &cobra.Command{
		Use:   "define NAME --segments a,b,c [--reason R]",
		Short: "Define or replace a priority list of segments of one table, highest priority first",
		Long: "A priority list makes campaign audiences mutually exclusive: each person belongs to the first of\n" +
			"the segments that holds them. Export one step with `segscope export NAME --step SEGMENT`.",
		Example: "  segscope priority define q4 --segments champions,at_risk,lapsed --reason \"Q4 calendar\"",
		Args:    cobra.ExactArgs(1),
		RunE: a.withWorkspace(func(cmd *cobra.Command, ws *query.Workspace, args []string) error {
			l, err := priority.New(ws).Define(cmd.Context(), args[0], segs, reason)
			if err != nil {
				return err
			}
			a.note("priority list %s saved: %s (on %s), recorded in the audit log", l.Name, strings.Join(l.Segments, " > "), l.Table)
			return a.printWaterfall(cmd.Context(), priority.New(ws), l.Name)
		}),
	}
	define.Flags().StringSliceVar(&segs, "segments", nil, "the segments, highest priority first")
	define.Flags().StringVar(&reason, "reason", "", "why (kept in the audit log)")
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "The waterfall: each step's size before and after the earlier steps take their members",
		Args:  cobra.ExactArgs(1),
		RunE: a.withWorkspace(func(cmd *cobra.Command, ws *query.Workspace, args []string) error {
			return a.printWaterfall(cmd.Context(), priority.New(ws), args[0])
		}),
	}
	cmd.AddCommand(define, show)
	return cmd
}

func (a *app) printWaterfall(ctx context.Context, s *priority.Service, name string) error {
	w, err := s.Waterfall(ctx, name)
	if err != nil {
		return err
	}
	pr := a.printer()
	rows := make([][]string, len(w.Steps))
	for i, st := range w.Steps {
		rows[i] = []string{strconv.Itoa(i + 1), st.Segment, pr.count(st.Size), pr.count(st.Removed), pr.count(st.Audience), pr.count(st.Cumulative)}
	}
	return pr.table([]string{"step", "segment", "size", "taken by earlier steps", "audience", "cumulative"}, rows,
		map[int]bool{0: true, 2: true, 3: true, 4: true, 5: true}, w)
}

// driftFlagHelp: drift is the share of change between snapshots that is worth a warning.
const driftFlagHelp = "warn when the size moves by more than this share between snapshots (0.2 is 20%)"

func (a *app) snapshotCmd() *cobra.Command {
	var reason string
	var drift float64
	cmd := &cobra.Command{
		Use:   "snapshot NAME [--reason R]",
		Short: "Record who is in a segment now, with its size and reach per consent channel",
		Long: "Record the keys of a segment's members now (every export records one too), with its size and the\n" +
			"members contactable on each consent channel. `segscope segment diff NAME` then says who entered\n" +
			"and left since, and `segscope segment trend NAME` shows the size over time.",
		Args: cobra.ExactArgs(1),
		RunE: a.withWorkspace(func(cmd *cobra.Command, ws *query.Workspace, args []string) error {
			t, err := snapshot.New(ws).Take(cmd.Context(), args[0], reason)
			if err != nil {
				return err
			}
			s := t.Snapshot
			pr := a.printer()
			if pr.format == "json" {
				return pr.json(t)
			}
			a.note("snapshot %d of %s (version %d): %s", s.ID, s.Segment, s.Version, counts.Of(s.Size, "member", "members"))
			if t.Previous != nil {
				p := t.Previous
				a.note("snapshot %d, %s, had %s", p.ID, p.Taken.Format("2006-01-02 15:04"), thousands(p.Size))
				if snapshot.Drifted(p.Size, s.Size, drift) {
					a.driftWarning(p.Size, s.Size, drift)
				}
			}
			rows := [][]string{{"members", pr.count(s.Size)}}
			for _, ch := range slices.Sorted(maps.Keys(s.Reach)) {
				rows = append(rows, []string{"reach: " + ch, pr.count(s.Reach[ch])})
			}
			return pr.table([]string{"", "count"}, rows, map[int]bool{1: true}, t)
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (kept in the audit log)")
	cmd.Flags().Float64Var(&drift, "drift", 0.2, driftFlagHelp)
	return cmd
}

func (a *app) driftWarning(before, after int64, drift float64) {
	change := "appeared"
	if before > 0 {
		change = fmt.Sprintf("%+.1f%%", 100*float64(after-before)/float64(before))
	}
	fmt.Fprintf(a.errOut, "warning: the segment's size moved from %s to %s (%s), more than %g%% between snapshots\n",
		thousands(before), thousands(after), change, 100*drift)
}

func (a *app) segmentDiffCmd() *cobra.Command {
	var since, to string
	var keys bool
	cmd := &cobra.Command{
		Use:   "diff NAME [--since last|last-export|DATE|VERSION|snapshot:ID] [--to ...] [--keys]",
		Short: "Who entered and who left a segment since a snapshot",
		Long: "Compare a segment now (or at --to) with one of its snapshots: --since last (the default), last-export,\n" +
			"a version (v3: its last snapshot), snapshot:ID, or a date or time (the last snapshot taken by\n" +
			"then). --keys lists the keys that entered and left; a key column holding personal data is\n" +
			"masked unless --reveal, which is audited.",
		Example: "  segscope segment diff churn_risk --since last-export\n" +
			"  segscope segment diff churn_risk --since 2026-11-01 --keys --format csv",
		Args: cobra.ExactArgs(1),
		RunE: a.withWorkspace(func(cmd *cobra.Command, ws *query.Workspace, args []string) error {
			ctx := cmd.Context()
			s := snapshot.New(ws)
			from, err := s.Find(ctx, args[0], since)
			if err != nil {
				return err
			}
			var until *snapshot.Snapshot
			if to != "" {
				t, err := s.Find(ctx, args[0], to)
				if err != nil {
					return fmt.Errorf("--to: %w", err)
				}
				until = &t
			}
			d, err := s.Diff(ctx, args[0], from, until, keys)
			if err != nil {
				return err
			}
			toText := "now"
			if until != nil {
				toText = fmt.Sprintf("snapshot %d (%s)", until.ID, until.Taken.Format("2006-01-02 15:04"))
			}
			a.note("%s: snapshot %d (%s, %s, version %d) to %s", d.Segment, from.ID, from.Kind, from.Taken.Format("2006-01-02 15:04"), from.Version, toText)
			pr := a.printer()
			if !keys {
				return pr.table([]string{"entered", "left", "stayed"}, [][]string{{pr.count(d.Entered), pr.count(d.Left), pr.count(d.Stayed)}},
					map[int]bool{0: true, 1: true, 2: true}, d)
			}
			if err := a.maskKeys(ctx, ws, from, d); err != nil {
				return err
			}
			var rows [][]string
			for _, k := range d.EnteredKeys {
				rows = append(rows, []string{k, "entered"})
			}
			for _, k := range d.LeftKeys {
				rows = append(rows, []string{k, "left"})
			}
			if err := pr.table([]string{from.KeyColumn, "change"}, rows, nil, d); err != nil {
				return err
			}
			a.note("%s entered, %s left, %s stayed", thousands(d.Entered), thousands(d.Left), thousands(d.Stayed))
			return nil
		}),
	}
	cmd.Flags().StringVar(&since, "since", "last", "the snapshot to compare with: last, last-export, a version (v3), snapshot:ID, a date or a time")
	cmd.Flags().StringVar(&to, "to", "", "compare with this snapshot instead of now")
	cmd.Flags().BoolVar(&keys, "keys", false, "list the keys that entered and left")
	return cmd
}

// maskKeys masks the diff's keys when the key column holds personal data (an
// email used as the key), as every other command does, unless --reveal.
func (a *app) maskKeys(ctx context.Context, ws interface {
	PersonalData(context.Context, string) (map[string]pii.Kind, error)
}, from snapshot.Snapshot, d *snapshot.Diff) error {
	kinds, err := ws.PersonalData(ctx, from.Table)
	if err != nil {
		return err
	}
	kind := kinds[from.KeyColumn]
	if kind == pii.None {
		return nil
	}
	mask, err := a.gate(ctx, a.ws, personal{subject: d.Segment, kinds: map[string]pii.Kind{from.KeyColumn: kind},
		details: map[string]string{"segment": d.Segment, "command": "segment diff --keys"}})
	if err != nil || mask == nil {
		return err
	}
	for _, list := range [][]string{d.EnteredKeys, d.LeftKeys} {
		for i, k := range list {
			list[i] = pii.Mask(kind, k)
		}
	}
	return nil
}

func (a *app) segmentTrendCmd() *cobra.Command {
	var drift float64
	cmd := &cobra.Command{
		Use:   "trend NAME [--drift 0.2]",
		Short: "A segment's size and reach at each snapshot, with drift warnings",
		Example: "  segscope segment trend churn_risk\n" +
			"  segscope segment trend churn_risk --format csv > churn_trend.csv",
		Args: cobra.ExactArgs(1),
		RunE: a.withWorkspace(func(cmd *cobra.Command, ws *query.Workspace, args []string) error {
			points, err := snapshot.New(ws).Trend(cmd.Context(), args[0], drift)
			if err != nil {
				return err
			}
			if len(points) == 0 {
				a.note("segment %s has no snapshot yet: take one with `segscope snapshot %s` (every export takes one too)", args[0], args[0])
			}
			channels := map[string]bool{}
			for _, p := range points {
				for ch := range p.Reach {
					channels[ch] = true
				}
			}
			chs := slices.Sorted(maps.Keys(channels))
			pr := a.printer()
			headers := []string{"snapshot", "taken", "version", "kind", "members", "change", "drift"}
			numeric := map[int]bool{0: true, 2: true, 4: true, 5: true}
			for _, ch := range chs {
				headers = append(headers, "reach: "+ch)
				numeric[len(headers)-1] = true
			}
			var rows [][]string
			drifted := 0
			for _, p := range points {
				change := ""
				if p.Change != nil {
					change = pr.share(*p.Change)
				}
				mark := ""
				if p.Drift {
					mark, drifted = "!", drifted+1
				}
				row := []string{strconv.FormatInt(p.ID, 10), p.Taken.Format("2006-01-02 15:04"), strconv.Itoa(p.Version), p.Kind, pr.count(p.Size), change, mark}
				for _, ch := range chs {
					if n, ok := p.Reach[ch]; ok {
						row = append(row, pr.count(n))
					} else {
						row = append(row, "")
					}
				}
				rows = append(rows, row)
			}
			if err := pr.table(headers, rows, numeric, points); err != nil {
				return err
			}
			if drifted > 0 {
				fmt.Fprintf(a.errOut, "warning: %s moved by more than %g%% from the snapshot before (marked !)\n",
					counts.Of(int64(drifted), "snapshot", "snapshots"), 100*drift)
			}
			return nil
		}),
	}
	cmd.Flags().Float64Var(&drift, "drift", 0.2, driftFlagHelp)
	return cmd
}

// noteAudience says how an export was narrowed and which snapshot it recorded.
func (a *app) noteAudience(au *export.AudienceStamp) {
	var parts []string
	if au.Arm != "" {
		parts = append(parts, fmt.Sprintf("arm %s of the split %s (salt %s)", au.Arm, au.Split, au.Salt))
	}
	if au.Step != "" {
		before := "the first step"
		if len(au.EarlierSteps) > 0 {
			before = "less " + strings.Join(au.EarlierSteps, ", ")
		}
		parts = append(parts, fmt.Sprintf("step %s of priority list %s (%s)", au.Step, au.Priority, before))
	}
	if au.OnlyNewSince != nil {
		parts = append(parts, fmt.Sprintf("only members new since snapshot %d", *au.OnlyNewSince))
	}
	if len(parts) > 0 {
		a.note("narrowed to %s", strings.Join(parts, "; "))
	}
	a.note("snapshot %d of the segment's members recorded (segscope segment diff)", au.Snapshot)
}

// rate is a rate or lift for a cell: two decimals of a percent in a table, where
// a lift of a few tenths of a point matters; all digits in CSV.
func (p printer) rate(f float64) string {
	if p.format == "table" {
		return fmt.Sprintf("%.2f%%", 100*f)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// withWorkspace opens the workspace and hands it to fn.
func (a *app) withWorkspace(fn func(cmd *cobra.Command, ws *query.Workspace, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ws, err := a.workspace(cmd.Context())
		if err != nil {
			return err
		}
		return fn(cmd, ws, args)
	}
}
