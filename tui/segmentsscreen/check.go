package segmentsscreen

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/common"
)

// check is the rule's evaluation against its table.
type check struct {
	text, table string
	n, total    int64
	err         error
}

type previewMsg struct {
	id    uint64
	check check
}

type schemaMsg struct {
	id     uint64
	schema rule.Schema
	err    error
}

// edited notes a change of the rule or the table: typing is recounted once
// it pauses, anything else at once. It also reads the table's columns if they
// are not known yet.
func (m *Model) edited(typing bool) tea.Cmd {
	e := &m.editor
	// Every change makes a pending tick stale, even one counted at once.
	tick := e.typed.Edit()
	e.saveErr = nil
	m.preview.Cancel()
	e.follow(m.env.Styles)
	count := m.recount()
	if typing {
		count = tick
	}
	if _, ok := e.schemas[e.table]; ok || e.table == "" || e.schemaWant == e.table {
		return count
	}
	e.schemaWant = e.table
	ctx, id := m.env.Start(&m.columns, "reading the columns of "+e.table)
	ws, table := m.env.WS, e.table
	return tea.Batch(count, func() tea.Msg {
		s, err := segments.Schema(ctx, ws, table)
		return schemaMsg{id: id, schema: s, err: err}
	})
}

func (m *Model) onSchema(msg schemaMsg) {
	if !m.columns.Finish(msg.id) {
		return
	}
	e := &m.editor
	e.schemaWant = ""
	if msg.err == nil {
		if e.schemas == nil {
			e.schemas = map[string]rule.Schema{}
		}
		e.schemas[msg.schema.Table] = msg.schema
	}
}

func (m *Model) onPreviewTick(msg common.DebounceMsg) tea.Cmd {
	if !m.editor.typed.Settled(msg) || m.view != viewEditor {
		return nil
	}
	return m.recount()
}

// recount evaluates the rule in the editor against its table.
func (m *Model) recount() tea.Cmd {
	e := &m.editor
	text, table := strings.TrimSpace(e.ruleText()), e.table
	if text == "" || table == "" {
		return nil
	}
	ctx, id := m.env.Start(&m.preview, "counting the rule's rows")
	ws := m.env.WS
	return func() tea.Msg {
		return previewMsg{id: id, check: evaluate(ctx, ws, table, text)}
	}
}

// evaluate previews a rule: what it selects, and the table's rows.
func evaluate(ctx context.Context, ws *query.Workspace, table, text string) check {
	p, err := segments.PreviewRule(ctx, ws, table, text)
	return check{text: text, table: table, n: p.Count, total: p.Total, err: err}
}

func (m *Model) onPreview(msg previewMsg) {
	if !m.preview.Finish(msg.id) {
		return
	}
	m.editor.check = msg.check
	m.editor.follow(m.env.Styles)
}

// checked reports whether the check is of the rule and table in the editor now.
func (e *editor) checked() (check, bool) {
	c := e.check
	return c, c.text != "" && c.text == strings.TrimSpace(e.ruleText()) && c.table == e.table
}

// ruleError is the error in the rule as typed, if it is known to have one.
func (e *editor) ruleError() *rule.Error {
	var re *rule.Error
	if c, ok := e.checked(); ok && errors.As(c.err, &re) {
		return re
	}
	return nil
}
