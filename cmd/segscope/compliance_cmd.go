package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/suppress"
)

func (a *app) suppressCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "suppress",
		Short: "Keep people out of every export: erasure, do-not-contact and other suppression lists",
		Long: "Suppression lists hold people who must never be exported again, whatever their consent says.\n" +
			"An entry is the salted SHA-256 of a normalized identifier (an email, a phone number or a key),\n" +
			"so a list holds no personal data and shows only counts. Lists belong to no table: every export\n" +
			"leaves out the rows whose key, email or phone columns match, and counts them as suppressed,\n" +
			"however often the table is imported again.",
	}
	cmd.AddCommand(a.suppressAddCmd(), a.suppressListCmd(), a.suppressRemoveCmd())
	return cmd
}

// entrySource is how identifiers are given to suppress add and remove.
type entrySource struct {
	list, from, column, kind, value, region, reason string
	key                                             bool
}

func (s *entrySource) flags(cmd *cobra.Command, verb string) {
	f := cmd.Flags()
	f.StringVar(&s.list, "list", "", "the list: "+suppress.Erasure+", "+suppress.DoNotContact+" or a name of your own")
	f.StringVar(&s.from, "from", "", "a file of identifiers to "+verb+": a CSV file with --column, else one per line")
	f.StringVar(&s.column, "column", "", "the file's column holding the identifiers (its header row names it)")
	f.StringVar(&s.value, "value", "", "a single identifier to "+verb)
	f.StringVar(&s.kind, "kind", "", "what the identifiers are: email, phone or key (default: from --column's name, or the value's shape)")
	f.BoolVar(&s.key, "key", false, "the identifiers are audience keys (same as --kind key)")
	f.StringVar(&s.region, "region", "", "country of phone numbers written without a country code (GB, US, ...)")
	f.StringVar(&s.reason, "reason", "", "why (kept in the audit log)")
}

// entries reads the identifiers and works out their kind.
func (s *entrySource) entries() ([]suppress.Entry, suppress.Kind, error) {
	if s.list == "" {
		return nil, "", errors.New("name the list with --list (" + suppress.Erasure + ", " + suppress.DoNotContact + " or a name of your own)")
	}
	if (s.from == "") == (s.value == "") {
		return nil, "", errors.New("give the identifiers with --from FILE or a single one with --value, not both or neither")
	}
	kind, err := s.kindOf()
	if err != nil {
		return nil, "", err
	}
	if s.value != "" {
		if s.column != "" {
			return nil, "", errors.New("--column names a column of the --from file; a --value needs none")
		}
		if kind == "" {
			kind = guessKind(s.value, s.region)
		}
		if kind == "" {
			return nil, "", errors.New("say what the value is with --kind email|phone|key (or --key)")
		}
		return []suppress.Entry{{Line: 1, Value: s.value}}, kind, nil
	}
	if kind == "" {
		return nil, "", errors.New("say what the file holds with --kind email|phone|key (or --key), or name a column called email or phone")
	}
	f, err := os.Open(s.from)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	ext := strings.ToLower(filepath.Ext(s.from))
	entries, err := suppress.ReadEntries(f, s.column, ext == ".tsv" || ext == ".tab")
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", s.from, err)
	}
	if len(entries) == 0 {
		return nil, "", fmt.Errorf("%s holds no identifiers", s.from)
	}
	return entries, kind, nil
}

// kindOf is the kind the flags give, or the one a column's name says; "" when
// neither says.
func (s *entrySource) kindOf() (suppress.Kind, error) {
	switch {
	case s.key && s.kind != "" && s.kind != string(suppress.Key):
		return "", fmt.Errorf("--key and --kind %s disagree", s.kind)
	case s.key:
		return suppress.Key, nil
	case s.kind != "":
		return suppress.ParseKind(s.kind)
	}
	switch pii.FromName(s.column) {
	case pii.Email:
		return suppress.Email, nil
	case pii.Phone:
		return suppress.Phone, nil
	}
	return "", nil
}

// guessKind reads a single value as an email or a phone number when it is one.
func guessKind(value, region string) suppress.Kind {
	if _, err := suppress.Normalize(suppress.Email, value, ""); err == nil {
		return suppress.Email
	}
	if _, err := suppress.Normalize(suppress.Phone, value, region); err == nil {
		return suppress.Phone
	}
	return ""
}

