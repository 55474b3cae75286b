package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/export"
)

func (a *app) exportCmd() *cobra.Command {
	var (
		req    export.Request
		format string
	)
	formats := make([]string, len(export.Formats))
	for i, f := range export.Formats {
		formats[i] = string(f)
	}
	cmd := &cobra.Command{
		Use:   "export SEGMENT --format F [--channel C] [--columns c1,c2] -o FILE [--force]",
		Short: "Write a segment's contactable members to a file, with a manifest beside it",
		Long: "Export a segment. With --channel only members whose consent on that channel is granted are written\n" +
			"(customer-match files, google-ads and meta, are gated on ads_personalization unless told otherwise);\n" +
			"without it, personal-data columns stay out unless named in --columns. The key column is always\n" +
			"written. FILE.manifest.json records the segment version, policy, counts excluded by reason and\n" +
			"the file's SHA-256, for people and programs alike (this command's --format is the file's); the\n" +
			"export is written to the audit log.",
		Example: "  segscope export churn_risk --format csv --channel email --columns email,first_name -o churn.csv\n" +
			"  segscope export churn_risk --format google-ads -o churn_ads.csv",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			if req.Format, err = export.ParseFormat(format); err != nil {
				return err
			}
			req.Segment = args[0]
			res, err := export.New(ws, export.Options{Version: version}).Export(ctx, req)
			switch {
			case errors.Is(err, export.ErrExists):
				return fmt.Errorf("%w (pass --force to replace it)", err)
			case errors.Is(err, consent.ErrUnknownChannel) && req.Channel == "":
				return fmt.Errorf("%w (a %s file is gated on %s unless --channel names another)", err, req.Format, export.AdsChannel)
			}
			if err != nil {
				return err
			}
			return a.printExport(res)
		},
	}
	f := cmd.Flags()
	// This --format is the file's, and shadows the global result format for this command.
	f.StringVar(&format, "format", "", "file format: "+strings.Join(formats, ", "))
	f.StringVar(&req.Channel, "channel", "", "export only members contactable on this consent channel")
	f.StringSliceVar(&req.Columns, "columns", nil, "columns to write besides the key (default: all, without personal data when there is no --channel)")
	f.StringVarP(&req.Path, "output", "o", "", "destination file")
	f.BoolVar(&req.Force, "force", false, "replace an existing file")
	cmd.MarkFlagRequired("format")
	cmd.MarkFlagRequired("output")
	return cmd
}

func (a *app) printExport(res *export.Result) error {
	m := res.Manifest
	gate := "no consent gate (internal use)"
	if m.Channel != "" {
		gate = "contactable on " + m.Channel
	}
	a.note("%s rows of %s written to %s (%s, %s)", thousands(m.Rows), m.Segment.Name, res.Path, m.Format, gate)
	var rows [][]string
	rows = append(rows, []string{"included", thousands(m.Rows)})
	for _, st := range consent.States {
		if n, ok := m.Excluded[st]; ok && n > 0 {
			rows = append(rows, []string{"excluded: " + string(st), thousands(n)})
		}
	}
	rows = append(rows, []string{"segment size", thousands(m.SegmentSize)})
	for _, field := range m.Columns { // a customer-match file's columns are its identifiers
		if fc, ok := m.Identifiers[field]; ok && (fc.Invalid > 0 || fc.Missing > 0) {
			rows = append(rows, []string{field + ": invalid / missing", thousands(fc.Invalid) + " / " + thousands(fc.Missing)})
		}
	}
	if err := a.printer().table([]string{"", "members"}, rows, map[int]bool{1: true}, nil); err != nil {
		return err
	}
	if len(m.WithheldPII) > 0 {
		a.note("personal data left out (name it in --columns to include it): %s", strings.Join(m.WithheldPII, ", "))
	}
	a.note("manifest: %s (sha256 %s)", res.ManifestPath, m.SHA256)
	return nil
}
