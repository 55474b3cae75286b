package segmentsscreen

import (
	"strings"
	"testing"

	"github.com/segscope/segscope/tui/tuitest"
)

// The reminder beside the rule names the table's event tables and the event
// conditions' words, as it names its columns: a new user meets count(...) here.
func TestReferenceNamesEventTables(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	tuitest.SetUpPurchases(t, ws)
	m, hs := console(t, ws, 120, 34)
	m.scopeTable = "customers"
	tuitest.Press(t, hs, "n")
	tuitest.Type(t, hs, "buyers")
	tuitest.Press(t, hs, "tab", "tab")
	tuitest.MustShow(t, screenText(m, hs), "events", "purchases", "count(purchases)", "max(purchases.amount)",
		"last(purchases)", "none(purchases in last 30 days)", "where")
	tuitest.RequireFits(t, m.View(), 120, 31, "reference with events")
}

// t with an event table open (as after importing it) says whose events they
// are and where the templates fit, not that the events' columns fit none.
func TestTemplatesOfAnEventTablePointAtItsAudience(t *testing.T) {
	t.Parallel()
	ws := tuitest.Purchases.Open(t)
	tuitest.SetUpPurchases(t, ws)
	m, hs := console(t, ws, 120, 34)
	m.scopeTable = "purchases"
	tuitest.Press(t, hs, "t")
	text := screenText(m, hs)
	tuitest.MustShow(t, text, "purchases holds the events of customers", "customers on the Data screen and press t again")
	if strings.Contains(text, "No template fits") {
		t.Errorf("the picker lists why the events' columns fit no template:\n%s", text)
	}
}
