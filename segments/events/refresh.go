package events

import (
	"context"
	"errors"
	"fmt"

	"github.com/segscope/segscope/query"
)

// AfterImport brings the registry up to date with a table just imported, and
// is called by everything that imports (segscope import, the console's
// import) once the import has committed:
//
//   - an event table imported again makes its derived audience again from the
//     new rows, and is counted again;
//   - an audience imported again is checked against its event tables (its key
//     may have changed type) and they are counted again;
//   - a derived audience replaced by an imported file is no longer derived:
//     the file is the audience now, and later imports of the events leave it.
//
// Each entry is its own transaction, so one that fails leaves the others
// refreshed. The import itself is never undone: the error says which entries
// could not be refreshed, that their derived audiences still hold the earlier
// events, and how to fix the setup. Refreshed lists the entries as they are now.
func AfterImport(ctx context.Context, ws *query.Workspace, table string) (refreshed []Entry, err error) {
	es, err := entries(ctx, ws.DB(), table)
	if err != nil || len(es) == 0 {
		return nil, err
	}
	names, err := ws.TableNames(ctx)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, e := range es {
		c := e.Config
		derive := c.Derived && c.Table == table
		details := map[string]any{"imported": table, "config": c}
		if c.Derived && c.Audience == table {
			// The import replaced the audience this setup had made.
			c.Derived = false
			details["no_longer_derived"] = true
		}
		now, err := refreshOne(ctx, ws, c, derive, names, e.Derived != c.Derived, details)
		if err != nil {
			errs = append(errs, refreshError(e, table, err))
			continue
		}
		refreshed = append(refreshed, now)
	}
	return refreshed, errors.Join(errs...)
}

// refreshOne checks and writes one entry again: audited when it makes the
// audience again or stops deriving it, not when only the counts change (the
// import that changed them is audited).
func refreshOne(ctx context.Context, ws *query.Workspace, c Config, derive bool, names []string, changed bool, details map[string]any) (Entry, error) {
	p, err := check(ctx, ws, c, derive, names)
	if err != nil {
		return Entry{}, err
	}
	action := ""
	if derive || changed {
		action = ActionRefresh
	}
	return apply(ctx, ws, p, action, details, nil)
}

func refreshError(e Entry, imported string, err error) error {
	what := fmt.Sprintf("%s is set up as events of %s", e.Table, e.Audience)
	if e.Derived && e.Table == imported {
		what += fmt.Sprintf(", and %s, made from them, still holds the events as they were before this import", e.Audience)
	}
	return fmt.Errorf("%s, but after importing %s its setup no longer fits: %w; set it up again (segscope events setup --table %s ...) or remove it (segscope events remove %s)",
		what, imported, err, e.Table, e.Table)
}
