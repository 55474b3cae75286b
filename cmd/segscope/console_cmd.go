package main

import (
	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/tui"
)

// runConsole imports any files named on the command line, then opens the console.
func (a *app) runConsole(cmd *cobra.Command, args []string) error {
	ws, err := a.workspace(cmd.Context())
	if err != nil {
		return err
	}
	opts := tui.Options{NoColor: a.noColor, Version: version}
	first := sampledata.Tables[0].Name
	if _, err := ws.Table(cmd.Context(), first); err == nil {
		opts.Table = first // the demo opens on the subscribers, not the consent log
	}
	if len(args) > 0 {
		results, err := a.importFiles(cmd, ws, args, query.ImportOptions{})
		if err != nil {
			return err
		}
		opts.Table = results[0].Table
	}
	return tui.Run(cmd.Context(), ws, opts)
}
