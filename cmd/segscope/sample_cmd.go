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
	var parquetOnly bool
	cmd := &cobra.Command{
		Use:   "sample --rows N [--seed S] [--views-per-subscriber V] [--parquet-only] --out DIR",
		Short: "Generate the sample streaming-service data set at any size",
		Long: "Write subscribers.csv, consent.csv, views.csv and creators.csv, and Parquet copies of the first three:\n" +
			"the same shape as the built-in sample, deterministic for a seed, at any size (for benchmarks).\n" +
			"views.csv holds about V viewing events per subscriber (default 30, one per viewing session, so\n" +
			"sessions_30d counts them); a lower V merges sessions into fewer, longer views, watch hours still exact.\n" +
			"Sizes, CSV and Parquet together, on two cores: 1M subscribers write 31M views and 2.8 GB in about\n" +
			"50 s, or 11M views and 1.4 GB with V=10. 10M subscribers take ten times that: at V=10, 100M views,\n" +
			"14 GB and about 8 minutes; at the default 30, 300M views and 28 GB.\n" +
			"--parquet-only writes subscribers and consent alone, as Parquet parts of a few million rows\n" +
			"(DIR/subscribers/part-*.parquet, DIR/consent/part-*.parquet) converted while the next is generated,\n" +
			"for data too big to hold as CSV: the set to attach with `segscope attach --glob`. Beyond 1M\n" +
			"subscribers the first million (and their consent events) are copied with their ids moved up, a\n" +
			"block at a time: 100M rows in about half an hour here, not the generator's two hours.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("the --out DIR flag is required")
			}
			if opts.Rows <= 0 {
				return fmt.Errorf("the --rows flag must be positive")
			}
			if opts.ViewsPerSubscriber < 0 || opts.ViewsPerSubscriber > sampledata.MaxViewsPerSubscriber {
				return fmt.Errorf("the --views-per-subscriber flag must be between 0 (no views) and %d", sampledata.MaxViewsPerSubscriber)
			}
			ctx := cmd.Context()
			if parquetOnly {
				rows, err := parquetParts(ctx, opts, out)
				if err != nil {
					return err
				}
				if a.format == "json" {
					return a.printer().json(rows)
				}
				a.note("wrote %s subscribers and %s consent events as Parquet parts under %s", thousands(rows["subscribers"]), thousands(rows["consent"]), out)
				return nil
			}
			stats, err := sampledata.Generate(ctx, opts, out)
			if err != nil {
				return err
			}
			converter, err := query.Open(ctx, query.Memory)
			if err != nil {
				return err
			}
			defer converter.Close()
			for _, name := range []string{"subscribers", "consent", "views"} {
				src := filepath.Join(out, name+".csv")
				if err := converter.ConvertToParquet(ctx, src, filepath.Join(out, name+".parquet")); err != nil {
					return err
				}
			}
			if a.format == "json" {
				return a.printer().json(stats)
			}
			a.note("wrote %s subscribers, %s consent events, %s views and %s creators to %s", thousands(int64(stats.Subscribers)),
				thousands(int64(stats.ConsentEvents)), thousands(int64(stats.Views)), thousands(int64(stats.Creators)), out)
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.Rows, "rows", opts.Rows, "number of subscribers")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", opts.Seed, "random seed (same seed, same files)")
	cmd.Flags().IntVar(&opts.ViewsPerSubscriber, "views-per-subscriber", opts.ViewsPerSubscriber,
		"viewing events per subscriber, about (0: none; fewer than 30 merge sessions, keeping watch hours exact)")
	cmd.Flags().BoolVar(&parquetOnly, "parquet-only", false, "write subscribers and consent as Parquet parts only (no CSV kept, no views or creators)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "output directory")
	return cmd
}
