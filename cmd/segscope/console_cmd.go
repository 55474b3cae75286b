package main

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/tui"
)

// runConsole opens the console at once; files named on the command line are
// imported inside it, where the user sees the progress, can cancel it and
// reads the summary.
func (a *app) runConsole(cmd *cobra.Command, args []string) error {
	// The console stays small however big the table it browses; commands keep DuckDB's default.
	a.workspaceMemory = query.ConsoleMemoryLimit
	ws, err := a.workspace(cmd.Context())
	if err != nil {
		return err
	}
	opts := tui.Options{NoColor: a.noColor, Version: version, Import: args, Attach: a.attach}
	// The console opens where the user left off: the table imported last. In the
	// demo that would be the sample's viewing events, so the subscribers stand in for it.
	latest, err := ws.LatestTable(cmd.Context())
	if err != nil {
		return err
	}
	opts.Table = latest
	if slices.ContainsFunc(slices.Concat(sampledata.Tables, sampledata.EventTables), func(t sampledata.Table) bool { return t.Name == latest }) {
		if _, err := ws.Table(cmd.Context(), sampledata.Tables[0].Name); err == nil {
			opts.Table = sampledata.Tables[0].Name
		}
	}
	return tui.Run(cmd.Context(), ws, opts)
}
