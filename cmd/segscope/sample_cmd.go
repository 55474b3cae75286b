package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
)

func (a *app) sampleCmd() *cobra.Command {
	opts := sampledata.DefaultOptions()
	var out string
	cmd := &cobra.Command{
		Use:   "sample --rows N [--seed S] --out DIR",
		Short: "Generate the sample streaming-service data set at any size",
		Long: "Write subscribers.csv, subscribers.parquet, consent.csv, consent.parquet and creators.csv:\n" +
			"the same shape as the built-in sample, deterministic for a seed, at any size (for benchmarks).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("the --out DIR flag is required")
			}
			if opts.Rows <= 0 {
				return fmt.Errorf("the --rows flag must be positive")
			}
			ctx := cmd.Context()
			stats, err := sampledata.Generate(ctx, opts, out)
			if err != nil {
				return err
			}
			converter, err := query.Open(ctx, query.Memory)
			if err != nil {
				return err
			}
			defer converter.Close()
			for _, name := range []string{"subscribers", "consent"} {
				src := filepath.Join(out, name+".csv")
				if err := converter.ConvertToParquet(ctx, src, filepath.Join(out, name+".parquet")); err != nil {
					return err
				}
			}
			if a.format == "json" {
				return a.printer().json(stats)
			}
			a.note("wrote %s subscribers, %s consent events and %s creators to %s", thousands(int64(stats.Subscribers)),
				thousands(int64(stats.ConsentEvents)), thousands(int64(stats.Creators)), out)
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Rows, "rows", opts.Rows, "number of subscribers")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", opts.Seed, "random seed (same seed, same files)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "output directory")
	return cmd
}
