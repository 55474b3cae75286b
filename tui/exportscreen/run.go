package exportscreen

import (
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/export"
)

// progressMsg is how far the running export has got.
type progressMsg struct {
	id   uint64
	p    export.Progress
	feed *feed
}

type doneMsg struct {
	id  uint64
	res *export.Result
	err error
}

// feed carries progress from the exporter's goroutine to the screen. It holds
// only the latest report: DuckDB must never wait for the screen, and a report
// the screen has not read yet is superseded by the next.
type feed struct {
	latest chan export.Progress
	done   chan struct{}
}

func newFeed() *feed {
	return &feed{latest: make(chan export.Progress, 1), done: make(chan struct{})}
}

// report replaces any unread report with p. The exporter serialises its calls,
// so there is one writer.
func (f *feed) report(p export.Progress) {
	select {
	case <-f.latest:
	default:
	}
	f.latest <- p
}

// next waits for the next report, and ends when the export does.
func (f *feed) next(id uint64) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-f.latest:
			return progressMsg{id: id, p: p, feed: f}
		case <-f.done:
			return nil
		}
	}
}

// start exports what the form asks for, unless the destination exists; a
// segment the compliance policy gates asks for a reason first.
func (m *Model) start() tea.Cmd {
	if as, ok := m.gated(); ok && !m.run.Running() {
		return m.askAcknowledgement(as)
	}
	return m.exportTo(false)
}

// exportTo runs the export; force replaces an existing file. The export runs
// in one command while a second relays its progress.
func (m *Model) exportTo(force bool) tea.Cmd {
	req := m.request()
	if req.Segment == "" || m.schema.Running() || m.run.Running() {
		return nil
	}
	req.Force = force
	m.confirm, m.result, m.runErr, m.cancelled = false, nil, nil, false
	if err := m.destProblem(); err != nil {
		m.runErr = err
		return nil
	}
	m.progress = export.Progress{}
	if m.preview != nil {
		m.progress.Total = m.preview.Included
	}
	ctx, id := m.env.Start(&m.run, "exporting "+req.Segment+" to "+req.Path)
	m.runID = id
	f := newFeed()
	req.Progress = f.report
	exp := m.exporter
	run := func() tea.Msg {
		res, err := exp.Export(ctx, req)
		close(f.done)
		return doneMsg{id: id, res: res, err: err}
	}
	// The export goes first: a runtime that ran commands in order would
	// otherwise wait for progress that never starts.
	return tea.Batch(run, f.next(id))
}

func (m *Model) onProgress(msg progressMsg) tea.Cmd {
	if !m.run.Running() || msg.id != m.runID {
		return nil
	}
	m.progress = msg.p
	return msg.feed.next(msg.id)
}

func (m *Model) onDone(msg doneMsg) tea.Cmd {
	if !m.run.Finish(msg.id) {
		return nil
	}
	switch {
	case errors.Is(msg.err, export.ErrExists):
		m.confirm = true
	case errors.Is(msg.err, export.ErrUnacknowledged):
		// The preview was out of date or not yet counted: count it again, and
		// the next start asks for the reason.
		m.runErr = msg.err
		return m.rest.Edit()
	case msg.err != nil:
		m.runErr = msg.err
	default:
		m.result = msg.res
		m.progress.Rows = msg.res.Manifest.Rows
	}
	return nil
}

func (m *Model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Replace):
		return m.exportTo(true)
	case key.Matches(msg, m.keys.Keep):
		m.confirm = false
		m.runErr = errors.New("kept the existing file: choose another destination, or export again and replace it")
	}
	return nil
}
