package eventsetup

import (
	"context"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// harness is the form in the root's place, recording the changes it announces.
type harness struct {
	*tuitest.Harness
	form    *Form
	changed []common.EventsChangedMsg
}

func open(t *testing.T, ws *query.Workspace, table string) *harness {
	t.Helper()
	h := &harness{form: New(tuitest.Env(t, ws))}
	h.Harness = tuitest.NewHarness(tuitest.UpdateFunc(func(msg tea.Msg) tea.Cmd {
		if c, ok := msg.(common.EventsChangedMsg); ok {
			h.changed = append(h.changed, c)
		}
		return h.form.Update(msg)
	}), 100, 30)
	tuitest.Settle(t, h, h.form.Open(table), nil)
	if h.Front() != DialogID {
		t.Fatalf("the form is not in front (%q)", h.Front())
	}
	return h
}

func (h *harness) view() string { return tuitest.Text(h.Dialogs.Front().View()) }

func TestFormGuessesAndSetsUpPurchases(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	h := open(t, ws, "purchases")
	// customer_id is the key of customers, so purchases are their events.
	tuitest.MustShow(t, h.view(), "Table     ‹ purchases ›", "Key       customer_id", "Time      at", "Audience  customers")
	tuitest.Press(t, h, "tab", "tab", "tab", "tab")
	tuitest.Type(t, h, "amount")
	tuitest.Press(t, h, "tab")
	tuitest.Type(t, h, "purchases for the spend segments")
	tuitest.Press(t, h, "enter")
	if h.Front() != "" {
		t.Fatalf("the form stayed open after the setup:\n%s", h.view())
	}
	e, err := events.Get(context.Background(), ws, "purchases")
	if err != nil {
		t.Fatal(err)
	}
	if e.Key != "customer_id" || e.Audience != "customers" || e.Derived || e.Time != "at" || e.Amount != "amount" {
		t.Fatalf("set up %+v", e.Config)
	}
	if h.Notice != e.Sentence() || !strings.HasPrefix(h.Notice, "purchases: 358 events of 103 customers") {
		t.Fatalf("notice %q, want the entry's sentence %q", h.Notice, e.Sentence())
	}
	if len(h.changed) != 1 || h.changed[0] != (common.EventsChangedMsg{Table: "purchases", Audience: "customers"}) {
		t.Fatalf("announced %v", h.changed)
	}
	entries, err := ws.AuditLog(context.Background(), query.AuditFilter{Action: events.ActionSetup})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Details, "purchases for the spend segments") {
		t.Fatalf("audit of the setup: %v, %v", entries, err)
	}
}

func TestFormMakesANewAudience(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	h := open(t, ws, "purchases")
	tuitest.Press(t, h, "tab", "tab", "tab", "right")
	// customers is taken, so the new table is named after the events.
	tuitest.MustShow(t, h.view(), "a new table made from the events", "New name  purchases_people")
	tuitest.Press(t, h, "enter")
	if h.Front() != "" {
		t.Fatalf("the form stayed open:\n%s", h.view())
	}
	info, err := ws.Table(context.Background(), "purchases_people")
	if err != nil || info.Key != "customer_id" {
		t.Fatalf("purchases_people: %+v, %v", info, err)
	}
	if !strings.Contains(h.Notice, "358 events of 103 purchases_people") {
		t.Fatalf("notice %q", h.Notice)
	}
}

func TestFormErrorsLeaveNothingSetUp(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	h := open(t, ws, "purchases")
	tuitest.Press(t, h, "tab", "tab", "tab", "tab")
	tuitest.Type(t, h, "amount * quantity")
	tuitest.Press(t, h, "enter")
	if h.Front() != DialogID {
		t.Fatal("the form closed on an error")
	}
	tuitest.MustShow(t, h.view(), `✗ events setup of purchases: amount "amount * quantity": there is no`, `column "quantity"`)

	// A new audience with a name no table can have.
	tuitest.Press(t, h, "ctrl+u", "up", "right", "tab", "ctrl+u")
	tuitest.Type(t, h, "people/2")
	tuitest.Press(t, h, "enter")
	tuitest.MustShow(t, h.view(), "✗ events setup of purchases: the audience to make from the events")
	ctx := context.Background()
	if es, err := events.List(ctx, ws); err != nil || len(es) != 0 {
		t.Fatalf("after two failed setups the registry holds %v (%v)", es, err)
	}
	if names, err := ws.TableNames(ctx); err != nil || len(names) != 2 {
		t.Fatalf("after two failed setups the tables are %v (%v)", names, err)
	}
	tuitest.Press(t, h, "esc")
	if h.Front() != "" || h.form.IsOpen() {
		t.Fatal("esc left the form open")
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	tables := []query.TableInfo{
		{Name: "subscribers", Key: "subscriber_id"}, {Name: "views", Key: query.SurrogateKey}, {Name: "titles", Key: "title_id"},
	}
	cols := func(names ...string) []query.Column {
		var out []query.Column
		for _, n := range names {
			out = append(out, query.Column{Name: n, Type: "VARCHAR"})
		}
		return out
	}
	for _, c := range []struct {
		table        string
		cols         []query.Column
		key, aud     string
		looksEvented bool
	}{
		{"views", cols("row_id", "subscriber_id", "title", "time"), "subscriber_id", "subscribers", true},
		{"subscribers", cols("subscriber_id", "plan"), "", "", false},
		{"titles", cols("title_id", "genre", "maker_id"), "maker_id", "", false},
	} {
		key, aud, ok := Suggest(c.table, c.cols, tables)
		if key != c.key || aud != c.aud || ok != c.looksEvented {
			t.Errorf("Suggest(%s) = %q, %q, %v; want %q, %q, %v", c.table, key, aud, ok, c.key, c.aud, c.looksEvented)
		}
	}
}
