package slicescreen

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// scopeOf is what the Data screen sends with table open and rule applied.
func scopeOf(t *testing.T, ws *query.Workspace, table, rule string) common.Scope {
	t.Helper()
	ctx := context.Background()
	info, err := ws.Table(ctx, table)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := ws.Columns(ctx, table)
	if err != nil {
		t.Fatal(err)
	}
	s := common.Scope{Table: info, Columns: cols, Matching: info.Rows}
	if rule != "" {
		p, err := segments.PreviewRule(ctx, ws, table, rule)
		if err != nil {
			t.Fatal(err)
		}
		s.Rule, s.Where, s.Matching = rule, p.Where, p.Count
	}
	return s
}

// newScreen is the Slice screen in a w×h area, given scope and shown.
func newScreen(t *testing.T, ws *query.Workspace, scope common.Scope, w, h int) *Model {
	t.Helper()
	m := New(tuitest.Env(t, ws))
	m.SetSize(w, h)
	tuitest.Send(t, m, common.ScopeMsg{Scope: scope})
	tuitest.Settle(t, m, m.Show(), nil)
	return m
}

func TestSliceGroupsDatesByMonth(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	m := newScreen(t, ws, scopeOf(t, ws, "customers", ""), 120, 33)
	if by := m.Grouping().By; len(by) != 1 || by[0] != "plan" {
		t.Fatalf("customers group by %v by default, want plan", by)
	}
	for range 10 {
		if m.Grouping().By[0] == "signup_date" {
			break
		}
		tuitest.Press(t, m, "j")
	}
	res, err := m.result, m.err
	if err != nil || res == nil || m.Grouping().By[0] != "signup_date" {
		t.Fatalf("grouping by %v: %v, %v", m.Grouping().By, res, err)
	}
	if len(res.Rows) != 12 {
		t.Fatalf("%d groups by signup month, want the 12 months of 2024", len(res.Rows))
	}
	for i, row := range res.Rows {
		if want := fmt.Sprintf("2024-%02d", i+1); row[0] != want {
			t.Errorf("group %d is %v, want %s (months in order)", i, row[0], want)
		}
	}
}

func TestSliceNeverDefaultsToANearUniqueColumn(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	var b strings.Builder
	b.WriteString("ticket_no,subject,channel,opened\n")
	for i := range 80 {
		fmt.Fprintf(&b, "%d,Cannot sign in since update %d,%s,2025-%02d-%02d\n", 500+i, i, []string{"email", "phone", "chat"}[i%3], 1+i%12, 1+i%28)
	}
	querytest.ImportCSV(t, ws, "tickets", b.String())
	m := newScreen(t, ws, scopeOf(t, ws, "tickets", ""), 120, 33)
	if by := m.Grouping().By; len(by) != 1 || by[0] != "channel" {
		t.Fatalf("tickets group by %v by default, want channel (subject is different on every row)", by)
	}
	if res, err := m.result, m.err; err != nil || res == nil || len(res.Rows) != 3 {
		t.Fatalf("result %v, %v", res, err)
	}
}

// The groups are drawn from the filtered rows, and a measure's column joins
// the count and the share.
func TestSliceWithinTheFilter(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	scope := scopeOf(t, ws, "customers", "country = 'US'")
	m := newScreen(t, ws, scope, 100, 27)
	res, err := m.result, m.err
	if err != nil || res == nil {
		t.Fatalf("slice result %v, %v", res, err)
	}
	var sum int64
	for _, r := range res.Rows {
		sum += r[1].(int64)
	}
	if sum != scope.Matching || sum == scope.Table.Rows {
		t.Fatalf("groups add up to %d, want the %d filtered rows of %d", sum, scope.Matching, scope.Table.Rows)
	}
	if view := tuitest.Text(m.View()); !strings.Contains(view, "filter country = 'US'") {
		t.Fatalf("the filter is not shown:\n%s", view)
	}
	tuitest.Press(t, m, "tab", "tab", "g", "j", "j") // measure: sum of age
	if g := m.Grouping(); g.Measure.Func != "sum" || g.Measure.Column != "age" {
		t.Fatalf("measure = %+v", g.Measure)
	}
	if len(m.result.Columns) != 4 {
		t.Fatalf("columns = %+v, want the label, count, share and sum", m.result.Columns)
	}
}

// On a telco churn export, the screen opens on the churn rate by a category,
// not by the ID, and the rates are the database's.
func TestSliceDefaultsToTheChurnRateOfACategory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := tuitest.Customers.Open(t)
	querytest.ImportCSV(t, ws, "telco", tuitest.TelcoRows(240))
	m := newScreen(t, ws, scopeOf(t, ws, "telco", ""), 120, 33)
	g := m.Grouping()
	if len(g.By) != 1 || g.By[0] != "Contract" {
		t.Fatalf("default grouping by %v, want Contract: a handful of categories, not the ID or a pair", g.By)
	}
	if g.Measure.Func != "rate" || g.Measure.Column != "Churn" {
		t.Fatalf("default measure %+v, want the rate of Churn", g.Measure)
	}
	for range 10 {
		if m.Grouping().By[0] == "Contract" {
			break
		}
		tuitest.Press(t, m, "j")
	}
	by := m.Grouping().By[0]
	res, err := m.result, m.err
	if err != nil || res == nil || by != "Contract" || len(res.Rows) != 3 {
		t.Fatalf("slice by %s: %v, %v", by, res, err)
	}
	for _, row := range res.Rows {
		if row[0] == nil {
			continue
		}
		label := query.FormatValue(row[0])
		want, err := ws.Query(ctx, fmt.Sprintf(`SELECT avg(CASE WHEN "Churn"::VARCHAR IN ('Yes', 'true') THEN 1.0 ELSE 0 END) FROM telco WHERE %s::VARCHAR = %s`,
			query.QuoteIdent(by), query.QuoteString(label)), 1)
		if err != nil {
			t.Fatal(err)
		}
		if got, w := row[3].(float64), want.Rows[0][0].(float64); math.Abs(got-w) > 1e-9 {
			t.Errorf("churn rate of %s %s = %v, want %v", by, label, got, w)
		}
	}
	if !strings.Contains(tuitest.Text(m.View()), "rate of Churn") || !strings.Contains(tuitest.Text(m.View()), "%") {
		t.Fatalf("the rate is not shown:\n%s", tuitest.Text(m.View()))
	}
}
