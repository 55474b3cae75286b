package query

import (
	"context"
	"database/sql"
)

// OpenLockedInstance exposes the private user-SQL instance to the external
// tests, which prove it cannot read files even with the allow-list skipped
// (beyond the files of attached tables, which it is given as the query would be).
func (w *Workspace) OpenLockedInstance(ctx context.Context) (*sql.Conn, func(), error) {
	file, err := w.databaseFile(ctx)
	if err != nil {
		return nil, nil, err
	}
	allowed, _, err := w.attachedPaths(ctx)
	if err != nil {
		return nil, nil, err
	}
	return w.openLockedInstance(ctx, file, allowed)
}
