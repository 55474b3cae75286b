package main

import (
	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
)

// keyCmd shows a table's key candidates, or sets its key: the way out when a
// detected key is wrong, without re-importing.
func (a *app) keyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "key TABLE [COLUMN]",
		Short: "Show the columns that could be a table's key and why, or choose its key",
		Long: "With a table only, list every column as a key candidate: usable or not, and why.\n" +
			"With a column, make it the table's key (it must be unique, never empty and not personal data);\n" +
			query.SurrogateKey + " adds a key made of each row's position in the file. Segments of the table follow the new key.",
		Example: "  segscope key telco\n  segscope key telco customerID\n  segscope key bank " + query.SurrogateKey,
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			if len(args) == 2 {
				if err := ws.SetKey(cmd.Context(), args[0], args[1]); err != nil {
					return err
				}
				a.note("%s is now the key of %s", args[1], args[0])
				return nil
			}
			cands, err := ws.KeyCandidates(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			rows := make([][]string, len(cands))
			for i, c := range cands {
				verdict := "no"
				switch {
				case c.Chosen:
					verdict = "key"
				case c.Usable:
					verdict = "yes"
				}
				rows[i] = []string{c.Column, c.Type, verdict, c.Reason}
			}
			return a.printer().table([]string{"column", "type", "usable", "why"}, rows, nil, cands)
		},
	}
}