func (a *app) suppressAddCmd() *cobra.Command {
	var src entrySource
	var skipInvalid bool
	cmd := &cobra.Command{
		Use:   "add --list LIST (--from FILE [--column C] | --value V) [--kind email|phone|key | --key]",
		Short: "Add identifiers to a suppression list (stored hashed; duplicates and entries already listed are counted, not added)",
		Example: `  segscope suppress add --list erasure --from erasures.csv --column email --reason "DSR-2291"
  segscope suppress add --list do-not-contact --value "+44 20 7946 0000" --reason "asked on the phone"
  segscope suppress add --list fraud --from ids.txt --key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			entries, kind, err := src.entries()
			if err != nil {
				return err
			}
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			source := "--value"
			if src.from != "" {
				source = filepath.Base(src.from)
			}
			res, err := suppress.New(ws).Add(cmd.Context(), suppress.AddRequest{List: src.list, Kind: kind, Entries: entries,
				Region: src.region, SkipInvalid: skipInvalid, Source: source, Reason: src.reason})
			if err != nil {
				return err
			}
			pr := a.printer()
			rows := [][]string{{"read", pr.count(int64(res.Read))}, {"added", pr.count(int64(res.Added))},
				{"already listed", pr.count(int64(res.AlreadyListed))}, {"duplicates", pr.count(int64(res.Duplicates))},
				{"invalid, skipped", pr.count(int64(len(res.Skipped)))}}
			if err := pr.table([]string{res.List + " (" + string(res.Kind) + ")", "entries"}, rows, map[int]bool{1: true}, res); err != nil {
				return err
			}
			for _, in := range res.Skipped {
				a.note("skipped line %d: %s", in.Line, in.Reason)
			}
			return nil
		},
	}
	src.flags(cmd, "add")
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "add the valid entries and report the invalid ones (default: refuse the whole file)")
	return cmd
}

func (a *app) suppressRemoveCmd() *cobra.Command {
	var src entrySource
	var all bool
	cmd := &cobra.Command{
		Use:   "remove --list LIST (--from FILE [--column C] | --value V | --all) --reason WHY",
		Short: "Take identifiers (or a whole list) off a suppression list",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := suppress.RemoveRequest{List: src.list, Region: src.region, All: all, Reason: src.reason}
			if !all {
				var err error
				if req.Entries, req.Kind, err = src.entries(); err != nil {
					return err
				}
			} else if src.from != "" || src.value != "" {
				return errors.New("--all removes the whole list: give no --from or --value with it")
			}
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			res, err := suppress.New(ws).Remove(cmd.Context(), req)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(res)
			}
			a.note("%s removed from %s", counts.Of(res.Removed, "entry", "entries"), res.List)
			if res.NotListed > 0 {
				a.note("%s not on the list", counts.Of(int64(res.NotListed), "entry was", "entries were"))
			}
			return nil
		},
	}
	src.flags(cmd, "remove")
	cmd.Flags().BoolVar(&all, "all", false, "remove every entry of the list")
	return cmd
}

func (a *app) suppressListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Count each suppression list's entries by kind (never the entries: they are hashes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			counts, err := suppress.New(ws).Counts(cmd.Context())
			if err != nil {
				return err
			}
			if len(counts) == 0 && a.format == "table" {
				a.note("no suppression lists yet: add one with segscope suppress add --list erasure ...")
				return nil
			}
			pr := a.printer()
			rows := make([][]string, len(counts))
			for i, c := range counts {
				rows[i] = []string{c.List, string(c.Kind), pr.count(c.Entries), c.Changed.Format("2006-01-02 15:04")}
			}
			if counts == nil {
				counts = []suppress.Count{}
			}
			return pr.table([]string{"list", "kind", "entries", "last added"}, rows, map[int]bool{2: true}, counts)
		},
	}
}

func (a *app) riskCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "risk [SEGMENT...]",
		Short: "Show segments' risk flags, with their reasons, and score",
		Long: "Assess segments (all of them when none are named): each flag says why it was raised, and the\n" +
			"score combines them (high with any high flag or two medium ones; medium with one medium flag or\n" +
			"two low ones; low otherwise). Segments the compliance policy gates are exported only with\n" +
			"export --acknowledge \"reason\". See and change the policy with segscope risk policy.",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			names := args
			if len(names) == 0 {
				list, err := segments.NewStore(ws).List(ctx)
				if err != nil {
					return err
				}
				for _, s := range list {
					names = append(names, s.Name)
				}
			}
			all, err := risk.New(ws, consent.New(ws)).AssessAll(ctx, names, nil)
			if err != nil {
				return err
			}
			var rows [][]string
			for _, as := range all {
				if as.Err != nil {
					return as.Err
				}
				gate := ""
				if as.Gated {
					gate = "needs --acknowledge"
				}
				if len(as.Flags) == 0 {
					rows = append(rows, []string{as.Segment, string(as.Score), gate, "", "no flags"})
				}
				for _, f := range as.Flags {
					rows = append(rows, []string{as.Segment, string(as.Score), gate, string(f.Code) + " (" + string(f.Severity) + ")", f.Reason})
				}
			}
			if all == nil {
				all = []risk.Assessment{}
			}
			return a.printer().table([]string{"segment", "score", "export", "flag", "reason"}, rows, nil, all)
		},
	}
	cmd.AddCommand(a.riskPolicyCmd())
	return cmd
}

func (a *app) riskPolicyCmd() *cobra.Command {
	var k int
	var gate, channel, reason string
	var block []string
	var coverage, strict float64
	cmd := &cobra.Command{
		Use:   "policy [--k N] [--gate-score high|medium|low|off] [--block FLAG,...] [--main-channel C] [--reason WHY]",
		Short: "Show the compliance policy, or change it (the change is audited)",
		Example: `  segscope risk policy
  segscope risk policy --k 20 --block minors,special_category --reason "DPO review 2026-11"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			as := risk.New(ws, consent.New(ws))
			p, err := as.Policy(ctx)
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if f.NFlag() > 0 && !(f.NFlag() == 1 && f.Changed("reason")) {
				if f.Changed("k") {
					p.K = k
				}
				if f.Changed("gate-score") {
					p.GateScore = gate
				}
				if f.Changed("block") {
					p.Block = p.Block[:0]
					for _, b := range block {
						if b = strings.TrimSpace(b); b != "" {
							p.Block = append(p.Block, risk.Code(b))
						}
					}
				}
				if f.Changed("main-channel") {
					p.MainChannel = channel
				}
				if f.Changed("min-coverage") {
					p.MinCoverage = coverage
				}
				if f.Changed("strict-share") {
					p.StrictShare = strict
				}
				if p, err = as.SetPolicy(ctx, p, reason); err != nil {
					return err
				}
				a.note("compliance policy saved")
			}
			return a.printPolicy(p)
		},
	}
	f := cmd.Flags()
	f.IntVar(&k, "k", 0, "a segment with fewer members (but some) is a small cell")
	f.StringVar(&gate, "gate-score", "", "score from which an export needs --acknowledge: high, medium, low or off")
	f.StringSliceVar(&block, "block", nil, "flags that need --acknowledge on their own, whatever the score (empty for none)")
	f.StringVar(&channel, "main-channel", "", "consent channel coverage is judged on (empty: email, else the first)")
	f.Float64Var(&coverage, "min-coverage", 0, "share contactable on the main channel below which coverage is low (0 to 1)")
	f.Float64Var(&strict, "strict-share", 0, "share of members in the EU/EEA, UK or California from which the flag is raised (0 to 1)")
	f.StringVar(&reason, "reason", "", "why the policy changes (required with a change; kept in the audit log)")
	return cmd
}

