package exportscreen

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/tui/tuitest"
)

// A segment the compliance policy gates asks for a reason before it is
// exported: a blank one is refused in the dialog, esc exports nothing, and the
// reason given is audited with the flags and shown with the manifest.
func TestGatedExportAsksForAReason(t *testing.T) {
	t.Parallel()
	ws := tuitest.Sample.Open(t)
	ctx := context.Background()
	// Five subscribers: a small cell, which the default policy gates. The name
	// puts it first in the list.
	if _, err := segments.NewStore(ws).Define(ctx, segments.Definition{Name: "a_handful", Table: "subscribers",
		Rule: "subscriber_id <= 5", Description: "five subscribers", Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	m := tuitest.Open(t, New(tuitest.Env(t, ws)), 120, 33)
	hs := tuitest.NewHarness(m, 120, 33)
	if m.segment().Name != "a_handful" || m.preview == nil || m.preview.Risk == nil || !m.preview.Risk.Gated {
		t.Fatalf("segment %s, preview %+v: want a_handful, gated", m.segment().Name, m.preview)
	}
	tuitest.MustShow(t, m.View(), "risk high: small_cell", "needs a reason to export")
	path := filepath.Join(t.TempDir(), "handful.csv")
	tuitest.Press(t, hs, "tab", "tab", "tab", "tab", "tab")
	exportTo(t, m, path)

	tuitest.Press(t, hs, "enter")
	if hs.Front() != ackID {
		t.Fatalf("front dialog %q, want the acknowledgement", hs.Front())
	}
	view := tuitest.Text(hs.Dialogs.Front().View())
	for _, want := range []string{"a_handful is high risk", "fewer than k = 10", "written to the audit log"} {
		if !strings.Contains(strings.Join(strings.Fields(view), " "), want) {
			t.Errorf("the dialog lacks %q:\n%s", want, view)
		}
	}
	tuitest.Type(t, hs, "   ")
	tuitest.Press(t, hs, "enter")
	if hs.Front() != ackID || !strings.Contains(tuitest.Text(hs.Dialogs.Front().View()), "a reason is needed") {
		t.Fatalf("a blank reason was taken: front %q", hs.Front())
	}
	tuitest.Press(t, hs, "esc")
	if hs.Front() != "" || m.result != nil {
		t.Fatalf("esc: front %q, result %+v", hs.Front(), m.result)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("esc exported (%v)", err)
	}

	tuitest.Press(t, hs, "enter")
	tuitest.Type(t, hs, "pilot approved by legal")
	tuitest.Press(t, hs, "enter")
	if m.runErr != nil || m.result == nil {
		t.Fatalf("export after the reason: %v", m.runErr)
	}
	if a := m.result.Manifest.Risk.Acknowledgement; a == nil || a.Reason != "pilot approved by legal" {
		t.Fatalf("manifest's acknowledgement %+v", a)
	}
	tuitest.MustShow(t, m.View(), "acknowledged: pilot approved by legal")
	acks, err := ws.AuditLog(ctx, query.AuditFilter{Action: export.ActionAcknowledge})
	if err != nil || len(acks) != 1 || !strings.Contains(acks[0].Details, "small_cell") {
		t.Fatalf("audited acknowledgements: %+v, %v", acks, err)
	}

	// Any change of the form asks again.
	tuitest.Press(t, hs, "tab", "tab", "l")
	if m.ack != "" {
		t.Fatal("the reason outlived a change of the form")
	}
}
