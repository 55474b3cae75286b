package query

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ImportFS imports a file from fsys (the embedded sample data) through the same path
// as any other file, recording it as "embedded:NAME".
func (w *Workspace) ImportFS(ctx context.Context, fsys fs.FS, name, table string) (ImportResult, error) {
	dir, err := os.MkdirTemp("", "segscope-seed-")
	if err != nil {
		return ImportResult{}, fmt.Errorf("import embedded %s: %w", name, err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, filepath.Base(name))
	if err := copyOut(fsys, name, path); err != nil {
		return ImportResult{}, fmt.Errorf("import embedded %s: %w", name, err)
	}
	return w.Import(ctx, path, ImportOptions{Table: table, Label: "embedded:" + name})
}

func copyOut(fsys fs.FS, name, path string) error {
	in, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
