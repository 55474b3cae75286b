package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"regexp"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query"
)

func (a *app) auditCmd() *cobra.Command {
	var verify bool
	var limit int
	var reportPath string
	var against []string
	cmd := &cobra.Command{
		Use:   "audit [--verify [--against FILE]] [--report FILE]",
		Short: "Show the audit log, verify it against its signed checkpoints, or write an audit report",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ws, err := a.workspace(cmd.Context())
			if err != nil {
				return err
			}
			if reportPath != "" {
				return a.writeReport(cmd.Context(), ws, reportPath)
			}
			if verify || len(against) > 0 {
				var extra []query.AnchorSource
				for _, path := range against {
					src, err := readAnchor(path)
					if err != nil {
						return err
					}
					extra = append(extra, src)
				}
				v, err := ws.VerifyAudit(cmd.Context(), extra...)
				if err != nil {
					return err
				}
				return a.printVerification(v)
			}
			entries, err := ws.AuditLog(cmd.Context(), query.AuditFilter{Limit: limit})
			if err != nil {
				return err
			}
			rows := make([][]string, len(entries))
			for i, e := range entries {
				rows[i] = []string{fmt.Sprint(e.Seq), e.Time.Format("2006-01-02 15:04:05"), e.Actor, e.Action, e.Subject, shortHash(e.Hash)}
			}
			return a.printer().table([]string{"seq", "time", "actor", "action", "subject", "hash"}, rows, map[int]bool{0: true}, entries)
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "recompute the hash chain and hold it to its signed checkpoints; name what is altered or gone")
	cmd.Flags().StringArrayVar(&against, "against", nil, "also hold the log to the checkpoint in FILE: an export's .manifest.json or a saved .audit-checkpoint (implies --verify; repeatable)")
	cmd.Flags().IntVar(&limit, "limit", 100, "show at most this many entries, newest first (0 for all)")
	cmd.Flags().StringVar(&reportPath, "report", "", "write an audit report (segments, composition, consent, exports) to FILE: .md or .html")
	return cmd
}

func (a *app) printVerification(v query.Verification) error {
	if a.format != "table" {
		row := [][]string{{strconv.FormatBool(v.OK()), strconv.FormatInt(v.Entries, 10), strconv.FormatInt(v.Anchored, 10),
			strconv.FormatInt(v.BrokenSeq, 10), v.Problem}}
		if err := a.printer().table([]string{"intact", "entries", "anchored", "broken_seq", "problem"}, row, nil, v); err != nil {
			return err
		}
	} else {
		for _, c := range v.Checkpoints {
			if c.Checkpoint != nil && c.Finding == "" {
				a.note("checkpoint at entry %d: %s (%s)", c.Checkpoint.Seq, c.Checkpoint.Describe(), c.Source)
			}
		}
		if len(v.Findings) > 1 {
			for _, f := range v.Findings {
				a.note("✗ %s", f)
			}
		}
		if v.Note != "" {
			a.note("%s", v.Note)
		}
	}
	if !v.OK() {
		return errors.New("audit log " + v.Summary())
	}
	if a.format == "table" {
		a.note("audit log %s", v.Summary())
	}
	return nil
}

// readAnchor reads the signed checkpoint in an export manifest, an audit report
// (Markdown, HTML or JSON) or a saved .audit-checkpoint file.
func readAnchor(path string) (query.AnchorSource, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return query.AnchorSource{}, fmt.Errorf("--against: %w", err)
	}
	name := "the checkpoint in " + path
	if json.Valid(data) {
		var doc struct {
			Manifest *struct {
				Signed string `json:"signed_note"`
			} `json:"audit_checkpoint"`
			Report struct {
				Checkpoint *struct {
					Signed string `json:"signed_note"`
				} `json:"checkpoint"`
			} `json:"audit_chain"`
		}
		if err := json.Unmarshal(data, &doc); err == nil {
			switch {
			case doc.Manifest != nil && doc.Manifest.Signed != "":
				return query.AnchorSource{Name: "the checkpoint in manifest " + path, Signed: doc.Manifest.Signed}, nil
			case doc.Report.Checkpoint != nil && doc.Report.Checkpoint.Signed != "":
				return query.AnchorSource{Name: name, Signed: doc.Report.Checkpoint.Signed}, nil
			}
		}
	} else if note := signedNote.FindString(html.UnescapeString(string(data))); note != "" {
		return query.AnchorSource{Name: name, Signed: note}, nil
	}
	return query.AnchorSource{}, fmt.Errorf("--against %s: no audit checkpoint in it (give an export's .manifest.json, an audit report or an .audit-checkpoint file; manifests written before checkpoints existed have none)", path)
}

// signedNote finds a checkpoint's signed note inside a report: its text, a blank
// line, and its signature lines. Whether it is genuine is for verification to say.
var signedNote = regexp.MustCompile(`segscope audit checkpoint\n\d+\n[0-9a-f]{64}\n[^\n]+\n\n(?:— [^\n]+\n)+`)

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
