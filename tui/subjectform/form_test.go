package subjectform

import (
	"context"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/subject"
	"github.com/segscope/segscope/tui/tuitest"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

// The customers fixture's first customer is Bruno Roux, key 1, in orders too.
const bruno = "bruno.roux1@example.com"

type harness struct {
	*tuitest.Harness
	form *Form
}

func open(t *testing.T, ws *query.Workspace) *harness {
	t.Helper()
	h := &harness{form: New(tuitest.Env(t, ws))}
	h.Harness = tuitest.NewHarness(tuitest.UpdateFunc(h.form.Update), 120, 40)
	tuitest.Settle(t, h, h.form.Open(), nil)
	if h.Front() != DialogID {
		t.Fatalf("the form is not in front (%q)", h.Front())
	}
	return h
}

func (h *harness) view() string { return tuitest.Text(h.Dialogs.Front().View()) }

func reveals(t *testing.T, ws *query.Workspace) int {
	t.Helper()
	entries, err := ws.AuditLog(context.Background(), query.AuditFilter{Action: query.ActionPIIReveal})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// Found by email, the person is shown masked; ctrl+r reveals them only once
// the reveal is in the audit log, and masks them again.
func TestFindMasksAndRevealIsAudited(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	h := open(t, ws)
	tuitest.Type(t, h, "  BRUNO.Roux1@example.com ")
	tuitest.Press(t, h, "enter")
	v := h.view()
	tuitest.MustShow(t, v, "b•", "@example.com", "customers · 1 row · keys 1", "segments now:", "exports they were in: none")
	if strings.Contains(v, bruno) {
		t.Fatalf("the report shows the email unmasked:\n%s", v)
	}
	if n := reveals(t, ws); n != 0 {
		t.Fatalf("%d reveals audited before any was asked", n)
	}
	tuitest.Press(t, h, "ctrl+r")
	if v := h.view(); !strings.Contains(v, bruno) || !strings.Contains(v, "revealed") {
		t.Fatalf("ctrl+r did not reveal:\n%s", v)
	}
	if n := reveals(t, ws); n != 1 {
		t.Fatalf("%d reveals audited, want 1", n)
	}
	tuitest.Press(t, h, "ctrl+r")
	if strings.Contains(h.view(), bruno) {
		t.Fatalf("ctrl+r did not mask again")
	}
}

// Erasing needs a reason and a danger confirmation; then no row of the person
// is left and the erasure is audited. n keeps them.
func TestEraseAfterConfirmation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := tuitest.Customers.Open(t)
	h := open(t, ws)
	tuitest.Type(t, h, bruno)
	tuitest.Press(t, h, "ctrl+e")
	tuitest.MustShow(t, h.view(), "find the person first")
	tuitest.Press(t, h, "enter", "ctrl+e")
	tuitest.MustShow(t, h.view(), "say why in Reason")
	if h.Front() != DialogID {
		t.Fatalf("a confirmation opened without a reason: %q", h.Front())
	}
	tuitest.Type(t, h, "DSR-7")
	tuitest.Press(t, h, "ctrl+e")
	if h.Front() != ConfirmID {
		t.Fatalf("no confirmation in front: %q", h.Front())
	}
	tuitest.MustShow(t, tuitest.Text(h.Dialogs.Front().View()), "Erase b•", "cannot be undone")
	tuitest.Press(t, h, "n")
	if h.Front() != DialogID || count(t, ws, "SELECT count(*) FROM customers WHERE customer_id = 1") != 1 {
		t.Fatalf("n erased or closed the form (front %q)", h.Front())
	}
	tuitest.Press(t, h, "ctrl+e", "y")
	if n := count(t, ws, "SELECT count(*) FROM customers WHERE customer_id = 1"); n != 0 {
		t.Fatalf("%d rows of the person left after the erasure", n)
	}
	if !strings.HasPrefix(h.Notice, "erased: 1 row deleted from customers") {
		t.Fatalf("notice %q", h.Notice)
	}
	entries, err := ws.AuditLog(ctx, query.AuditFilter{Action: subject.ActionErase})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Details, "DSR-7") || strings.Contains(entries[0].Details, "bruno") {
		t.Fatalf("audit of the erasure: %v, %v", entries, err)
	}
	// Someone absent: found as nobody, and nothing to erase.
	tuitest.Press(t, h, "shift+tab", "shift+tab")
	h.form.value.SetValue("nobody@example.com")
	tuitest.Press(t, h, "enter")
	tuitest.MustShow(t, h.view(), "nobody in the workspace has the email")
	tuitest.Press(t, h, "ctrl+e")
	tuitest.MustShow(t, h.view(), "there is nothing to erase")
	if h.Front() != DialogID {
		t.Fatalf("a confirmation opened for someone absent: %q", h.Front())
	}
}

// A key names a row of the table chosen; the form's key kind shows the table field.
func TestFindByKey(t *testing.T) {
	t.Parallel()
	ws := tuitest.Customers.Open(t)
	h := open(t, ws)
	tuitest.Press(t, h, "shift+tab", "right", "right") // Find by: email → phone → key
	tuitest.MustShow(t, h.view(), "Find by   ‹ key ›", "Table")
	tuitest.Press(t, h, "tab")
	tuitest.Type(t, h, "2")
	tuitest.Press(t, h, "tab") // Table: the first table, customers
	tuitest.MustShow(t, h.view(), "‹ customers ›")
	tuitest.Press(t, h, "enter")
	tuitest.MustShow(t, h.view(), "customers · 1 row · keys 2")
}

func count(t *testing.T, ws *query.Workspace, q string) int64 {
	t.Helper()
	var n int64
	if err := ws.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var _ tea.Msg = foundMsg{}
