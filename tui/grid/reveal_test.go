package grid

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
	"github.com/segscope/segscope/tui/tuitest"
)

func notice(t *testing.T, msgs []any) common.NoticeMsg {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one notice: %v", len(msgs), msgs)
	}
	n, ok := msgs[0].(common.NoticeMsg)
	if !ok {
		t.Fatalf("%T, want a notice", msgs[0])
	}
	return n
}

// A masked column is shown only once its reveal is in the audit log, with
// what the screen said about where it was seen; a second r masks it again,
// and a reveal whose job was superseded is dropped.
func TestRevealWaitsForItsAuditEntry(t *testing.T) {
	ws := querytest.Empty(t)
	env := tuitest.Env(t, ws)
	g := New(styles.New(styles.NoColor))
	g.SetColumns([]Column{{Name: "id"}, {Name: "email", PII: pii.Email}}, "")
	g.SetSize(60, 10)
	var slot task.Slot

	// The cursor on id: nothing to reveal.
	n := notice(t, toAny(tuitest.Collect(g.ToggleReveal(env, &slot, "t.", map[string]string{"screen": "test"}))))
	if !strings.Contains(n.Text, "id is not masked") {
		t.Fatalf("notice %q", n.Text)
	}

	g.col = 1
	cmd := g.ToggleReveal(env, &slot, "t.", map[string]string{"table": "t", "screen": "test"})
	if g.cols[1].Revealed || !slot.Running() {
		t.Fatal("the column was revealed before its audit entry was written")
	}
	msg := cmd().(RevealMsg)
	log, err := ws.AuditLog(context.Background(), query.AuditFilter{Action: query.ActionPIIReveal})
	if err != nil || len(log) != 1 || log[0].Subject != "t.email" ||
		!strings.Contains(log[0].Details, `"kind":"email"`) || !strings.Contains(log[0].Details, `"table":"t"`) || !strings.Contains(log[0].Details, `"column":"email"`) {
		t.Fatalf("audit %+v (%v)", log, err)
	}
	n = notice(t, toAny(tuitest.Collect(g.OnReveal(msg, &slot))))
	if !g.cols[1].Revealed || !strings.Contains(n.Text, "email revealed") {
		t.Fatalf("after the entry: revealed %v, notice %q", g.cols[1].Revealed, n.Text)
	}

	notice(t, toAny(tuitest.Collect(g.ToggleReveal(env, &slot, "t.", nil))))
	if g.cols[1].Revealed {
		t.Fatal("a second r did not mask the column again")
	}

	// A reveal superseded by a newer one is dropped; a failed entry keeps
	// the column masked and says why.
	stale := g.ToggleReveal(env, &slot, "t.", nil)().(RevealMsg)
	g.ToggleReveal(env, &slot, "t.", nil)
	if g.OnReveal(stale, &slot) != nil || g.cols[1].Revealed {
		t.Fatal("a superseded reveal was taken")
	}
	failed := RevealMsg{id: stale.id + 1000, col: 1, err: errors.New("disk full")}
	_, failed.id = slot.Start(context.Background(), "x", tuitest.Now())
	n = notice(t, toAny(tuitest.Collect(g.OnReveal(failed, &slot))))
	if g.cols[1].Revealed || n.Err == nil || !strings.Contains(n.Err.Error(), "stays masked") || !errors.Is(n.Err, failed.err) {
		t.Fatalf("a failed entry: revealed %v, notice %v", g.cols[1].Revealed, n.Err)
	}
}

func toAny[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
