package tui

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/styles"
)

// telcoRows is shaped like a telco churn export: a camelCase ID, a contract
// type, Yes/No columns, tenure in months and the churn outcome.
func telcoRows(n int) string {
	var b strings.Builder
	b.WriteString("customerID,gender,SeniorCitizen,Partner,tenure,Contract,MonthlyCharges,Churn\n")
	for i := range n {
		contract := []string{"Month-to-month", "Month-to-month", "One year", "Two year"}[i%4]
		churn := "No"
		if contract == "Month-to-month" && i%3 == 0 || i%11 == 0 {
			churn = "Yes"
		}
		fmt.Fprintf(&b, "%04d-%c%c%c%c,%s,%d,%s,%d,%s,%.2f,%s\n", 1000+i, 'A'+rune(i%26), 'A'+rune(i*7%26), 'A'+rune(i*3%26), 'A'+rune(i*5%26),
			[]string{"Female", "Male"}[i%2], i%5/4, []string{"Yes", "No"}[i%3/2], i*7%72, contract, 20+float64(i*37%100), churn)
	}
	return b.String()
}

func TestAltNumberSwitchesScreensWhileTyping(t *testing.T) {
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)

	// The filter bar has the keyboard: a digit is text, alt and a digit switches.
	press(t, m, "/", "1")
	if m.Active() != ScreenData || m.Data().FilterInput() != "1" {
		t.Fatalf("a digit in the filter: screen %v, filter %q", m.Active(), m.Data().FilterInput())
	}
	press(t, m, "alt+7")
	if m.Active() != ScreenSQL {
		t.Fatalf("alt+7 in the filter showed %v", m.Active())
	}
	// The SQL editor has the keyboard.
	before := m.SQL().Query()
	press(t, m, "2")
	if m.Active() != ScreenSQL || m.SQL().Query() == before {
		t.Fatalf("2 in the SQL editor: screen %v, query %q", m.Active(), m.SQL().Query())
	}
	press(t, m, "alt+2")
	if m.Active() != ScreenSlice {
		t.Fatalf("alt+2 in the SQL editor showed %v", m.Active())
	}
	// An open dialog closes on the way.
	press(t, m, "ctrl+p", "alt+3")
	if m.Active() != ScreenSegments || !m.dialogs.Empty() {
		t.Fatalf("alt+3 in the palette: screen %v, dialog %v", m.Active(), m.dialogs.Front())
	}
	press(t, m, "n", "alt+1")
	if m.Active() != ScreenData {
		t.Fatalf("alt+1 in the segment editor showed %v", m.Active())
	}
	// Without a text field, plain digits still switch.
	press(t, m, "esc", "4")
	if m.Active() != ScreenCompare {
		t.Fatalf("4 showed %v", m.Active())
	}
	press(t, m, "?")
	if !strings.Contains(ansi.Strip(m.View().Content), "alt+1-8") {
		t.Fatal("the help does not list alt+1-8")
	}
}

func TestSQLStarterIsAboutTheDataTable(t *testing.T) {
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "7")
	if got, want := m.SQL().Query(), query.StarterQuery("customers"); got != want {
		t.Fatalf("starter %q, want %q", got, want)
	}
	press(t, m, "ctrl+r")
	if res, err := m.SQL().Result(); err != nil || len(res.Rows) != 100 {
		t.Fatalf("the starter ran to %v, %v", res, err)
	}
	// Another table on the Data screen: the untouched starter follows it.
	press(t, m, "1", "tab", "j", "enter")
	if m.Data().Table().Name != "orders" {
		t.Fatalf("opened %s", m.Data().Table().Name)
	}
	press(t, m, "7", "i")
	if got := m.SQL().Query(); got != query.StarterQuery("orders") {
		t.Fatalf("after opening orders the starter is %q", got)
	}
	// Typing replaces the starter, and the analyst's own query stays.
	typeText(t, m, "SELECT count(*) FROM orders")
	if got := m.SQL().Query(); got != "SELECT count(*) FROM orders" {
		t.Fatalf("typing over the starter gave %q", got)
	}
	press(t, m, "alt+1", "tab", "k", "enter", "7")
	if m.Data().Table().Name != "customers" || m.SQL().Query() != "SELECT count(*) FROM orders" {
		t.Fatalf("table %s, query %q: the analyst's query was replaced", m.Data().Table().Name, m.SQL().Query())
	}
}

