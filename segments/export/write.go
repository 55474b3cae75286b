package export

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/segscope/segscope/query"
)

// ErrExists is wrapped when the destination (or its manifest) exists and the
// request does not force replacing it: the CLI suggests --force, the console asks.
var ErrExists = errors.New("already exists")

// Result is a finished export.
type Result struct {
	Path         string   `json:"path"`
	ManifestPath string   `json:"manifest_path"`
	Manifest     Manifest `json:"manifest"`
}

// Export writes a segment's gated members to req.Path and the manifest beside it.
// Both appear only when complete, under their final names, together with the
// export's audit entry: a failed or cancelled export leaves no file behind.
func (e *Exporter) Export(ctx context.Context, req Request) (*Result, error) {
	res, err := e.export(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("export %s to %s: %w", req.Segment, req.Path, err)
	}
	return res, nil
}

func (e *Exporter) export(ctx context.Context, req Request) (*Result, error) {
	target := req.Path
	if req.Encrypt != nil {
		if _, err := req.Encrypt.recipients(); err != nil {
			return nil, err
		}
		target += EncryptedSuffix
	}
	path, err := destination(target, req.Force)
	if err != nil {
		return nil, err
	}
	// One connection for the whole export: the gate keeps the states it counted
	// in a temporary table on it, and the rows written are read from there.
	conn, err := e.ws.DB().Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	p, drop, err := e.preview(ctx, req, conn)
	defer drop()
	if err != nil {
		return nil, err
	}
	stamp, err := p.acknowledge(req.Acknowledge, e.ws.Actor())
	if err != nil {
		return nil, err
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	// What a killed export left here goes first. A leftover that cannot be
	// removed is no reason to refuse this export; the next open tries again.
	sweepDir(dir)
	// The file is readable by its owner only, and it stays so once renamed: an
	// export holds personal data.
	tmp, err := createTemp(dir, base)
	if err != nil {
		return nil, fmt.Errorf("create a temporary file beside the destination: %w", err)
	}
	tmpPath := tmp.Name()
	committed := false
	defer func() {
		if !committed {
			os.Remove(tmpPath)
			forget(ctx, e.ws, tmpPath)
		}
	}()
	if err := record(ctx, e.ws, tmpPath); err != nil {
		tmp.Close()
		return nil, err
	}

	m := &Manifest{
		SegscopeVersion: e.version, Workspace: e.ws.Path(), Table: p.Table,
		Segment: SegmentStamp{Name: p.seg.Name, Version: p.seg.Version, Rule: p.seg.Rule, CompiledSQL: p.segmentWhere()},
		Channel: p.Channel, SegmentSize: p.Members, Excluded: p.Excluded,
		Columns: p.Columns, WithheldPII: p.WithheldPII, Format: p.Format, File: base, Actor: e.ws.Actor(),
		Risk: stamp,
	}
	if p.gate != nil {
		asOf := p.gate.AsOf
		m.ConsentPolicy, m.ConsentAsOf, m.AdsRules = &p.gate.Config, &asOf, p.gate.AdsRules
	}
	report := reporter(p.Included, req.Progress)
	out := tmp
	if req.Encrypt != nil {
		// Only the encrypted file is written beside the destination.
		if out, err = privatePlaintext(path); err != nil {
			tmp.Close()
			return nil, err
		}
		defer os.RemoveAll(filepath.Dir(out.Name()))
		defer tmp.Close() // closed by encryptInto, unless the export fails first
	}
	err = e.write(ctx, conn, p, m, out, req.Raw, report)
	if ctx.Err() != nil {
		// DuckDB reports an interrupted COPY as its own error; say what happened.
		return nil, fmt.Errorf("cancelled, nothing was written: %w", ctx.Err())
	}
	if err != nil {
		return nil, err
	}
	if m.Rows != p.Included {
		return nil, fmt.Errorf("the data changed while exporting (%d rows written, %d expected); nothing was kept, try again", m.Rows, p.Included)
	}
	report(m.Rows)
	if req.Encrypt != nil {
		if m.Encryption, err = req.Encrypt.encryptInto(tmp, out.Name()); err != nil {
			return nil, err
		}
	}
	// The file is hashed and synced while the commit records the snapshot (the
	// one runs in Go, the other in DuckDB); the audit entry waits for the digest.
	digest := startDigest(tmpPath)
	defer digest.wait() // before the temporary file is removed on failure
	m.Created = time.Now().UTC().Truncate(time.Second)
	manifestPath := ManifestPath(path)
	if err := e.commit(ctx, conn, p, m, digest, tmpPath, path, manifestPath); err != nil {
		return nil, err
	}
	committed = true
	return &Result{Path: path, ManifestPath: manifestPath, Manifest: *m}, nil
}

// write fills the temporary file, closing it, and records in m the query and what
// it wrote. Unless raw, a CSV or TSV file's formula cells are neutralised.
func (e *Exporter) write(ctx context.Context, conn *sql.Conn, p *Preview, m *Manifest, tmp *os.File, raw bool, report func(int64)) error {
	// The manifest records the query with the gate written out in full, which
	// selects the same rows at the same AsOf; the one run reads the states the
	// gate counted.
	run := p.where
	if p.granted != "" {
		run = p.granted
	}
	if !p.Format.customerMatch() {
		tmp.Close() // DuckDB opens the file itself
		// guard maps the text columns to neutralise to their types; nil
		// writes every cell as it is.
		var guard map[string]string
		if p.Format.guardsFormulas() {
			m.Formulas = &FormulaGuard{Raw: true, Rule: "none: cells written as they are (--raw)"}
			if !raw {
				cols, err := e.ws.Columns(ctx, p.Table)
				if err != nil {
					return err
				}
				guard = map[string]string{}
				for _, c := range cols {
					if slices.Contains(p.Columns, c.Name) && textual(c.Type) {
						guard[c.Name] = c.Type
					}
				}
				m.Formulas = &FormulaGuard{Rule: FormulaRule}
			}
		}
		// Registered first: the transaction below would not see a function
		// registered after it began.
		if err := registerFunctions(ctx, e.ws.DB()); err != nil {
			return err
		}
		// The columns' statistics and the rows written are read in one
		// transaction: what the statistics say holds for every row written.
		return oneRead(ctx, conn, func() error {
			if len(guard) > 0 {
				var err error
				if m.Formulas.LetterColumns, err = dropLetterColumns(ctx, conn, p.Table, guard); err != nil {
					return err
				}
			}
			m.Query = copySelect(p.Table, p.seg.Key, p.where, p.Columns, guard)
			sel := copySelect(p.Table, p.seg.Key, run, p.Columns, guard)
			if p.kept != "" {
				sel = copyKeptSelect(p.Table, p.seg.Key, p.kept, p.Columns, guard)
			}
			var err error
			var neutralised int64
			m.Rows, neutralised, err = writeCopy(ctx, conn, sel, p.Format, tmp.Name(), report)
			if guard != nil {
				m.Formulas.Neutralised = neutralised
			}
			return err
		})
	}
	m.Query = matchSelect(p.Table, p.seg.Key, p.where, *p.Sources)
	var err error
	m.Rows, m.Identifiers, err = writeMatch(ctx, conn, matchSelect(p.Table, p.seg.Key, run, *p.Sources), p.Format, *p.Sources, tmp, report)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	return err
}

// commit moves the file and its manifest into place inside the transaction that
// records the export in the audit log. If the audit entry does not commit, the
// files are removed again: an export nobody can trace is not left behind. The
// manifest carries a signed checkpoint of the export's own audit entry, so the
// log cannot later lose that entry without the manifest showing it
// (segscope audit --verify --against).
func (e *Exporter) commit(ctx context.Context, conn *sql.Conn, p *Preview, m *Manifest, digest *pendingDigest, tmpPath, path, manifestPath string) error {
	placed := false
	// On the export's connection, where the gate's states are.
	err := e.ws.WriteTxOn(ctx, conn, func(tx *sql.Tx) error {
		details := map[string]any{
			"file": path, "manifest": manifestPath, "format": m.Format, "table": m.Table,
			"segment_version": m.Segment.Version, "channel": m.Channel, "rows": m.Rows, "segment_size": m.SegmentSize,
			"excluded": m.Excluded, "columns": m.Columns,
		}
		if m.Formulas != nil {
			details["formula_injection"] = m.Formulas
		}
		if m.Risk != nil {
			details["risk_score"], details["risk_flags"] = m.Risk.Score, m.Risk.Codes()
		}
		if err := e.auditAcknowledgement(ctx, tx, m); err != nil {
			return err
		}
		if err := e.recordSnapshot(ctx, tx, p, m, details); err != nil {
			return err
		}
		var err error
		if m.Bytes, m.SHA256, err = digest.wait(); err != nil {
			return fmt.Errorf("check the written file: %w", err)
		}
		details["sha256"] = m.SHA256
		entry, err := e.ws.AppendAudit(ctx, tx, query.ActionExport, m.Segment.Name, details)
		if err != nil {
			return err
		}
		// The export is now on record: its temporary file no longer needs one.
		if _, err := tx.ExecContext(ctx, `DELETE FROM segscope.export_temps WHERE path = ?`, tmpPath); err != nil {
			return err
		}
		if m.AuditCheckpoint, err = e.ws.AuditCheckpoint(entry); err != nil {
			return err
		}
		manifestTmp, err := writeManifest(filepath.Dir(path), filepath.Base(path), m)
		if err != nil {
			return err
		}
		defer os.Remove(manifestTmp) // a no-op once renamed into place
		if err := replaceFile(tmpPath, path); err != nil {
			return fmt.Errorf("move the file into place: %w", err)
		}
		placed = true
		if err := os.Rename(manifestTmp, manifestPath); err != nil {
			return fmt.Errorf("move the manifest into place: %w", err)
		}
		return ctx.Err()
	})
	if err != nil && placed {
		os.Remove(path)
		os.Remove(manifestPath)
	}
	return err
}

// replaceFile renames tmp to path. Renaming over a large file frees its blocks
// inside the rename (6 ms for the 56 MB of a million-member export on ext4);
// holding the old file open across the rename leaves that to the last close,
// which runs after the export has returned. (Not on Windows, which refuses to
// rename over an open file.)
func replaceFile(tmp, path string) error {
	var old *os.File
	// Only a regular file, opened without waiting: opening a FIFO someone put
	// there would wait for a writer.
	if info, err := os.Lstat(path); err == nil && info.Mode().IsRegular() && runtime.GOOS != "windows" {
		old, _ = os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	}
	err := os.Rename(tmp, path)
	if old != nil {
		go old.Close()
	}
	return err
}

// destination checks where an export is to go before any work is done, and returns
// the path made absolute (the manifest and audit log record it).
func destination(path string, force bool) (string, error) {
	if path == "" {
		return "", errors.New("no destination file given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(abs)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("the directory %s does not exist: create it first", dir)
	case err != nil:
		return "", err
	case !info.IsDir():
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	for _, p := range []string{abs, ManifestPath(abs)} {
		info, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return "", err
		case info.IsDir():
			return "", fmt.Errorf("%s is a directory", p)
		case !force:
			return "", fmt.Errorf("%s: %w", p, ErrExists)
		}
	}
	return abs, nil
}
