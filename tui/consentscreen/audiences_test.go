package consentscreen

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/styles"
)

// TestNoSegmentsNamesTablesWithoutConsent: with no segment to show, the matrix
// still names the tables consent.Audiences finds without a setup (the CLI's
// `segscope consent` names the same), and not the events table.
func TestNoSegmentsNamesTablesWithoutConsent(t *testing.T) {
	ctx := context.Background()
	ws := querytest.Sample(t)
	if err := consent.New(ws).SetupSample(ctx); err != nil {
		t.Fatal(err)
	}
	m := New(common.NewEnv(ctx, ws, styles.New(styles.NoColor), nil, "test"))
	m.SetSize(140, 30)
	view := func() string {
		m.Update(m.recount()())
		return ansi.Strip(m.View())
	}
	if v := view(); !strings.Contains(v, "No segments yet") || strings.Contains(v, "No consent set up") {
		t.Fatalf("every table set up, yet:\n%s", v)
	}
	querytest.ImportCSV(t, ws, "plain", "id,name\n1,a\n2,b\n")
	if v := view(); !strings.Contains(v, "No consent set up for plain.") || strings.Contains(v, "consent,") {
		t.Fatalf("plain has no setup:\n%s", v)
	}
}
