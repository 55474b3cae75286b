package sqlscreen

import (
	"errors"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/tuitest"
)

// scoped is the SQL screen on a copy of the customers fixture, 100×27, told
// that the Data screen has table open.
func scoped(t *testing.T, table string) (*Model, *query.Workspace) {
	t.Helper()
	ws := tuitest.Customers.Open(t)
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 100, 27)
	tuitest.Send(t, m, common.ScopeMsg{Scope: common.Scope{Table: query.TableInfo{Name: table}}})
	return m, ws
}

func TestSQLStarterFollowsTheDataTable(t *testing.T) {
	t.Parallel()
	m, _ := scoped(t, "customers")
	if got, want := m.editor.Value(), query.StarterQuery("customers"); got != want {
		t.Fatalf("starter %q, want %q", got, want)
	}
	tuitest.Press(t, m, "ctrl+r")
	if m.err != nil || m.result == nil || len(m.result.Rows) != 100 {
		t.Fatalf("the starter ran to %v, %v", m.result, m.err)
	}
	// Another table: the untouched starter follows it.
	tuitest.Send(t, m, common.ScopeMsg{Scope: common.Scope{Table: query.TableInfo{Name: "orders"}}})
	tuitest.Press(t, m, "i")
	if got := m.editor.Value(); got != query.StarterQuery("orders") {
		t.Fatalf("after opening orders the starter is %q", got)
	}
	// Typing replaces the starter, and the analyst's own query stays.
	tuitest.Type(t, m, "SELECT count(*) FROM orders")
	if got := m.editor.Value(); got != "SELECT count(*) FROM orders" {
		t.Fatalf("typing over the starter gave %q", got)
	}
	tuitest.Send(t, m, common.ScopeMsg{Scope: common.Scope{Table: query.TableInfo{Name: "customers"}}})
	if got := m.editor.Value(); got != "SELECT count(*) FROM orders" {
		t.Fatalf("the analyst's query was replaced by %q", got)
	}
}

func TestSQLStarterCanBeEdited(t *testing.T) {
	t.Parallel()
	m, _ := scoped(t, "customers")
	tuitest.Press(t, m, "backspace", "backspace", "backspace")
	tuitest.Type(t, m, "5")
	if got, want := m.editor.Value(), strings.TrimSuffix(query.StarterQuery("customers"), "100")+"5"; got != want {
		t.Fatalf("editing the starter gave %q, want %q", got, want)
	}
}

func TestSQLRefusalExplained(t *testing.T) {
	t.Parallel()
	m, _ := scoped(t, "customers")
	tuitest.Type(t, m, "DELETE FROM customers")
	tuitest.Press(t, m, "f5")
	if !errors.Is(m.err, query.ErrReadOnly) {
		t.Fatalf("want a read-only refusal, got %v", m.err)
	}
	tuitest.MustShow(t, m.View(), "only reads")
	tuitest.Press(t, m, "ctrl+u")
	tuitest.Type(t, m, "SELECT plan, count(*) AS n FROM customers GROUP BY plan ORDER BY n DESC")
	tuitest.Press(t, m, "ctrl+r")
	if m.err != nil || m.result == nil || len(m.result.Rows) != 4 {
		t.Fatalf("result %v, %v", m.result, m.err)
	}
	tuitest.Press(t, m, "ctrl+up")
	tuitest.MustShow(t, m.View(), "DELETE FROM customers")
}

// An older query's result never replaces a newer one.
func TestSQLStaleResultIsDropped(t *testing.T) {
	t.Parallel()
	m, _ := scoped(t, "customers")
	m.editor.SetValue("SELECT 1 AS a")
	older := m.Update(tuitest.Key("ctrl+r"))
	m.editor.SetValue("SELECT 2 AS b")
	newer := m.Update(tuitest.Key("ctrl+r"))
	for _, msg := range append(tuitest.Collect(newer), tuitest.Collect(older)...) {
		m.Update(msg)
	}
	if m.err != nil || m.result == nil || m.result.Columns[0].Name != "b" {
		t.Fatalf("SQL result = %+v, %v; want the newer query's", m.result, m.err)
	}
}
