package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/suppress"
)

func (a *app) consentCmd() *cobra.Command {
	var channels []string
	cmd := &cobra.Command{
		Use:   "consent [SEGMENT]",
		Short: "Show who may be contacted on each channel, and why the rest may not",
		Long: "Count a segment's members (or, without SEGMENT, every person in each table with consent set up)\n" +
			"by consent state per channel: granted, denied, withdrawn, stale, unknown and minor, overall and\n" +
			"by jurisdiction. Only granted members are contactable. Consent applies only to the table it was\n" +
			"set up for (segscope consent setup); segscope consent propose suggests a setup.",
		Example: "  segscope consent churn_risk\n  segscope consent churn_risk --channel email,sms",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			svc := consent.New(ws)
			pops, err := a.populations(ctx, ws, svc, args)
			if err != nil {
				return err
			}
			var all []*consent.Coverage
			for _, pop := range pops {
				// People on a suppression list are counted apart: no grant makes them contactable.
				if pop.Suppressed, err = suppress.New(ws).Predicate(ctx, pop.Table); err != nil {
					return err
				}
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
	cmd.AddCommand(a.consentSetupCmd(), a.consentProposeCmd())
	return cmd
}

// populations is the segment named, or else every table with consent set up
// (tables of consent events are not audiences themselves); the tables without a
// setup are named, so that none is silently left out.
func (a *app) populations(ctx context.Context, ws *query.Workspace, svc *consent.Service, args []string) ([]consent.Population, error) {
	if len(args) == 1 {
		c, err := segments.NewStore(ws).Compile(ctx, args[0])
		if err != nil {
			return nil, err
		}
		return []consent.Population{consent.SegmentMembers(c)}, nil
	}
	aud, err := svc.Audiences(ctx)
	if err != nil {
		return nil, err
	}
	pops := make([]consent.Population, len(aud.SetUp))
	for i, t := range aud.SetUp {
		pops[i] = consent.WholeTable(t)
	}
	if len(pops) == 0 {
		return nil, fmt.Errorf("no table has consent set up: see what segscope proposes with segscope consent propose TABLE, then save it with segscope consent setup --table TABLE --from-proposal")
	}
	if len(aud.NotSetUp) > 0 {
		a.note("no consent set up for %s (segscope consent propose TABLE suggests a setup)", strings.Join(aud.NotSetUp, ", "))
	}
	return pops, nil
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
				for _, st := range coverageStates(cov) {
					rows = append(rows, []string{cov.Population.Name(), cov.Population.Table, c.Channel, "all", string(st), fmt.Sprint(c.Counts[st])})
				}
				for _, j := range c.Jurisdictions {
					for _, st := range coverageStates(cov) {
						rows = append(rows, []string{cov.Population.Name(), cov.Population.Table, c.Channel, string(j.Jurisdiction), string(st), fmt.Sprint(j.Counts[st])})
					}
				}
			}
		}
		return p.table([]string{"population", "table", "channel", "jurisdiction", "state", "count"}, rows, nil, nil)
	}
	states := consent.States
	for _, cov := range all {
		if len(coverageStates(cov)) > len(states) {
			states = coverageStates(cov)
		}
	}
	headers := []string{"channel"}
	for _, st := range states {
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
		a.note("%s: %s members · %s · stale after %d days", cov.Population.Name(), thousands(cov.Members), source, policy.StaleDays)
		if cov.AgeUnknown > 0 {
			a.note("%s members' age is unknown: %s", thousands(cov.AgeUnknown), policy.UnknownAgeRule())
		}
		if slices.Contains(states, consent.Suppressed) {
			a.note("suppressed: on a suppression list, counted apart from their consent and never contactable")
		}
		if slices.Contains(states, consent.DoNotSell) {
			a.note("do_not_sell: California residents flagged in %s (Global Privacy Control, do not sell or share), kept out of ads channels",
				policy.DoNotSellColumn)
		}
		var rows [][]string
		for _, c := range cov.Channels {
			rows = append(rows, tallyRow(c.Channel, c.Tally, states))
		}
		if err := p.table(headers, rows, numeric, nil); err != nil {
			return err
		}
		var byJurisdiction [][]string
		for _, c := range cov.Channels {
			for _, j := range c.Jurisdictions {
				byJurisdiction = append(byJurisdiction, tallyRow(c.Channel+" · "+string(j.Jurisdiction), j.Tally, states))
			}
		}
		if err := p.table(append([]string{"channel · jurisdiction"}, headers[1:]...), byJurisdiction, numeric, nil); err != nil {
			return err
		}
		for _, c := range cov.Channels {
			if c.Unrecognized > 0 {
				a.note("%s: %s members' latest status word was not recognised and counts as unknown", c.Channel, thousands(c.Unrecognized))
			}
			if c.FutureDated > 0 {
				a.note("%s: %s members have an event dated in the future, which never counts as their latest", c.Channel, thousands(c.FutureDated))
			}
		}
	}
	return nil
}

