// Package segmentsscreen is the Segments screen: the workspace's segments with
// their sizes, an editor with a highlighted rule, inline errors and a live
// size preview, each segment's history with word-level diffs, and templates
// that fit a table's columns.
package segmentsscreen

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// view is what the screen shows: the list, the editor or a history.
type view int

const (
	viewList view = iota
	viewEditor
	viewHistory
	viewCampaign
)

// Model is the Segments screen.
type Model struct {
	env  *common.Env
	keys KeyMap
	task.Jobs

	width, height int
	view          view
	scopeTable    string // the Data screen's table: where new segments go

	list     list
	editor   editor
	history  history
	campaign campaign
	picker   picker

	load, sizes, risks, save, remove, past, fit, preview, columns, rfm task.Slot
	// series reads every segment's snapshots; snap takes one.
	series, snap task.Slot
	// camp reads the campaign view's split, diff and waterfalls.
	camp  task.Slot
	chart chartCache
}

// New builds the Segments screen.
func New(env *common.Env) *Model {
	m := &Model{env: env, keys: DefaultKeyMap(), editor: newEditor(), campaign: campaign{baseline: newBaseline()}}
	// The slots whose work the user waits for; the live size preview is not
	// one of them, since the next keystroke replaces it anyway.
	m.Jobs = task.Jobs{&m.load, &m.save, &m.remove, &m.past, &m.fit, &m.sizes, &m.risks, &m.rfm, &m.series, &m.snap, &m.camp}
	m.SetStyles(env.Styles)
	return m
}

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.relayout()
	m.syncChart()
	return nil
}

// SetStyles switches theme.
func (m *Model) SetStyles(st *styles.Styles) {
	m.editor.setStyles(st)
	m.campaign.baseline.SetStyles(draw.InputStyles(st))
	m.chart = chartCache{}
	m.syncChart()
}

// Show loads the list the first time, and again after a load was cancelled.
func (m *Model) Show() tea.Cmd {
	if m.list.loaded || m.load.Running() {
		return nil
	}
	return m.reload("")
}

// CapturesText is true in the editor, where every field takes typing.
func (m *Model) CapturesText() bool {
	return (m.view == viewEditor && !m.picker.open) || (m.view == viewCampaign && m.campaign.baseline.Focused())
}

// Help returns the keys that apply now.
func (m *Model) Help() help.KeyMap {
	switch {
	case m.picker.open:
		return pickerHelp(m.keys)
	case m.view == viewEditor:
		return editorHelp(m.keys)
	case m.view == viewHistory:
		return historyHelp(m.keys)
	case m.view == viewCampaign:
		return campaignHelp(m.keys)
	}
	return m.keys
}

// Cancel stops the jobs the user is waiting for.
func (m *Model) Cancel() bool {
	cancelled := m.Jobs.Cancel()
	if cancelled {
		m.picker.loading = false
	}
	return cancelled
}

// Commands are the palette's actions for this screen.
func (m *Model) Commands() []common.Command {
	if m.view == viewEditor {
		return []common.Command{
			{Title: "Save segment", Key: m.keys.Save, Run: m.saveSegment},
			{Title: "Fill from a template", Key: m.keys.Templates, Run: m.openPicker},
			{Title: "Back to the segment list", Key: m.keys.Back, Run: m.backToList},
		}
	}
	cmds := []common.Command{
		{Title: "New segment", Key: m.keys.New, Run: func() tea.Cmd { return m.openNew(m.defaultTable(), "") }},
		{Title: "New segment from a template", Key: m.keys.Template, Run: m.openPicker},
		{Title: "Recount segment sizes and risks", Key: m.keys.Refresh, Run: m.recountList},
	}
	if seg, ok := m.current(); ok {
		cmds = append(cmds,
			common.Command{Title: "Edit segment " + seg.Name, Key: m.keys.Open, Run: func() tea.Cmd { return m.openExisting(seg, seg.Rule, "") }},
			common.Command{Title: "History of segment " + seg.Name, Key: m.keys.History, Run: m.openHistory},
			common.Command{Title: "Delete segment " + seg.Name, Key: m.keys.Delete, Run: m.askDelete},
			common.Command{Title: "Take a snapshot of segment " + seg.Name, Key: m.keys.Snapshot, Run: m.takeSnapshot},
			common.Command{Title: "Campaign of segment " + seg.Name + ": split, snapshots, priority lists", Key: m.keys.Campaign, Run: m.openCampaign},
		)
	}
	return cmds
}

// Update handles a message addressed to the screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	cmd := m.update(msg)
	m.syncChart()
	return cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.ScopeMsg:
		m.scopeTable = msg.Scope.Table.Name
	case common.EditSegmentMsg:
		cmd := m.openNew(msg.Table, msg.Rule)
		if !m.list.loaded && !m.load.Running() {
			return tea.Batch(cmd, m.reload(""))
		}
		return cmd
	case listMsg:
		return m.onList(msg)
	case sizeMsg:
		return m.onSize(msg)
	case riskMsg:
		return m.onRisk(msg)
	case seriesMsg:
		return m.onSeries(msg)
	case snapshotMsg:
		return m.onSnapshot(msg)
	case campaignMsg:
		m.onCampaign(msg)
	case deletedMsg:
		return m.onDeleted(msg)
	case historyMsg:
		m.onHistory(msg)
	case templatesMsg:
		m.onTemplates(msg)
	case rfmMsg:
		return m.onRFM(msg)
	case rfmSavedMsg:
		return m.onRFMSaved(msg)
	case common.DebounceMsg:
		return m.onPreviewTick(msg)
	case previewMsg:
		m.onPreview(msg)
	case schemaMsg:
		m.onSchema(msg)
	case savedMsg:
		return m.onSaved(msg)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.PasteMsg:
		if m.CapturesText() {
			return m.editorInput(msg)
		}
	case tea.MouseClickMsg:
		return m.onClick(msg.Mouse())
	case tea.MouseWheelMsg:
		m.onWheel(msg.Mouse())
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case m.view == viewEditor:
		return m.editorKey(msg)
	case m.view == viewHistory:
		return m.historyKey(msg)
	case m.view == viewCampaign:
		return m.campaignKey(msg)
	}
	return m.listKey(msg)
}

// View draws the visible part of the screen; its dialogs (delete, templates)
// are drawn by the root.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var out string
	switch m.view {
	case viewEditor:
		out = m.editorView()
	case viewHistory:
		out = m.historyView()
	case viewCampaign:
		out = m.campaignView()
	default:
		out = m.listView()
	}
	return draw.Block(out, m.width, m.height)
}

// relayout sizes what depends on the screen's area.
func (m *Model) relayout() {
	m.list.layout(m.width)
	m.renderTrends()
	m.editor.setWidth(m.width)
	m.editor.maxRows = max(min(m.height-editorChrome, 12), 3)
	m.editor.follow(m.env.Styles)
}