func TestSQLStarterCanBeEdited(t *testing.T) {
	ws := newWorkspace(t)
	m := newModel(t, ws, 100, 30, styles.Dark)
	press(t, m, "7", "backspace", "backspace", "backspace")
	typeText(t, m, "5")
	if got, want := m.SQL().Query(), strings.TrimSuffix(query.StarterQuery("customers"), "100")+"5"; got != want {
		t.Fatalf("editing the starter gave %q, want %q", got, want)
	}
}

func TestFirstStepsOnATelcoExport(t *testing.T) {
	ctx := context.Background()
	ws := newWorkspace(t)
	querytest.ImportCSV(t, ws, "telco", telcoRows(240))
	m := openModel(t, ws, "telco", 120, 36, styles.Dark)

	// New segment and templates go to the table being looked at.
	press(t, m, "3", "n")
	if _, table, _ := m.Segments().Draft(); table != "telco" {
		t.Fatalf("new segment opened on %q", table)
	}
	press(t, m, "esc", "t")
	text := screenText(m)
	if !strings.Contains(text, "Templates for telco") || !strings.Contains(text, "Churn risk") || !strings.Contains(text, "Not offered") {
		t.Fatalf("templates picker:\n%s", text)
	}
	press(t, m, "esc")

	// The Slice screen shows the churn rate by a category, not by the ID.
	press(t, m, "2")
	g := m.Slice().Grouping()
	if len(g.By) != 1 || g.By[0] != "Contract" {
		t.Fatalf("default grouping by %v, want Contract: a handful of categories, not the ID or a pair", g.By)
	}
	if g.Measure.Func != "rate" || g.Measure.Column != "Churn" {
		t.Fatalf("default measure %+v, want the rate of Churn", g.Measure)
	}
	for range 10 {
		if m.Slice().Grouping().By[0] == "Contract" {
			break
		}
		press(t, m, "j")
	}
	by := m.Slice().Grouping().By[0]
	res, err := m.Slice().Result()
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
	if !strings.Contains(screenText(m), "rate of Churn") || !strings.Contains(screenText(m), "%") {
		t.Fatalf("the rate is not shown:\n%s", screenText(m))
	}
}

func TestSliceGroupsDatesByMonth(t *testing.T) {
	ws := newWorkspace(t)
	m := newModel(t, ws, 120, 36, styles.Dark)
	press(t, m, "2")
	if by := m.Slice().Grouping().By; len(by) != 1 || by[0] != "plan" {
		t.Fatalf("customers group by %v by default, want plan", by)
	}
	for range 10 {
		if m.Slice().Grouping().By[0] == "signup_date" {
			break
		}
		press(t, m, "j")
	}
	res, err := m.Slice().Result()
	if err != nil || res == nil || m.Slice().Grouping().By[0] != "signup_date" {
		t.Fatalf("grouping by %v: %v, %v", m.Slice().Grouping().By, res, err)
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
	ws := newWorkspace(t)
	var b strings.Builder
	b.WriteString("ticket_no,subject,channel,opened\n")
	for i := range 80 {
		fmt.Fprintf(&b, "%d,Cannot sign in since update %d,%s,2025-%02d-%02d\n", 500+i, i, []string{"email", "phone", "chat"}[i%3], 1+i%12, 1+i%28)
	}
	querytest.ImportCSV(t, ws, "tickets", b.String())
	m := openModel(t, ws, "tickets", 120, 36, styles.Dark)
	press(t, m, "2")
	if by := m.Slice().Grouping().By; len(by) != 1 || by[0] != "channel" {
		t.Fatalf("tickets group by %v by default, want channel (subject is different on every row)", by)
	}
	if res, err := m.Slice().Result(); err != nil || res == nil || len(res.Rows) != 3 {
		t.Fatalf("result %v, %v", res, err)
	}
}
