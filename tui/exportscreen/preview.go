package exportscreen

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/export"
)

// debounce is how long the form must rest before the preview is counted again:
// stepping through choices or typing a path asks for one count, not one a key.
const debounce = 150 * time.Millisecond

type tickMsg struct{ gen uint64 }

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
	m.gen++
	m.result, m.runErr, m.cancelled = nil, nil, false
	m.check.Cancel()
	gen := m.gen
	return tea.Tick(debounce, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

func (m *Model) onTick(msg tickMsg) tea.Cmd {
	if msg.gen != m.gen || m.segment().Name == "" || m.schema.Running() {
		return nil
	}
	req := m.request()
	ctx, id := m.check.Start(m.base, "previewing the export of "+req.Segment, m.now())
	exp := m.exporter
	return func() tea.Msg {
		p, err := exp.Preview(ctx, req)
		return previewMsg{id: id, preview: p, err: err}
	}
}
