package query

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// ConvertToParquet rewrites a CSV file as Parquet (the sample generator's second
// format). The output appears only when complete: it is written beside dst under a
// temporary name and renamed into place.
func (w *Workspace) ConvertToParquet(ctx context.Context, src, dst string) error {
	in, err := inspect(src)
	if err != nil {
		return fmt.Errorf("convert %s: %w", src, err)
	}
	link, cleanup, err := plainPath(in)
	if err != nil {
		return fmt.Errorf("convert %s: %w", src, err)
	}
	defer cleanup()
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return fmt.Errorf("convert %s: %w", src, err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	copySQL := `COPY (SELECT * FROM read_csv(` + QuoteString(link) + `)) TO ` + QuoteString(tmp.Name()) + ` (FORMAT parquet, COMPRESSION zstd)`
	if _, err := w.db.ExecContext(ctx, copySQL); err != nil {
		return fmt.Errorf("convert %s: %w", src, readError(err))
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("convert %s: %w", src, err)
	}
	return nil
}
