package exportscreen

import (
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/tui/common"
)

type previewMsg struct {
	id      uint64
	preview *export.Preview
	err     error
}

// changed notes a change of a choice: the destination follows the choices
// until one is typed, and the preview is counted again.
func (m *Model) changed() tea.Cmd {
	if !m.destEdited {
		m.dest.SetValue(m.defaultDest())
		m.dest.CursorEnd()
	}
	return m.edited()
}

// edited notes any change of the form: the last export's outcome makes way,
// and the preview is counted again once the form rests.
func (m *Model) edited() tea.Cmd {
	m.result, m.runErr, m.cancelled, m.ack = nil, nil, false, ""
	m.check.Cancel()
	return m.rest.Edit()
}

func (m *Model) onTick(msg common.DebounceMsg) tea.Cmd {
	if !m.rest.Settled(msg) || m.segment().Name == "" || m.schema.Running() {
		return nil
	}
	req := m.request()
	ctx, id := m.env.Start(&m.check, "previewing the export of "+req.Segment)
	exp := m.exporter
	return func() tea.Msg {
		p, err := exp.Preview(ctx, req)
		return previewMsg{id: id, preview: p, err: err}
	}
}
