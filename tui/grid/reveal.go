package grid

import (
	"fmt"
	"maps"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/task"
)

// RevealMsg is the result of the audit entry a reveal waits for.
type RevealMsg struct {
	id  uint64
	col int
	err error
}

// ToggleReveal masks the cursor column again if it is in clear; if it is
// masked personal data, it starts writing the reveal's audit entry as slot's
// job, and RevealMsg unmasks the column once the entry is written. The entry's
// subject is subjectPrefix and the column's name; details say where the
// column was seen (a table and filter, or a statement) and gain the column's
// name and kind.
func (m *Model) ToggleReveal(env *common.Env, slot *task.Slot, subjectPrefix string, details map[string]string) tea.Cmd {
	i := m.CurrentColumn()
	if i < 0 {
		return nil
	}
	col := m.cols[i]
	switch {
	case col.PII == pii.None:
		return common.Notice(col.Name + " is not masked: it does not look like personal data")
	case col.Revealed:
		m.SetRevealed(i, false)
		return common.Notice(col.Name + " is masked again")
	}
	ctx, id := env.Start(slot, "recording reveal of "+col.Name)
	ws, subject := env.WS, subjectPrefix+col.Name
	details = maps.Clone(details)
	if details == nil {
		details = map[string]string{}
	}
	details["column"], details["kind"] = col.Name, col.PII.String()
	return func() tea.Msg {
		err := ws.Audit(ctx, query.ActionPIIReveal, subject, details)
		return RevealMsg{id: id, col: i, err: err}
	}
}

// OnReveal unmasks the column of a reveal started in slot once its audit
// entry is written; a reveal that was not slot's latest is dropped.
func (m *Model) OnReveal(msg RevealMsg, slot *task.Slot) tea.Cmd {
	if !slot.Finish(msg.id) || msg.col >= len(m.cols) {
		return nil
	}
	if msg.err != nil {
		return common.Fail(fmt.Errorf("the column stays masked: could not write the audit entry: %w", msg.err))
	}
	m.SetRevealed(msg.col, true)
	return common.Notice(m.cols[msg.col].Name + " revealed; the reveal is recorded in the audit log")
}
