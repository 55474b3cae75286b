package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/defs"
	"github.com/segscope/segscope/segments/rule"
)

func (a *app) segmentExportDefsCmd() *cobra.Command {
	var output, dbtDir, dialect string
	cmd := &cobra.Command{
		Use:   "export-defs [NAMES...] [-o FILE] [--dbt DIR [--dialect D]]",
		Short: "Write segment definitions (with history and consent setups) as a portable JSON file, or as dbt models",
		Long: "Write the named segments (all when none are named), with the segments they use, their versions,\n" +
			"descriptions and reasons and the consent setups of their tables, as a JSON file another workspace\n" +
			"reads with import-defs (the format is documented in the README). Without -o the JSON goes to\n" +
			"stdout. --dbt DIR writes one dbt model per segment, NAME.sql, and a schema.yml, in the SQL of\n" +
			"--dialect.",
		Example: `  segscope segment export-defs -o segments.json
  segscope segment export-defs churn_risk lapsed --dbt models/segscope --dialect postgres`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			d, err := rule.DialectNamed(dialect)
			if err != nil {
				return err
			}
			f, err := defs.Export(cmd.Context(), ws, args)
			if err != nil {
				return err
			}
			if dbtDir != "" {
				files, err := defs.WriteDBT(cmd.Context(), ws, f, dbtDir, d)
				if err != nil {
					return err
				}
				a.note("%d dbt models and schema.yml written to %s", len(files)-1, dbtDir)
				if output == "" {
					return nil
				}
			}
			if output == "" || output == "-" {
				return f.Write(a.out)
			}
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				return err
			}
			if err := writeFileAtomic(output, buf.Bytes()); err != nil {
				return fmt.Errorf("export definitions: %w", err)
			}
			a.note("%d segments and %d consent setups written to %s", len(f.Segments), len(f.Consent), output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "the JSON file to write (stdout when not given)")
	cmd.Flags().StringVar(&dbtDir, "dbt", "", "write a dbt model per segment and a schema.yml into this directory")
	cmd.Flags().StringVar(&dialect, "dialect", "duckdb", "SQL dialect of the dbt models: duckdb, postgres, bigquery, snowflake or databricks")
	return cmd
}

// writeFileAtomic writes data to path through a temporary file beside it,
// so a failed write leaves no half file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".segscope-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (a *app) segmentImportDefsCmd() *cobra.Command {
	var reason string
	var withoutConsent bool
	cmd := &cobra.Command{
		Use:   "import-defs FILE [--reason R] [--without-consent]",
		Short: "Read segment definitions written by export-defs, checking every rule against this workspace's tables",
		Long: "Read a definitions file: each segment's rule in force becomes a new version here (a new segment,\n" +
			"or a version added to one of the same name on the same table), and the file's consent setups\n" +
			"replace this workspace's for the same tables (unless --without-consent). Every rule is compiled\n" +
			"against this workspace's tables and every setup checked first; then all is written in one\n" +
			"audited change, or nothing is.",
		Args: cobra.ExactArgs(1),
		RunE: a.withStore(func(cmd *cobra.Command, store *segments.Store, args []string) error {
			file, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("import definitions: %w", err)
			}
			defer file.Close()
			f, err := defs.Read(file)
			if err != nil {
				return fmt.Errorf("import definitions from %s: %w", args[0], err)
			}
			got, err := defs.Import(cmd.Context(), a.ws, f, defs.Options{Source: filepath.Base(args[0]), Reason: reason, WithoutConsent: withoutConsent})
			if err != nil {
				return err
			}
			if a.format == "json" {
				return a.printer().json(got)
			}
			for _, s := range got.Segments {
				a.note("segment %s on %s: version %d", s.Name, s.Table, s.Version)
			}
			for _, t := range got.Consent {
				a.note("consent setup of %s replaced", t)
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (kept with every version and in the audit log)")
	cmd.Flags().BoolVar(&withoutConsent, "without-consent", false, "leave this workspace's consent setups as they are")
	return cmd
}
