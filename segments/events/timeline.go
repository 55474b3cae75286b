package events

import (
	"context"

	"github.com/segscope/segscope/query"
)

// Timeline returns a page of one person's events in e, newest first (last
// rows first when e has no time), and how many events they have. The key is
// bound as a parameter.
func Timeline(ctx context.Context, ws *query.Workspace, e Entry, key any, offset int64, limit int) (*query.Result, int64, error) {
	return ws.KeyRows(ctx, query.KeyPage{Table: e.Table, Column: e.Key, Value: key, OrderBy: e.Time, Desc: true, Offset: offset, Limit: limit})
}
