package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments/report"
)

// writeReport writes the audit report beside its final name and renames it into
// place, so a failure never leaves half a report.
func (a *app) writeReport(ctx context.Context, ws *query.Workspace, path string) error {
	r, err := report.BuildWith(ctx, ws, report.Options{Reveal: a.reveal})
	if err != nil {
		return fmt.Errorf("audit report: %w", err)
	}
	if a.reveal && len(r.Personal) > 0 {
		// The reveal is recorded before the file exists, as the console records
		// one before it shows a column.
		details := map[string]string{"columns": strings.Join(r.Personal, ", "), "command": "audit --report", "file": path, "screen": "cli"}
		if err := ws.Audit(ctx, query.ActionPIIReveal, "report", details); err != nil {
			return fmt.Errorf("audit report: personal data stays masked: could not write the audit entry: %w", err)
		}
		// Again, so the report's activity and checkpoint include its own reveal.
		if r, err = report.BuildWith(ctx, ws, report.Options{Reveal: true}); err != nil {
			return fmt.Errorf("audit report: %w", err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("audit report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := report.Render(tmp, r, report.FormatFor(path)); err != nil {
		tmp.Close()
		return fmt.Errorf("audit report: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("audit report: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("audit report: %w", err)
	}
	a.note("audit report written to %s (%s, %s; audit log %s)", path, counts.Of(int64(len(r.Segments)), "segment", "segments"),
		counts.Of(int64(len(r.Exports)), "export", "exports"), chainWord(r.Chain))
	return nil
}

func chainWord(v query.Verification) string {
	switch {
	case v.OK():
		return "intact"
	case v.BrokenSeq > 0:
		return fmt.Sprintf("broken at entry %d", v.BrokenSeq)
	}
	return "not verified"
}
