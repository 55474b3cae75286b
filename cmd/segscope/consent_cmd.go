package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
)

func (a *app) consentCmd() *cobra.Command {
	var channels []string
	cmd := &cobra.Command{
		Use:   "consent [SEGMENT]",
		Short: "Show who may be contacted on each channel, and why the rest may not",
		Long: "Count a segment's members (or, without SEGMENT, every person in each table with consent data)\n" +
			"by consent state per channel: granted, denied, withdrawn, stale, unknown and minor, overall and\n" +
			"by jurisdiction. Only granted members are contactable.",
		Example: "  segscope consent churn_risk\n  segscope consent churn_risk --channel email,sms",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			svc := consent.New(ws)
			pops, err := populations(ctx, ws, svc, args)
			if err != nil {
				return err
			}
			var all []*consent.Coverage
			for _, pop := range pops {
				cov, err := svc.Coverage(ctx, pop, channels)
				if err != nil {
					return err
				}
				all = append(all, cov)
			}
			return a.printCoverage(all)
		},
	}
	cmd.Flags().StringSliceVar(&channels, "channel", nil, "only these channels (comma-separated; default all)")
	cmd.AddCommand(a.consentSetupCmd())
	return cmd
}

// populations is the segment named, or else every table whose consent is configured
// or detectable (tables of consent events are not audiences themselves).
func populations(ctx context.Context, ws *query.Workspace, svc *consent.Service, args []string) ([]consent.Population, error) {
	if len(args) == 1 {
		c, err := segments.NewStore(ws).Compile(ctx, args[0])
		if err != nil {
			return nil, err
		}
		return []consent.Population{consent.SegmentMembers(c)}, nil
	}
	tables, err := ws.Tables(ctx)
	if err != nil {
		return nil, err
	}
	var configs []consent.Config
	for _, t := range tables {
		c, err := svc.Config(ctx, t.Name)
		if errors.Is(err, consent.ErrNotConfigured) {
			continue
		}
		if err != nil {
			return nil, err
		}
		configs = append(configs, c)
	}
	var pops []consent.Population
	for _, c := range configs {
		if !isEventsTable(c.Table, configs) {
			pops = append(pops, consent.WholeTable(c.Table))
		}
	}
	if len(pops) == 0 {
		return nil, fmt.Errorf("no table has consent data: describe it with segscope consent setup")
	}
	return pops, nil
}

func isEventsTable(table string, configs []consent.Config) bool {
	for _, c := range configs {
		if c.Events != nil && c.Events.Table == table {
			return true
		}
	}
	return false
}

func (a *app) printCoverage(all []*consent.Coverage) error {
	p := a.printer()
	switch a.format {
	case "json":
		return p.json(all)
	case "csv":
		// One long table, so a spreadsheet can pivot it any way.
		var rows [][]string
		for _, cov := range all {
			for _, c := range cov.Channels {
				for _, st := range consent.States {
					rows = append(rows, []string{cov.Population.Name(), cov.Population.Table, c.Channel, "all", string(st), fmt.Sprint(c.Counts[st])})
				}
				for _, j := range c.Jurisdictions {
					for _, st := range consent.States {
						rows = append(rows, []string{cov.Population.Name(), cov.Population.Table, c.Channel, string(j.Jurisdiction), string(st), fmt.Sprint(j.Counts[st])})
					}
				}
			}
		}
		return p.table([]string{"population", "table", "channel", "jurisdiction", "state", "count"}, rows, nil, nil)
	}
	headers := []string{"channel"}
	for _, st := range consent.States {
		headers = append(headers, string(st))
	}
	headers = append(headers, "contactable")
	numeric := map[int]bool{}
	for i := 1; i < len(headers); i++ {
		numeric[i] = true
	}
	for _, cov := range all {
		policy := cov.Config.Policy
		source := "consent events in " + tableOf(cov.Config)
		if cov.Config.Layout == consent.Wide {
			source = "opt-in columns of " + cov.Config.Table
		}
		if cov.Config.Detected {
			source += " (detected; fix with segscope consent setup)"
		}
		a.note("%s: %s members · %s · stale after %d days", cov.Population.Name(), thousands(cov.Members), source, policy.StaleDays)
		var rows [][]string
		for _, c := range cov.Channels {
			rows = append(rows, tallyRow(c.Channel, c.Tally))
		}
		if err := p.table(headers, rows, numeric, nil); err != nil {
			return err
		}
		var byJurisdiction [][]string
		for _, c := range cov.Channels {
			for _, j := range c.Jurisdictions {
				byJurisdiction = append(byJurisdiction, tallyRow(c.Channel+" · "+string(j.Jurisdiction), j.Tally))
			}
		}
		if err := p.table(append([]string{"channel · jurisdiction"}, headers[1:]...), byJurisdiction, numeric, nil); err != nil {
			return err
		}
		for _, c := range cov.Channels {
			if c.Unrecognized > 0 {
				a.note("%s: %s members' latest status word was not recognised and counts as unknown", c.Channel, thousands(c.Unrecognized))
			}
		}
	}
	return nil
}

