package datascreen

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/tuitest"
)

// The filter completes event conditions: an event table right after an
// aggregate's "(", and that table's columns after its name and a dot or
// inside the aggregate.
func TestFilterCompletesEventTablesAndColumns(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	if _, err := events.Setup(context.Background(), ws, events.Config{Table: "orders", Key: "customer_id", Audience: "customers"}, events.Options{}); err != nil {
		t.Fatal(err)
	}
	m := New(tuitest.Env(t, ws), Options{Table: "customers"})
	hs := tuitest.NewHarness(m, 100, 30)
	tuitest.Settle(t, hs, tea.Batch(m.Init(), m.SetSize(100, 27)), nil)
	input := func() string { return m.bar.input.Value() }
	tuitest.Press(t, hs, "/")
	for _, step := range []struct{ typed, want string }{
		{"count(", "count(orders"},
		{" where am", "count(orders where amount"},
		{" > 10) >= 1 and sum(orders.", "count(orders where amount > 10) >= 1 and sum(orders.order_id"},
		{") > 1 and pl", "count(orders where amount > 10) >= 1 and sum(orders.order_id) > 1 and plan"},
	} {
		tuitest.Type(t, hs, step.typed)
		tuitest.Press(t, hs, "tab")
		if got := input(); got != step.want {
			t.Fatalf("tab after %q gave\n%q, want\n%q", step.typed, got, step.want)
		}
	}
	tuitest.Type(t, hs, " <> 'gold'")
	if n, ok := filterCount(m); !ok || n == 0 {
		t.Fatalf("the completed rule counts %d (%v)", n, ok)
	}
}
