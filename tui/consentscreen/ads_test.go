package consentscreen

import (
	"strings"
	"testing"

	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/tui/tuitest"
)

// A segment's detail shows do_not_sell as a row of its own when a coverage
// counts it (an ads channel of a table with a do-not-sell column), and not
// otherwise.
func TestConsentDetailShowsDoNotSell(t *testing.T) {
	m := tuitest.Open(t, New(tuitest.Env(t, tuitest.Sample.Open(t))), 140, 37)
	tuitest.Press(t, m, "enter")
	if m.cov == nil {
		t.Fatalf("no detail: %v", m.covErr)
	}
	if strings.Contains(tuitest.Text(m.View()), "do_not_sell") {
		t.Fatal("do_not_sell shown with no do-not-sell column")
	}
	m.cov.Channels[0].Counts[consent.DoNotSell] = 3
	tuitest.MustShow(t, m.View(), "do_not_sell")
}