func tallyRow(label string, t consent.Tally) []string {
	row := []string{label}
	for _, st := range consent.States {
		row = append(row, thousands(t.Counts[st]))
	}
	return append(row, fmt.Sprintf("%s (%.1f%%)", thousands(t.Contactable), 100*t.Share))
}

func tableOf(c consent.Config) string {
	if c.Events != nil {
		return c.Events.Table
	}
	return c.Table
}

func (a *app) consentSetupCmd() *cobra.Command {
	var (
		cfg                             consent.Config
		events                          consent.Events
		wide                            []string
		reason                          string
		ageCol, parentalCol, countryCol string
		stateCol                        string
		staleDays, minorAge, minorAgeEU int
	)
	cmd := &cobra.Command{
		Use:   "setup --table T --key K (--channel-col C --status-col S --time-col U [--consent-table CT] | --wide COL=CHANNEL,...)",
		Short: "Describe where a table's consent lives and which policy applies",
		Long: "Store how consent is recorded for an audience table, and the policy applied to it. Either a table\n" +
			"of consent events (one row per decision: person, channel, status, time), where the latest decision\n" +
			"per person and channel wins; or opt-in columns on the table itself (--wide email_opt_in=email).\n" +
			"Policy columns not given are detected by name (age, parental_consent, country, state); pass an\n" +
			"empty value (--age-col '') to have none. Every change is written to the audit log.",
		Example: "  segscope consent setup --table subscribers --key subscriber_id --consent-table consent \\\n" +
			"    --channel-col channel --status-col status --time-col event_time --stale-days 365\n" +
			"  segscope consent setup --table creators --key customer_id --wide email_opt_in=email,sms_opt_in=sms",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			if cfg.Table == "" {
				return fmt.Errorf("name the audience table with --table")
			}
			long := events.Channel != "" || events.Status != "" || events.Time != "" || events.Table != ""
			switch {
			case long && len(wide) > 0:
				return fmt.Errorf("give either the consent events' columns (--channel-col, --status-col, --time-col) or --wide, not both")
			case len(wide) > 0:
				cfg.Layout = consent.Wide
				if cfg.Wide, err = parseWide(wide); err != nil {
					return err
				}
			case long:
				cfg.Layout, cfg.Events = consent.Long, &events
				if events.Table == "" {
					if events.Table, err = detectedEventsTable(ctx, ws, cfg.Table); err != nil {
						return err
					}
				}
			default:
				return fmt.Errorf("describe the consent data: --channel-col, --status-col and --time-col for a table of consent events, or --wide with COLUMN=CHANNEL pairs")
			}
			if cfg.Policy, err = consent.DetectPolicy(ctx, ws, cfg.Table); err != nil {
				return err
			}
			flags := cmd.Flags()
			for _, f := range []struct {
				name  string
				value string
				into  *string
			}{
				{"age-col", ageCol, &cfg.Policy.AgeColumn}, {"parental-col", parentalCol, &cfg.Policy.ParentalColumn},
				{"country-col", countryCol, &cfg.Policy.CountryColumn}, {"state-col", stateCol, &cfg.Policy.StateColumn},
			} {
				if flags.Changed(f.name) {
					*f.into = f.value
				}
			}
			cfg.Policy.StaleDays, cfg.Policy.MinorAge, cfg.Policy.MinorAgeEU = staleDays, minorAge, minorAgeEU
			saved, err := consent.New(ws).Setup(ctx, cfg, reason)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(saved)
			}
			p := saved.Policy
			a.note("consent for %s saved: %s layout, stale after %d days, minors under %d (%d in the EU/EEA)",
				saved.Table, saved.Layout, p.StaleDays, p.MinorAge, p.MinorAgeEU)
			a.note("policy columns: age %s, parental consent %s, country %s, state %s",
				orNone(p.AgeColumn), orNone(p.ParentalColumn), orNone(p.CountryColumn), orNone(p.StateColumn))
			return nil
		},
	}
	def := consent.DefaultPolicy()
	f := cmd.Flags()
	f.StringVar(&cfg.Table, "table", "", "the audience table")
	f.StringVar(&cfg.Key, "key", "", "its key column (default: the key found on import)")
	f.StringVar(&events.Table, "consent-table", "", "the table of consent events (default: detected, e.g. consent)")
	f.StringVar(&events.Key, "consent-key", "", "the events' column holding the person's key (default: same name as --key)")
	f.StringVar(&events.Channel, "channel-col", "", "the events' channel column")
	f.StringVar(&events.Status, "status-col", "", "the events' status column (opt_in, yes, unsubscribed, ...)")
	f.StringVar(&events.Time, "time-col", "", "the events' time column")
	f.StringVar(&events.Source, "source-col", "", "the events' source column, kept for the record")
	f.StringSliceVar(&wide, "wide", nil, "opt-in columns on the table: COL=CHANNEL[:TIME_COL],...")
	f.IntVar(&staleDays, "stale-days", def.StaleDays, "a grant older than this is stale")
	f.IntVar(&minorAge, "minor-age", def.MinorAge, "under this age is a minor everywhere (COPPA)")
	f.IntVar(&minorAgeEU, "minor-age-eu", def.MinorAgeEU, "under this age is a minor in the EU/EEA (GDPR Art. 8)")
	f.StringVar(&ageCol, "age-col", "", "age column (default: detected)")
	f.StringVar(&parentalCol, "parental-col", "", "parental-consent column (default: detected)")
	f.StringVar(&countryCol, "country-col", "", "country column (default: detected)")
	f.StringVar(&stateCol, "state-col", "", "state column, for California (default: detected)")
	f.StringVar(&reason, "reason", "", "why (kept in the audit log)")
	return cmd
}

// parseWide reads COL=CHANNEL[:TIME_COL] mappings.
func parseWide(specs []string) ([]consent.WideColumn, error) {
	var out []consent.WideColumn
	for _, s := range specs {
		col, rest, ok := strings.Cut(s, "=")
		if !ok || col == "" || rest == "" {
			return nil, fmt.Errorf("the --wide value %q is not COLUMN=CHANNEL (e.g. email_opt_in=email)", s)
		}
		channel, timeCol, _ := strings.Cut(rest, ":")
		out = append(out, consent.WideColumn{Column: col, Channel: channel, Time: timeCol})
	}
	return out, nil
}

func detectedEventsTable(ctx context.Context, ws *query.Workspace, table string) (string, error) {
	c, err := consent.Detect(ctx, ws, table)
	if err != nil || c.Events == nil {
		return "", fmt.Errorf("no table of consent events found for %s: name it with --consent-table", table)
	}
	return c.Events.Table, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
