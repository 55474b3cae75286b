package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/rule"
)

func (a *app) eventsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Declare tables of events (orders, views, logins) and the audience whose people they belong to",
		Long: "An event table holds one row per thing a person did: an order line, a viewing, a login. Set up,\n" +
			"its rows become events of the people of an audience table, matched by key, and rules on the\n" +
			"audience can test them: count(orders in last 90 days) = 0, sum(orders.Quantity * orders.UnitPrice) > 1000.\n" +
			"An audience can have several event tables. See segscope as-of for the time windows count back from.",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(a.eventsSetupCmd(), a.eventsListCmd(), a.eventsRemoveCmd())
	return cmd
}

func (a *app) eventsSetupCmd() *cobra.Command {
	var c events.Config
	var reason, asOf string
	cmd := &cobra.Command{
		Use:   "setup --table T --key K --audience A [--time COL] [--amount EXPR]",
		Short: "Declare that a table holds events of an audience's people",
		Long: "Declare that the rows of --table are events of the people of --audience: a row whose --key equals\n" +
			"a person's key is that person's event, and --time says when it happened (a DATE or TIMESTAMP column;\n" +
			"without one, windows, first() and last() can't apply). Rows without a key are counted and reported.\n" +
			"If the audience table does not exist it is made from the events: one row per key with first_seen,\n" +
			"last_seen, events, active_days (days with events) and, with --amount, amount (its sum); it is made\n" +
			"again whenever the event table is imported again. --amount is arithmetic over the event table's\n" +
			"number columns (Quantity * UnitPrice). Setting up a table again replaces its setup. Audited.",
		Example: "  segscope events setup --table orders --key CustomerID --time InvoiceDate --audience customers \\\n" +
			"    --amount 'Quantity * UnitPrice' --as-of 2011-12-10 --reason 'online retail 2010-2011'\n" +
			"  segscope events setup --table views --key subscriber_id --time viewed_at --audience subscribers",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			opts := events.Options{Reason: reason}
			if cmd.Flags().Changed("as-of") {
				t, err := events.ParseAsOf(asOf)
				if err != nil {
					return fmt.Errorf("--as-of: %w", err)
				}
				opts.AsOf = &t
			}
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			e, err := events.Setup(ctx, ws, c, opts)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(e)
			}
			a.note("%s", e.Sentence())
			if e.Derived {
				cols, err := ws.Columns(ctx, e.Audience)
				if err != nil {
					return err
				}
				names := make([]string, len(cols))
				for i, col := range cols {
					names[i] = col.Name
				}
				a.note("made %s from the events: %s, key %s, columns %s; it is made again when %s is imported again",
					e.Audience, counts.Of(e.Stats.People, "row", "rows"), e.Key, strings.Join(names, ", "), e.Table)
			}
			at, err := events.AsOf(ctx, ws)
			if err != nil {
				return err
			}
			if opts.AsOf != nil {
				a.note("as of %s: ago() and windows such as \"in last 90 days\" count back from it", rule.AsOfDate(at))
			} else if at.IsZero() && e.Stats.Last != nil && time.Since(*e.Stats.Last) > 30*24*time.Hour {
				next := e.Stats.Last.Truncate(24 * time.Hour).Add(24 * time.Hour)
				a.note("the latest event is on %s, long before today, and windows count back from now: for historical data, "+
					"set the as-of time with segscope as-of %s", e.Stats.Last.Format("2006-01-02"), next.Format("2006-01-02"))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.Table, "table", "", "the table of events")
	f.StringVar(&c.Key, "key", "", "its column saying whose event each row is")
	f.StringVar(&c.Time, "time", "", "its column saying when each event happened (DATE or TIMESTAMP)")
	f.StringVar(&c.Audience, "audience", "", "the table of people the events belong to; a new name makes it from the events")
	f.StringVar(&c.Amount, "amount", "", "arithmetic over the events' number columns summed into the audience's amount (Quantity * UnitPrice)")
	f.StringVar(&reason, "reason", "", "why, for the audit log")
	f.StringVar(&asOf, "as-of", "", "also set the workspace's as-of time (a date, or now)")
	return cmd
}

func (a *app) eventsListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the event tables with what their events held when last imported or set up",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			list, err := events.List(ctx, ws)
			if err != nil {
				return err
			}
			at, err := events.AsOf(ctx, ws)
			if err != nil {
				return err
			}
			pr := a.printer()
			rows := make([][]string, len(list))
			for i, e := range list {
				audience := e.Audience
				if e.Derived {
					audience += " (made from the events)"
				}
				rows[i] = []string{e.Table, audience, e.Key, e.Time, e.Amount, pr.count(e.Stats.Events), pr.count(e.Stats.People),
					pr.count(e.Stats.Keyless), pr.count(e.Stats.NoTime), timeOrBlank(e.Stats.First), timeOrBlank(e.Stats.Last)}
			}
			if list == nil {
				list = []events.Entry{}
			}
			if err := pr.table([]string{"table", "audience", "key", "time", "amount", "events", "people", "without key", "without time", "first", "last"},
				rows, map[int]bool{5: true, 6: true, 7: true, 8: true}, list); err != nil {
				return err
			}
			if len(list) == 0 {
				a.note("no event tables: declare one with segscope events setup --table T --key K --audience A")
			}
			a.note("as of %s", rule.AsOfDate(at))
			return nil
		},
	}
}

func timeOrBlank(t *time.Time) string {
	if t == nil {
		return ""
	}
	return query.FormatValue(*t)
}

func (a *app) eventsRemoveCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "remove TABLE",
		Short: "Stop treating a table as events; the table and any audience made from it stay",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			e, err := events.Remove(ctx, ws, args[0], reason)
			if err != nil {
				return err
			}
			a.note("%s is no longer an event table of %s", e.Table, e.Audience)
			if e.Derived {
				a.note("%s, made from its events, stays as it is and is no longer made again when %s is imported", e.Audience, e.Table)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	return cmd
}

func (a *app) asOfCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "as-of [DATE|now]",
		Short: "Show or set the time that ago() and event windows count back from",
		Long: "Rules say \"in last 90 days\" and ago(30 days) relative to the workspace's as-of time: now unless set.\n" +
			"For historical data set it to when the data was taken (a date means the start of that day), so that\n" +
			"counts do not drift as the calendar moves on; now sets it back. Every change is audited.",
		Example: "  segscope as-of\n  segscope as-of 2011-12-10 --reason 'the export ends on 2011-12-09'\n  segscope as-of now",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var set *time.Time
			if len(args) == 1 {
				t, err := events.ParseAsOf(args[0])
				if err != nil {
					return fmt.Errorf("as-of: %w", err)
				}
				set = &t
			}
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			if set != nil {
				if err := events.SetAsOf(ctx, ws, *set, reason); err != nil {
					return err
				}
			}
			at, err := events.AsOf(ctx, ws)
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(map[string]any{"as_of": rule.AsOfDate(at), "set": !at.IsZero()})
			}
			if at.IsZero() {
				fmt.Fprintln(a.out, "as of now: ago() and windows count back from the current time")
				return nil
			}
			fmt.Fprintf(a.out, "as of %s: ago() and windows count back from it\n", rule.AsOfDate(at))
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit log")
	return cmd
}
