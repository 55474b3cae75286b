package main

import (
	"github.com/spf13/cobra"

	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/tui"
)

// runConsole opens the console at once; files named on the command line are
// imported inside it, where the user sees the progress, can cancel it and
// reads the summary.
func (a *app) runConsole(cmd *cobra.Command, args []string) error {
	ws, err := a.workspace(cmd.Context())
	if err != nil {
		return err
	}
	opts := tui.Options{NoColor: a.noColor, Version: version, Import: args}
	first := sampledata.Tables[0].Name
	if _, err := ws.Table(cmd.Context(), first); err == nil {
		opts.Table = first // the demo opens on the subscribers, not the consent log
	}
	return tui.Run(cmd.Context(), ws, opts)
}
