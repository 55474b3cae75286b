package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/export"
)

// app holds the global flags and the workspace that commands share.
type app struct {
	out, errOut io.Writer

	workspacePath string
	format        string
	noColor       bool
	noSample      bool
	reveal        bool // show personal data unmasked, recorded in the audit log
	memoryLimit   string
	encrypt       bool
	// workspaceMemory caps DuckDB's memory for the workspace (0: its default); the console sets it.
	workspaceMemory int64
	// attach makes the console attach the files it is given rather than import them.
	attach bool

	ws *query.Workspace
}

func newApp(out, errOut io.Writer) *app {
	return &app{out: out, errOut: errOut}
}

// resolvePath is the workspace the flags and environment name.
func (a *app) resolvePath() (string, error) {
	path := a.workspacePath
	if path == "" {
		path = os.Getenv("SEGSCOPE_WORKSPACE")
	}
	if path == "" {
		return query.DefaultPath()
	}
	return path, nil
}

// seed fills a new workspace; tests stop it midway.
var seed = seedSample

// workspace opens the workspace on first use, seeding a new one with the sample data.
func (a *app) workspace(ctx context.Context) (*query.Workspace, error) {
	if a.ws != nil {
		return a.ws, nil
	}
	path, err := a.resolvePath()
	if err != nil {
		return nil, err
	}
	if a.encrypt && path == query.Memory {
		return nil, errors.New("--encrypt needs a workspace file: a :memory: workspace is never on disk")
	}
	ws, err := query.OpenWith(ctx, path, a.openOptions())
	if err != nil {
		return nil, err
	}
	if ws.Recovered() {
		fmt.Fprintf(a.errOut, "note: opened %s from the copy a stopped segscope left, with every change it had committed; it is sealed again when this command ends\n", path)
	}
	// Half-written files of exports killed midway go before anything else runs;
	// one that cannot be removed is said, not a reason to stop. Open has
	// already looked whether any are on record.
	if ws.ExportTempsRecorded() {
		removed, err := export.Sweep(ctx, ws)
		if err != nil {
			fmt.Fprintf(a.errOut, "note: %v\n", err)
		}
		for _, p := range removed {
			fmt.Fprintf(a.errOut, "note: removed %s, left by an export that was killed\n", p)
		}
	}
	if ws.Created() && !a.noSample {
		if path != query.Memory {
			fmt.Fprintf(a.errOut, "note: a new workspace at %s: adding the sample data (once, a few seconds)\n", path)
		}
		if err := seed(ctx, ws); err != nil {
			ws.Close()
			// The workspace was made a moment ago and holds nothing of anyone's:
			// without it the next run seeds afresh rather than opening half a
			// sample that would never be completed.
			if path != query.Memory {
				os.Remove(path)
				os.Remove(path + ".wal")
			}
			return nil, fmt.Errorf("seed the new workspace with sample data (nothing was kept; run again to retry): %w", err)
		}
	}
	a.ws = ws
	return ws, nil
}

// close closes the workspace; for a sealed one that is when it is sealed, so
// its error matters.
func (a *app) close() error {
	if a.ws == nil {
		return nil
	}
	err := a.ws.Close()
	a.ws = nil
	return err
}

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "segscope [FILE...]",
		Short: "A terminal analyst console for customer segmentation",
		Long: "segscope opens audience tables (CSV, TSV, Parquet, JSON) in an embedded DuckDB workspace on your machine:\n" +
			"slice them, define and compare segments, check consent coverage and export audit-ready results.\n" +
			"With no arguments it opens the console on the workspace (sample data on first run);\n" +
			"with files, it imports them first and opens the first one.\n" +
			"$" + query.ThreadsVariable + "=N caps the threads DuckDB works with (default one per core).",
		Args: cobra.ArbitraryArgs,
		RunE: a.runConsole,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			var limit int64 // the default
			if a.memoryLimit != "" {
				var err error
				if limit, err = query.ParseMemoryLimit(a.memoryLimit); err != nil {
					return fmt.Errorf("--memory-limit: %w", err)
				}
			}
			query.SetQueryMemoryLimit(limit)
			switch a.format {
			case "table", "csv", "json":
				return nil
			}
			if _, err := export.ParseFormat(a.format); err == nil && cmd.Name() == "export" {
				return fmt.Errorf("the --format flag says how segscope reports (table, csv or json); the file's format is --as %s", a.format)
			}
			return fmt.Errorf("the --format flag must be table, csv or json, not %q", a.format)
		},
		PersistentPostRunE: func(*cobra.Command, []string) error { return a.close() },
	}
	root.SetOut(a.out)
	root.SetErr(a.errOut)
	root.Flags().BoolVar(&a.attach, "attach", false, "attach the FILEs where they are (as segscope attach does) instead of importing them")
	flags := root.PersistentFlags()
	flags.StringVar(&a.workspacePath, "workspace", "", "workspace file (default $SEGSCOPE_WORKSPACE or ~/.local/share/segscope/workspace.duckdb; :memory: for a throwaway one)")
	flags.StringVar(&a.format, "format", "table", "result format: table, csv or json")
	flags.BoolVar(&a.noColor, "no-color", os.Getenv("NO_COLOR") != "", "no colours (also NO_COLOR)")
	flags.BoolVar(&a.noSample, "no-sample", false, "do not seed a new workspace with the sample data")
	flags.BoolVar(&a.reveal, "reveal", false, "show personal data unmasked in profile, query, segment members and audit reports; each reveal is written to the audit log")
	flags.BoolVar(&a.encrypt, "encrypt", false, "create a new workspace sealed at rest (passphrase from $SEGSCOPE_KEY or a prompt; see segscope seal)")
	flags.StringVar(&a.memoryLimit, "memory-limit", os.Getenv("SEGSCOPE_MEMORY_LIMIT"),
		"memory one SQL query may use, in the query command and the SQL screen, e.g. 2GB or 30% (also $SEGSCOPE_MEMORY_LIMIT; default a quarter of the machine's memory)")
	root.AddCommand(
		a.importCmd(),
		a.attachCmd(),
		a.tablesCmd(),
		a.keyCmd(),
		a.eventsCmd(),
		a.asOfCmd(),
		a.profileCmd(),
		a.sliceCmd(),
		a.queryCmd(),
		a.sampleCmd(),
		a.segmentCmd(),
		a.rfmCmd(),
		a.auditCmd(),
		a.compareCmd(),
		a.consentCmd(),
		a.exportCmd(),
		a.splitCmd(),
		a.priorityCmd(),
		a.snapshotCmd(),
		a.riskCmd(),
		a.suppressCmd(),
		a.subjectCmd(),
		a.sealCmd(),
		a.unsealCmd(),
	)
	return root
}
