package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/subject"
	"github.com/segscope/segscope/segments/suppress"
)

func (a *app) subjectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "subject",
		Short: "Answer data-subject requests: where a person is, and erasing them for good",
		Long: "Name the person by --email, --phone (with --region for a number without its country code) or\n" +
			"--key with --table. find lists the tables and rows that hold them, their consent and the segments\n" +
			"they are in now; erase deletes their rows from every table, puts them on the erasure list so a\n" +
			"re-import cannot bring them back into an export, and writes the evidence (counts, never their\n" +
			"data) to the audit log.",
	}
	cmd.AddCommand(a.subjectFindCmd(), a.subjectEraseCmd())
	return cmd
}

// personFlags are the ways to name a person.
type personFlags struct{ email, phone, key, table, region string }

func (p *personFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&p.email, "email", "", "the person's email address")
	f.StringVar(&p.phone, "phone", "", "the person's phone number")
	f.StringVar(&p.key, "key", "", "the person's key in --table")
	f.StringVar(&p.table, "table", "", "the table --key is a key of")
	f.StringVar(&p.region, "region", "", "country of a phone number written without its country code (GB, US, ...)")
}

func (p *personFlags) person() (subject.Person, error) {
	var out []subject.Person
	if p.email != "" {
		out = append(out, subject.Person{Kind: suppress.Email, Value: p.email})
	}
	if p.phone != "" {
		out = append(out, subject.Person{Kind: suppress.Phone, Value: p.phone, Region: p.region})
	}
	if p.key != "" {
		if p.table == "" {
			return subject.Person{}, errors.New("--key names a row of one table: say which with --table")
		}
		out = append(out, subject.Person{Kind: suppress.Key, Value: p.key, Table: p.table})
	}
	if len(out) != 1 {
		return subject.Person{}, errors.New("name the person by one of --email, --phone or --key (with --table)")
	}
	return out[0], nil
}

func (a *app) subjectFindCmd() *cobra.Command {
	var who personFlags
	cmd := &cobra.Command{
		Use:     "find (--email E | --phone P [--region R] | --key K --table T)",
		Short:   "Show which tables, rows, segments and past exports hold a person, and their consent",
		Example: "  segscope subject find --email ana@example.com\n  segscope subject find --key 52 --table subscribers --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := who.person()
			if err != nil {
				return err
			}
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			f, err := subject.New(ws, consent.New(ws)).Find(cmd.Context(), p)
			if err != nil {
				return err
			}
			pr := a.printer()
			if pr.format == "json" {
				return pr.json(f)
			}
			rows := make([][]string, 0, len(f.Tables))
			for _, t := range f.Tables {
				channels := make([]string, 0, len(t.Consent))
				for ch, st := range t.Consent {
					channels = append(channels, ch+" "+string(st))
				}
				sort.Strings(channels)
				rows = append(rows, []string{t.Table, pr.count(t.Rows), strings.Join(t.Keys, " "), strings.Join(channels, ", ")})
			}
			if len(rows) == 0 && pr.format == "table" {
				a.note("nobody in the workspace has that %s", p.Kind)
			} else if err := pr.table([]string{"table", "rows", "keys", "consent"}, rows, map[int]bool{1: true}, f); err != nil {
				return err
			}
			if len(f.Tables) > 0 {
				segs := "none"
				if len(f.Segments) > 0 {
					segs = strings.Join(f.Segments, ", ")
				}
				a.note("segments they are in now: %s", segs)
				if len(f.Exports) == 0 {
					a.note("exports they were in: none")
				} else {
					a.note("exports they were in (%d): %s", len(f.Exports), subject.ExportsCaveat)
					for _, x := range f.Exports {
						channel := x.Channel
						if channel == "" {
							channel = "no channel"
						}
						a.note("  %s · %s v%d · %s · %s · %s", x.At.UTC().Format("2006-01-02 15:04"), x.Segment, x.Version, channel, x.Format, x.File)
					}
				}
			}
			if len(f.Suppressed) > 0 {
				a.note("on the suppression lists: %s", strings.Join(f.Suppressed, ", "))
			}
			return nil
		},
	}
	who.add(cmd)
	return cmd
}

func (a *app) subjectEraseCmd() *cobra.Command {
	var who personFlags
	var reason string
	cmd := &cobra.Command{
		Use:     "erase (--email E | --phone P [--region R] | --key K --table T) --reason WHY",
		Short:   "Delete a person from every table and keep them out of every later export",
		Example: `  segscope subject erase --email ana@example.com --reason "DSR-2291"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := who.person()
			if err != nil {
				return err
			}
			if strings.TrimSpace(reason) == "" {
				return errors.New("say why with --reason (the request's reference, say): the erasure is audited")
			}
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			e, err := subject.New(ws, consent.New(ws)).Erase(cmd.Context(), p, reason)
			if err != nil {
				return err
			}
			pr := a.printer()
			if pr.format == "json" {
				return pr.json(e)
			}
			tables := make([]string, 0, len(e.Rows))
			var total int64
			for t, n := range e.Rows {
				tables = append(tables, fmt.Sprintf("%s %d", t, n))
				total += n
			}
			sort.Strings(tables)
			a.note("%s deleted (%s); on the %s list: later imports of them stay out of every export",
				counts.Of(total, "row", "rows"), strings.Join(tables, ", "), suppress.Erasure)
			return nil
		},
	}
	who.add(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why (the request's reference; kept in the audit log)")
	return cmd
}
