package slicescreen

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestSliceGroupsPeopleByTheirEvents(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	m := newScreen(t, ws, scopeOf(t, ws, "customers", ""), 120, 33)
	if slices.Contains(m.by, "count(purchases)") {
		t.Fatal("a measure of events offered before purchases were set up as events")
	}
	tuitest.SetUpPurchases(t, ws)
	tuitest.Send(t, m, common.EventsChangedMsg{Table: "purchases", Audience: "customers"})
	want := []string{"count(purchases)", "amount(purchases)", "days_since_last(purchases)"}
	if got := m.by[len(m.by)-3:]; !slices.Equal(got, want) {
		t.Fatalf("the last choices to group by are %v, want %v", got, want)
	}
	if by := m.Grouping().By; by[0] == "count(purchases)" {
		t.Fatal("a measure of events displaced the default column")
	}
	tuitest.Press(t, m, "G", "k", "k")
	if by := m.Grouping().By; len(by) != 1 || by[0] != "count(purchases)" {
		t.Fatalf("grouped by %v", by)
	}
	rows, err := ws.DB().QueryContext(context.Background(), `SELECT coalesce(n, 0)::VARCHAR, count(*) FROM customers
		LEFT JOIN (SELECT customer_id, count(*) AS n FROM purchases GROUP BY customer_id) USING (customer_id) GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	hand := map[string]int64{}
	for rows.Next() {
		var label string
		var n int64
		if err := rows.Scan(&label, &n); err != nil {
			t.Fatal(err)
		}
		hand[label] = n
	}
	rows.Close()
	got := map[string]int64{}
	for _, r := range m.result.Rows {
		got[r[0].(string)] = r[1].(int64)
	}
	if fmt.Sprint(got) != fmt.Sprint(hand) || len(got) != 7 {
		t.Fatalf("customers by purchases %v, want %v", got, hand)
	}
	tuitest.MustShow(t, m.View(), "count(purchases)")
}