func (a *app) printPolicy(p risk.Policy) error {
	pr := a.printer()
	block := "none"
	if len(p.Block) > 0 {
		names := make([]string, len(p.Block))
		for i, c := range p.Block {
			names[i] = string(c)
		}
		block = strings.Join(names, ", ")
	}
	channel := p.MainChannel
	if channel == "" {
		channel = "email, else the first channel the consent data knows"
	}
	rows := [][]string{
		{"k (small cell below)", fmt.Sprint(p.K)},
		{"export needs --acknowledge from score", p.GateScore},
		{"flags that gate on their own", block},
		{"main channel", channel},
		{"low coverage below", pr.share(p.MinCoverage)},
		{"strict jurisdictions from", pr.share(p.StrictShare)},
	}
	return pr.table([]string{"setting", "value"}, rows, nil, p)
}

// assessOne is a segment's risk for the segment commands; an error is printed
// as a note, since the segment itself was read or saved all the same.
func (a *app) assessOne(ctx context.Context, ws *query.Workspace, name string) (risk.Assessment, bool) {
	as, err := risk.New(ws, consent.New(ws)).Assess(ctx, name)
	if err != nil {
		a.note("%v", err)
		return risk.Assessment{}, false
	}
	return as, true
}

// riskSummary is an assessment in one cell: the score and the flags' names.
func riskSummary(as risk.Assessment) string {
	if len(as.Flags) == 0 {
		return string(as.Score)
	}
	return string(as.Score) + ": " + strings.Join(as.Codes(), ", ")
}
