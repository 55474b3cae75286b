package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/segscope/segscope/query"
)

// An export is written to a temporary file beside its destination and renamed
// into place when complete. A process killed mid-export (kill -9, a crash, the
// machine losing power) leaves that file behind, half written and holding
// personal data. Its name says who made it, .FILE.segscope-export-PID-RAND.tmp,
// so a later export to the same directory, or the next open of the workspace
// that made it, removes it once no process of that PID is alive. Only such names
// are touched, only regular files the current user owns, and never one whose
// process lives: a PID reused by another program keeps the file until it ends,
// which errs on the side of keeping.

// tempName is the name of an export's temporary file (or its manifest's); the
// first group is the PID of the process writing it.
var tempName = regexp.MustCompile(`^\..+\.segscope-export-([0-9]+)-[0-9]+\.tmp$`)

// createTemp creates a temporary file, readable by its owner only, in dir for
// the file named base.
func createTemp(dir, base string) (*os.File, error) {
	return os.CreateTemp(dir, "."+base+".segscope-export-"+strconv.Itoa(os.Getpid())+"-*.tmp")
}

// sweepDir removes the temporary files that exports killed midway left in dir,
// and returns their paths.
func sweepDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		m := tempName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		pid, err := strconv.Atoi(m[1])
		if err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		info, err := os.Lstat(path)
		if err != nil || !info.Mode().IsRegular() || !ownedByUs(info) {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, path)
	}
	return removed, errors.Join(errs...)
}

// segscope.export_temps (part of the workspace's schema, see query) records the
// temporary files of exports in flight, so that the next open of the workspace
// knows where a killed export wrote. An export adds its row before writing and
// deletes it in the transaction that records the export in the audit log (or
// when it fails).

// record notes a temporary file before anything is written to it.
func record(ctx context.Context, ws *query.Workspace, path string) error {
	if _, err := ws.DB().ExecContext(ctx, `INSERT INTO segscope.export_temps VALUES (?, now())`, path); err != nil {
		return fmt.Errorf("record the temporary file: %w", err)
	}
	return nil
}

// forget removes a temporary file's record. It runs after a cancelled export
// too, so it outlives ctx's cancellation.
func forget(ctx context.Context, ws *query.Workspace, path string) {
	ws.DB().ExecContext(context.WithoutCancel(ctx), `DELETE FROM segscope.export_temps WHERE path = ?`, path)
}

// Sweep removes the temporary files that exports from this workspace were
// writing when their process was killed, and returns their paths. The CLI and
// the console call it when they open a workspace. A file that cannot be removed
// is reported in the error and its record kept for the next open. With no
// export in flight it costs one read of an empty table.
func Sweep(ctx context.Context, ws *query.Workspace) ([]string, error) {
	rows, err := ws.DB().QueryContext(ctx, `SELECT DISTINCT path FROM segscope.export_temps`)
	if err != nil {
		return nil, fmt.Errorf("look for files left by killed exports: %w", err)
	}
	var paths []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return nil, fmt.Errorf("look for files left by killed exports: %w", err)
		}
		paths = append(paths, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look for files left by killed exports: %w", err)
	}
	var removed []string
	var errs []error
	swept := map[string]bool{}
	for _, p := range paths {
		if dir := filepath.Dir(p); !swept[dir] {
			swept[dir] = true
			r, err := sweepDir(dir)
			removed = append(removed, r...)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		// Gone, whether swept now or never left: the record has served.
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			forget(ctx, ws, p)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("remove files left by killed exports: %w", err)
	}
	return removed, nil
}
