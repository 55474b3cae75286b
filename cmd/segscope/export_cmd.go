package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/export"
)

func (a *app) exportCmd() *cobra.Command {
	var (
		req        export.Request
		as         string
		encryptTo  []string
		passphrase bool
		step       string
	)
	cmd := &cobra.Command{
		Use:   "export SEGMENT|PRIORITY -o FILE [--as FORMAT] [--channel C] [--columns c1,c2] [--arm A] [--step S] [--only-new] [--force]",
		Short: "Write a segment's contactable members to a file, with a manifest beside it",
		Long: "Export a segment. The file's format is --as (" + formatNames() + "),\n" +
			"or else the one FILE's extension names (.csv, .tsv, .parquet, .json, .ndjson); a FILE whose\n" +
			"extension names another format is refused. The global --format only sets how this command\n" +
			"reports what it wrote. With --channel only members whose consent on that channel is granted\n" +
			"are written (customer-match files, google-ads and meta, are gated on ads_personalization\n" +
			"unless told otherwise); without it, personal-data columns stay out unless named in --columns.\n" +
			"The key column is always written. FILE.manifest.json records the segment version, policy,\n" +
			"counts excluded by reason and the file's SHA-256; the export is written to the audit log.\n" +
			"In a CSV or TSV file, text cells a spreadsheet would run as formulas (beginning with =, @,\n" +
			"tab or CR, or with + or - when not a number or phone number) get a leading ' unless --raw.\n" +
			"--arm writes one arm of the segment's split (segscope split); --step S makes the first argument a\n" +
			"priority list and writes its step S: segment S less the members of the steps before it;\n" +
			"--only-new writes only the members not in the last export of the same audience (channel, arm,\n" +
			"step). Every export records a snapshot of the segment's members (segscope segment diff).",
		Example: "  segscope export churn_risk --channel email --columns email,first_name -o churn.csv\n" +
			"  segscope export churn_risk -o churn.parquet --format json\n" +
			"  segscope export churn_risk --as google-ads -o churn_ads.csv\n" +
			"  segscope export churn_risk --arm treatment --channel email --only-new -o new_treatment.csv\n" +
			"  segscope export q4 --step at_risk --channel email -o q4_at_risk.csv",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if req.Path == "" {
				return fmt.Errorf("name the file to write with -o FILE")
			}
			var err error
			if req.Format, err = fileFormat(as, req.Path); err != nil {
				return err
			}
			if passphrase && len(encryptTo) > 0 {
				return errors.New("--encrypt-to and --passphrase do not go together: age encrypts to a passphrase only alone")
			}
			if len(encryptTo) > 0 || passphrase {
				req.Encrypt = &export.Encryption{Recipients: encryptTo, WorkFactor: sealOptions.WorkFactor}
				if passphrase {
					if req.Encrypt.Passphrase, err = a.passphrase(req.Path+export.EncryptedSuffix, exportKeyEnv, true); err != nil {
						return err
					}
				}
			}
			if cmd.Flags().Changed("acknowledge") && strings.TrimSpace(req.Acknowledge) == "" {
				return errors.New("--acknowledge needs a reason: say why this segment should be exported despite its risk flags")
			}
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			req.Segment = args[0]
			if step != "" {
				req.Priority, req.Segment = args[0], step
			}
			res, err := export.New(ws, export.Options{Version: version}).Export(ctx, req)
			switch {
			case errors.Is(err, export.ErrExists):
				return fmt.Errorf("%w (pass --force to replace it)", err)
			case errors.Is(err, consent.ErrUnknownChannel) && req.Channel == "":
				return fmt.Errorf("%w (a %s file is gated on %s unless --channel names another)", err, req.Format, export.AdsChannel)
			case errors.Is(err, export.ErrUnacknowledged):
				return fmt.Errorf("%w: pass --acknowledge \"REASON\" (written to the audit log with the flags)", err)
			}
			if err != nil {
				return err
			}
			return a.printExport(res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&as, "as", "", "file format: "+formatNames()+" (default: from the -o file's extension)")
	f.StringVar(&req.Channel, "channel", "", "export only members contactable on this consent channel")
	f.StringSliceVar(&req.Columns, "columns", nil, "columns to write besides the key (default: all, without personal data when there is no --channel)")
	f.StringVarP(&req.Path, "output", "o", "", "destination file")
	f.BoolVar(&req.Force, "force", false, "replace an existing file")
	f.StringVar(&req.Acknowledge, "acknowledge", "", "why a segment the compliance policy gates (see segscope risk) is exported all the same; audited with its flags")
	f.StringVar(&req.Arm, "arm", "", "write only this arm of the segment's split")
	f.StringVar(&step, "step", "", "the first argument is a priority list: write only this step of it")
	f.BoolVar(&req.OnlyNew, "only-new", false, "write only the members not in the last export of the same audience")
	f.BoolVar(&req.Raw, "raw", false, "write CSV/TSV cells as they are, even those a spreadsheet would run as formulas")
	f.StringArrayVar(&encryptTo, "encrypt-to", nil, "write FILE.age, encrypted with age to this public key (age1…; repeatable); the plaintext is written only to private storage")
	f.BoolVar(&passphrase, "passphrase", false, "write FILE.age, encrypted with age to a passphrase ($"+exportKeyEnv+" or a prompt)")
	return cmd
}

// fileFormat is the format --as names, or else the one the file's extension
// names; the two must agree.
func fileFormat(as, path string) (export.Format, error) {
	if as == "" {
		f, ok := export.FormatOf(path)
		if !ok {
			return "", fmt.Errorf("the file name %s does not say which format to write: end it in .csv, .tsv, .parquet, .json or .ndjson, or pass --as with one of %s",
				filepath.Base(path), formatNames())
		}
		return f, nil
	}
	f, err := export.ParseFormat(as)
	if err != nil {
		return "", fmt.Errorf("the --as flag: %w", err)
	}
	if err := export.CheckExtension(path, f); err != nil {
		named, _ := export.FormatOf(path)
		return "", fmt.Errorf("%w, or pass --as %s", err, named)
	}
	return f, nil
}

func formatNames() string {
	names := make([]string, len(export.Formats))
	for i, f := range export.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// printExport reports what an export wrote: for people a summary and notes, for
// programs the counts in CSV, or the whole result, manifest included, in JSON.
func (a *app) printExport(res *export.Result) error {
	pr := a.printer()
	if pr.format == "json" {
		return pr.json(res)
	}
	m := res.Manifest
	gate := "no consent gate (internal use)"
	if m.Channel != "" {
		gate = "contactable on " + m.Channel
	}
	a.note("%s of %s written to %s (%s, %s)", counts.Of(m.Rows, "row", "rows"), m.Segment.Name, res.Path, m.Format, gate)
	if e := m.Encryption; e != nil {
		to := "with a passphrase"
		if !e.Passphrase {
			to = "to " + counts.Of(int64(len(e.Recipients)), "recipient", "recipients")
		}
		a.note("encrypted with age %s: open it with age -d (the manifest's sha256 is of the encrypted file)", to)
	}
	var rows [][]string
	rows = append(rows, []string{"included", pr.count(m.Rows)})
	for _, st := range consent.Reasons(m.Excluded) {
		if n, ok := m.Excluded[st]; ok && n > 0 {
			rows = append(rows, []string{"excluded: " + string(st), pr.count(n)})
		}
	}
	size := "segment size"
	if au := m.Audience; au != nil && (au.Arm != "" || au.Step != "" || au.OnlyNewSince != nil) {
		size = "audience size" // the segment narrowed to an arm, a step or the new
	}
	rows = append(rows, []string{size, pr.count(m.SegmentSize)})
	for _, field := range m.Columns { // a customer-match file's columns are its identifiers
		if fc, ok := m.Identifiers[field]; ok && (fc.Invalid > 0 || fc.Missing > 0) {
			rows = append(rows, []string{field + ": invalid", pr.count(fc.Invalid)}, []string{field + ": missing", pr.count(fc.Missing)})
		}
	}
	first := "" // the labels speak for themselves to people
	if pr.format != "table" {
		first = "measure"
	}
	if err := pr.table([]string{first, "members"}, rows, map[int]bool{1: true}, res); err != nil {
		return err
	}
	if len(m.WithheldPII) > 0 {
		a.note("personal data left out (name it in --columns to include it): %s", strings.Join(m.WithheldPII, ", "))
	}
	if fg := m.Formulas; fg != nil && fg.Raw {
		a.note("cells written as they are (--raw): a spreadsheet may run those beginning with =, +, - or @ as formulas")
	} else if fg != nil && fg.Neutralised > 0 {
		a.note("%s that a spreadsheet would run as formulas got a leading ' (--raw writes them as they are)",
			counts.Of(fg.Neutralised, "cell", "cells"))
	}
	if r := m.Risk; r != nil && r.Acknowledgement != nil {
		a.note("risk %s acknowledged: %s", riskSummary(r.Assessment), r.Acknowledgement.Reason)
	}
	if au := m.Audience; au != nil {
		a.noteAudience(au)
	}
	a.note("manifest: %s (sha256 %s)", res.ManifestPath, m.SHA256)
	return nil
}