func tallyRow(label string, t consent.Tally, states []consent.State) []string {
	row := []string{label}
	for _, st := range states {
		row = append(row, thousands(t.Counts[st]))
	}
	return append(row, fmt.Sprintf("%s (%.1f%%)", thousands(t.Contactable), 100*t.Share))
}

// coverageStates are the reasons a coverage counts on any of its channels:
// suppressed first when it was asked with the suppression lists, do_not_sell
// where a do-not-sell flag kept someone out of an ads channel.
func coverageStates(cov *consent.Coverage) []consent.State { return cov.Reasons() }

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
		fromProposal                    bool
		ageCol, parentalCol, countryCol string
		stateCol, doNotSellCol          string
		adPersonalization, adUserData   string
		staleDays, minorAge, minorAgeEU int
		unknownAge                      string
	)
	cmd := &cobra.Command{
		Use:   "setup --table T (--from-proposal | --key K (--channel-col C --status-col S --time-col U [--consent-table CT] | --wide COL=CHANNEL,...))",
		Short: "Describe where a table's consent lives and which policy applies",
		Long: "Store how consent is recorded for an audience table, and the policy applied to it. Either a table\n" +
			"of consent events (one row per decision: person, channel, status, time), where the latest decision\n" +
			"per person and channel wins; or opt-in columns on the table itself (--wide email_opt_in=email).\n" +
			"--from-proposal saves what segscope consent propose shows. Policy columns not given are detected\n" +
			"by name (age, parental_consent, country, state, gpc/do_not_sell); pass an empty value (--age-col '')\n" +
			"to have none. A California resident flagged in the do-not-sell column (Global Privacy Control, do\n" +
			"not sell or share) is kept out of ads channels and customer-match files; Google customer match in\n" +
			"the EU/EEA and UK needs both ad_user_data and ad_personalization granted, and --ad-user-data and\n" +
			"--ad-personalization say which channels record them when they have other names.\n" +
			"With an age column, a person whose age is unknown counts as a minor unless --unknown-age contactable.\n" +
			"Consent applies only to the table it is set up for. Every change is written to the audit log.",
		Example: "  segscope consent propose customers\n" +
			"  segscope consent setup --table customers --from-proposal --reason 'checked the opt-in column'\n" +
			"  segscope consent setup --table subscribers --key subscriber_id --consent-table consent \\\n" +
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
			svc := consent.New(ws)
			long := events.Channel != "" || events.Status != "" || events.Time != "" || events.Table != ""
			switch {
			case fromProposal && (long || len(wide) > 0 || cfg.Key != "" || events.Key != "" || events.Source != ""):
				return fmt.Errorf("--from-proposal saves the proposed columns as they are: leave out --key, --wide and the consent table's flags, or describe the setup without --from-proposal")
			case fromProposal:
				p, err := svc.Propose(ctx, cfg.Table)
				if err != nil {
					return err
				}
				cfg = p.Config
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
					if events.Table, err = proposedEventsTable(ctx, svc, cfg.Table); err != nil {
						return err
					}
				}
			default:
				return fmt.Errorf("describe the consent data: --channel-col, --status-col and --time-col for a table of consent events, " +
					"or --wide with COLUMN=CHANNEL pairs, or --from-proposal to save what segscope consent propose shows")
			}
			if !fromProposal {
				if cfg.Policy, err = consent.DetectPolicy(ctx, ws, cfg.Table); err != nil {
					return err
				}
			}
			flags := cmd.Flags()
			for _, f := range []struct {
				name  string
				value string
				into  *string
			}{
				{"age-col", ageCol, &cfg.Policy.AgeColumn}, {"parental-col", parentalCol, &cfg.Policy.ParentalColumn},
				{"country-col", countryCol, &cfg.Policy.CountryColumn}, {"state-col", stateCol, &cfg.Policy.StateColumn},
				{"do-not-sell-col", doNotSellCol, &cfg.Policy.DoNotSellColumn},
				{"ad-personalization", adPersonalization, &cfg.Policy.AdPersonalization}, {"ad-user-data", adUserData, &cfg.Policy.AdUserData},
			} {
				if flags.Changed(f.name) {
					*f.into = f.value
				}
			}
			cfg.Policy.StaleDays, cfg.Policy.MinorAge, cfg.Policy.MinorAgeEU = staleDays, minorAge, minorAgeEU
			if cfg.Policy.UnknownAge, err = consent.ParseUnknownAge(unknownAge); err != nil {
				return err
			}
			saved, err := svc.Setup(ctx, cfg, reason)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(saved)
			}
			a.note("consent for %s saved:", saved.Table)
			for _, line := range saved.Describe() {
				a.note("  %s", line)
			}
			return nil
		},
	}
	def := consent.DefaultPolicy()
	f := cmd.Flags()
	f.StringVar(&cfg.Table, "table", "", "the audience table")
	f.StringVar(&cfg.Key, "key", "", "its key column (default: the key found on import)")
	f.StringVar(&events.Table, "consent-table", "", "the table of consent events (default: the one proposed, if its people match)")
	f.StringVar(&events.Key, "consent-key", "", "the events' column holding the person's key (default: same name as --key)")
	f.StringVar(&events.Channel, "channel-col", "", "the events' channel column")
	f.StringVar(&events.Status, "status-col", "", "the events' status column (opt_in, yes, unsubscribed, ...)")
	f.StringVar(&events.Time, "time-col", "", "the events' time column")
	f.StringVar(&events.Source, "source-col", "", "the events' source column, kept for the record")
	f.StringSliceVar(&wide, "wide", nil, "opt-in columns on the table: COL=CHANNEL[:TIME_COL],...")
	f.IntVar(&staleDays, "stale-days", def.StaleDays, "a grant older than this is stale")
	f.IntVar(&minorAge, "minor-age", def.MinorAge, "under this age is a minor everywhere (COPPA)")
	f.IntVar(&minorAgeEU, "minor-age-eu", def.MinorAgeEU, "under this age is a minor in the EU/EEA (GDPR Art. 8)")
	f.StringVar(&unknownAge, "unknown-age", string(def.UnknownAge), "whether someone whose age is unknown may be contacted: "+
		string(consent.NotContactable)+" (counted as a minor) or "+string(consent.Contactable))
	f.BoolVar(&fromProposal, "from-proposal", false, "save the setup segscope consent propose shows for --table")
	f.StringVar(&ageCol, "age-col", "", "age column (default: detected)")
	f.StringVar(&parentalCol, "parental-col", "", "parental-consent column (default: detected)")
	f.StringVar(&countryCol, "country-col", "", "country column (default: detected)")
	f.StringVar(&stateCol, "state-col", "", "state column, for California (default: detected)")
	f.StringVar(&doNotSellCol, "do-not-sell-col", "", "Global Privacy Control / do-not-sell-or-share flag column (default: detected: gpc, do_not_sell, dns, ...)")
	f.StringVar(&adPersonalization, "ad-personalization", "", "the channel recording Google's ad_personalization (default: ad_personalization, else ads_personalization)")
	f.StringVar(&adUserData, "ad-user-data", "", "the channel recording Google's ad_user_data (default: ad_user_data)")
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

