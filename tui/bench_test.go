package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// BenchmarkFirstFrame measures from New to the first full frame on the sample
// data: every screen's start, the table list, the columns and the first rows
// of subscribers (the grid's benchmarks are the Data screen package's).
func BenchmarkFirstFrame(b *testing.B) {
	ctx := context.Background()
	ws := querytest.Sample(b)
	first, err := ws.Rows(ctx, query.Page{Table: "subscribers", Limit: 1})
	if err != nil {
		b.Fatal(err)
	}
	key := query.FormatValue(first.Rows[0][0])
	for b.Loop() {
		m := New(ctx, ws, Options{Table: "subscribers"})
		init := m.Init()
		send(b, m, tea.WindowSizeMsg{Width: 120, Height: 40})
		settle(b, m, init)
		if !strings.Contains(screenText(m), key) {
			b.Fatalf("the first row (%s) is not on the first frame:\n%s", key, screenText(m))
		}
	}
}
