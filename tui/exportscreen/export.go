// Package exportscreen is the Export screen: a form for a segment, a consent
// channel, the columns, a format and a destination; a live preview of who
// would be written and who is kept out, and why; the export itself with a
// progress bar; and its manifest at the end.
package exportscreen

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// field is a field of the form, in the order tab visits them.
type field int

const (
	fieldSegment field = iota
	fieldChannel
	fieldAudience
	fieldNew
	fieldFormat
	fieldDest
	fieldColumns
	fieldCount
)

// Model is the Export screen.
type Model struct {
	env      *common.Env
	exporter *export.Exporter
	keys     KeyMap
	task.Jobs

	width, height int
	formW         int // the form's width; the preview takes the rest

	segs  common.SegmentList
	focus field
	seg   int
	// channels are the gates on offer for the segment's table: "" (none) first.
	channels   []string
	channel    int
	format     int // into export.Formats
	schemaOf   string
	consentErr error // why the table offers no channels
	schemaErr  error
	cols       []query.Column
	chosen     map[string]bool
	colCursor  int
	colOffset  int
	dest       textinput.Model
	destEdited bool // the destination was typed, so it no longer follows the choices

	// rest waits for the form to rest before the preview is counted again:
	// stepping through choices or typing a path asks for one count, not one a key.
	rest       common.Debounce
	preview    *export.Preview
	previewErr error

	// ack is the reason given for exporting the form's segment despite its
	// risk; any change of the form asks again.
	ack string

	runID     uint64 // the export whose progress is shown
	progress  export.Progress
	confirm   bool // the destination exists and waits for y or n
	result    *export.Result
	runErr    error
	cancelled bool

	// audiences are what the segment can be narrowed to (audiencesOf's):
	// the whole segment, an arm, a priority step; onlyNew writes only the
	// members not in the last export of the same audience.
	audiences    []audience
	audience     int
	audiencesOf  string
	audiencesErr error
	onlyNew      bool

	schema, check, run, aud task.Slot
}

// New builds the Export screen. env's version is recorded in the manifests.
func New(env *common.Env) *Model {
	m := &Model{
		env: env, keys: DefaultKeyMap(),
		exporter: export.New(env.WS, export.Options{Version: env.Version, Now: env.Now}),
		chosen:   map[string]bool{}, channels: []string{""}, audiences: []audience{wholeSegment},
	}
	m.dest = textinput.New()
	m.dest.Prompt = ""
	m.dest.Placeholder = "path of the file to write"
	// The export first: it is what the status line should show when it runs.
	m.Jobs = task.Jobs{&m.run, &m.check, &m.schema, &m.aud, &m.segs.Job}
	m.SetStyles(env.Styles)
	return m
}

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.formW = min(max(w*11/20, 40), 64)
	if w-m.formW < 30 {
		m.formW = w
	}
	m.dest.SetWidth(max(m.formW-labelW-4, 8))
	m.follow()
	return nil
}

// SetStyles switches theme.
func (m *Model) SetStyles(st *styles.Styles) {
	m.dest.SetStyles(draw.InputStyles(st))
}

// Show reads the segments again: they may have changed on the Segments screen.
func (m *Model) Show() tea.Cmd {
	return m.segs.Reload(m.env)
}

// Help returns the keys that apply now.
func (m *Model) Help() help.KeyMap {
	switch {
	case m.run.Running():
		return runningHelp(m.keys)
	case m.confirm:
		return confirmHelp(m.keys)
	case m.focus == fieldDest:
		return typingHelp(m.keys)
	}
	return m.keys
}

// CapturesText is true while the destination is being typed.
func (m *Model) CapturesText() bool { return m.focus == fieldDest && !m.confirm && !m.run.Running() }

// Cancel stops the jobs in flight. A cancelled export leaves no file: the
// exporter writes to a temporary file and renames it only when complete.
func (m *Model) Cancel() bool {
	exporting := m.run.Cancel()
	if exporting {
		m.cancelled = true
	}
	return m.Jobs.Cancel() || exporting
}

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	cmds := []common.Command{{Title: "Start the export", Key: m.keys.Export, Run: m.start}}
	for f, name := range fieldNames {
		cmds = append(cmds, common.Command{Title: "Export: choose the " + name, Key: m.keys.NextField, Run: func() tea.Cmd { return m.setFocus(field(f)) }})
	}
	return cmds
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.SegmentsMsg:
		return m.onList(msg)
	case schemaMsg:
		return m.onSchema(msg)
	case audiencesMsg:
		return m.onAudiences(msg)
	case common.DebounceMsg:
		return m.onTick(msg)
	case previewMsg:
		if m.check.Finish(msg.id) {
			m.preview, m.previewErr = msg.preview, msg.err
		}
	case progressMsg:
		return m.onProgress(msg)
	case doneMsg:
		return m.onDone(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.PasteMsg:
		if m.CapturesText() {
			return m.typeDest(msg)
		}
	}
	return nil
}