// proposedEventsTable is the table of consent events segscope proposes for a
// table, for a setup that names the columns but not the table.
func proposedEventsTable(ctx context.Context, svc *consent.Service, table string) (string, error) {
	p, err := svc.Propose(ctx, table)
	if err != nil || p.Config.Events == nil {
		return "", fmt.Errorf("no table of consent events whose people are in %s was found: name it with --consent-table", table)
	}
	return p.Config.Events.Table, nil
}

func (a *app) consentProposeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "propose TABLE",
		Short: "Show the consent setup segscope would suggest for a table, without saving it",
		Long: "Look for the table's consent: a table of consent events (consent, consents, consent_events, ...)\n" +
			"whose keys are the table's people, or opt-in columns on the table itself. The proposal says what\n" +
			"was recognised and how many of the table's people the events name. Nothing is applied until you\n" +
			"save it with segscope consent setup --table TABLE --from-proposal.",
		Example: "  segscope consent propose customers\n  segscope consent setup --table customers --from-proposal",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			svc := consent.New(ws)
			p, err := svc.Propose(ctx, args[0])
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(p)
			}
			a.note("proposed consent setup for %s (not saved):", args[0])
			for _, line := range append(p.Config.Describe(), p.Evidence...) {
				a.note("  %s", line)
			}
			for _, w := range p.Warnings {
				a.note("  ! %s", w)
			}
			if _, err := svc.Config(ctx, args[0]); err == nil {
				a.note("%s already has a consent setup: saving the proposal replaces it", args[0])
			} else if !errors.Is(err, consent.ErrNotConfigured) {
				return err
			}
			a.note("save it with: segscope consent setup --table %s --from-proposal", args[0])
			return nil
		},
	}
}
