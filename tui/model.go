// Package tui is segscope's terminal console: a root model with a tab bar, a
// status line, help and a command palette around the screens. See README.md
// for the rules every part of it follows.
package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/auditscreen"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/comparescreen"
	"github.com/segscope/segscope/tui/consentscreen"
	"github.com/segscope/segscope/tui/datascreen"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/eventsetup"
	"github.com/segscope/segscope/tui/exportscreen"
	"github.com/segscope/segscope/tui/segmentsscreen"
	"github.com/segscope/segscope/tui/slicescreen"
	"github.com/segscope/segscope/tui/sqlscreen"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/subjectform"
	"github.com/segscope/segscope/tui/task"
)

// Options adjust the console.
type Options struct {
	// Table is the table to open first; "" opens the first one.
	Table string
	// Import names files to import as the console opens; the Data screen shows
	// the progress and summary, then opens the first table imported.
	Import []string
	// Attach attaches the Import files where they are instead of importing
	// them (segscope --attach FILE...).
	Attach bool
	// NoColor draws without colour (NO_COLOR in the environment does too).
	NoColor bool
	// Now is the clock for elapsed times; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Version is segscope's version, recorded in export manifests.
	Version string
}

// Model is the console's root model.
type Model struct {
	env    *common.Env
	cancel context.CancelFunc
	theme  styles.Theme
	keys   KeyMap

	width, height int
	layout        layout

	screens map[Screen]screen
	order   []Screen
	active  Screen
	data    *datascreen.Model
	slice   *slicescreen.Model
	sql     *sqlscreen.Model
	segs    *segmentsscreen.Model
	compare *comparescreen.Model
	consent *consentscreen.Model
	export  *exportscreen.Model
	audit   *auditscreen.Model

	dialogs dialog.Stack
	help    help.Model
	// evs is the events setup form, offered from the palette and the Data
	// screen; its jobs' results reach it as results reach the screens.
	evs *eventsetup.Form
	// subj is the data-subject request (find, reveal, erase), offered from the
	// palette on every screen.
	subj *subjectform.Form
	asOf task.Slot

	spinner   spinner.Model
	spinning  bool
	notice    string
	noticeErr bool
}

// New builds the console over an open workspace. Its context bounds every
// query the console runs; quitting cancels it.
func New(ctx context.Context, ws *query.Workspace, opts Options) *Model {
	ctx, cancel := context.WithCancel(ctx)
	theme := styles.Dark
	if opts.NoColor {
		theme = styles.NoColor
	}
	env := common.NewEnv(ctx, ws, styles.New(theme), opts.Now, opts.Version)
	m := &Model{
		env: env, cancel: cancel,
		theme: theme, keys: DefaultKeyMap(),
		help:    help.New(),
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		active:  ScreenData,
	}
	m.data = datascreen.New(env, datascreen.Options{Table: opts.Table, Import: opts.Import, Attach: opts.Attach})
	m.slice = slicescreen.New(env)
	m.sql = sqlscreen.New(env)
	m.segs = segmentsscreen.New(env)
	m.compare = comparescreen.New(env)
	m.consent = consentscreen.New(env)
	m.export = exportscreen.New(env)
	m.audit = auditscreen.New(env)
	m.evs = eventsetup.New(env)
	m.subj = subjectform.New(env)
	m.screens = map[Screen]screen{
		ScreenData: m.data, ScreenSlice: m.slice, ScreenSegments: m.segs, ScreenCompare: m.compare, ScreenConsent: m.consent,
		ScreenExport: m.export, ScreenSQL: m.sql, ScreenAudit: m.audit,
	}
	for s := ScreenData; s <= ScreenAudit; s++ {
		if _, ok := m.screens[s]; ok {
			m.order = append(m.order, s)
		}
	}
	m.applyStyles()
	return m
}

// Init loads the first screen's data and asks the terminal for its background.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.env.ReadAsOf(&m.asOf)}
	for _, s := range m.order {
		cmds = append(cmds, initScreen(m.screens[s]))
	}
	return m.withSpinner(tea.Batch(cmds...))
}

// Update routes a message. Keys go, in order, to quitting, the open dialog,
// the global keys, then the visible screen; results go to every screen, each
// of which recognises only its own.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		cmd = m.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		if m.theme != styles.NoColor {
			m.theme = styles.Dark
			if !msg.IsDark() {
				m.theme = styles.Light
			}
			m.env.Styles = styles.New(m.theme)
			m.applyStyles()
		}
	case tea.KeyPressMsg:
		cmd = m.onKey(msg)
	case tea.PasteMsg:
		if m.dialogs.Modal() {
			cmd = m.dialogs.Update(msg)
		} else {
			cmd = m.screens[m.active].Update(msg)
		}
	case tea.MouseClickMsg:
		cmd = m.onClick(msg)
	case tea.MouseWheelMsg:
		if !m.dialogs.Modal() && m.layout.body.Contains(msg.X, msg.Y) {
			msg.X -= m.layout.body.X
			msg.Y -= m.layout.body.Y
			cmd = m.screens[m.active].Update(msg)
		}
	case spinner.TickMsg:
		if _, running := m.running(); !running {
			m.spinning = false
			return m, nil
		}
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case dialog.OpenMsg:
		m.dialogs.Open(msg.Dialog)
	case dialog.CloseMsg:
		m.dialogs.Remove(msg.ID)
	case common.EditSegmentMsg:
		cmd = tea.Batch(m.segs.Update(msg), m.show(ScreenSegments))
	case common.SetUpEventsMsg:
		cmd = m.evs.Open(msg.Table)
	case common.AsOfMsg:
		if m.asOf.Finish(msg.ID) && msg.Err == nil {
			m.env.AsOf = msg.AsOf
		}
	case common.EventsChangedMsg:
		cmds := []tea.Cmd{m.env.ReadAsOf(&m.asOf)}
		for _, s := range m.order {
			cmds = append(cmds, m.screens[s].Update(msg))
		}
		cmd = tea.Batch(cmds...)
	case common.NoticeMsg:
		m.notice, m.noticeErr = msg.Text, msg.Err != nil
		if msg.Err != nil {
			m.notice = msg.Err.Error()
		}
	default:
		cmds := []tea.Cmd{m.evs.Update(msg), m.subj.Update(msg)}
		for _, s := range m.order {
			cmds = append(cmds, m.screens[s].Update(msg))
		}
		cmd = tea.Batch(cmds...)
	}
	return m, m.withSpinner(cmd)
}

// withSpinner starts the spinner when a job is running and it is not spinning.
func (m *Model) withSpinner(cmd tea.Cmd) tea.Cmd {
	if _, running := m.running(); !running || m.spinning {
		return cmd
	}
	m.spinning = true
	return tea.Batch(cmd, m.spinner.Tick)
}

// running is the job to show in the status line: the visible screen's first.
func (m *Model) running() (task.Info, bool) {
	if info, ok := m.evs.Running(); ok {
		return info, true
	}
	if info, ok := m.subj.Running(); ok {
		return info, true
	}
	if info, ok := running(m.screens[m.active]); ok {
		return info, true
	}
	for _, s := range m.order {
		if info, ok := running(m.screens[s]); ok {
			return info, true
		}
	}
	return task.Info{}, false
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	m.notice, m.noticeErr = "", false
	scr := m.screens[m.active]
	typing := capturesText(scr) || m.dialogs.CapturesText()
	switch {
	case key.Matches(msg, m.keys.ForceQuit), key.Matches(msg, m.keys.Quit) && !typing:
		return m.quit()
	case key.Matches(msg, m.keys.ScreensAlt):
		// Leaving for another screen closes whatever dialog was open over this one.
		m.dialogs.Clear()
		return m.show(Screen(msg.Code - '0'))
	}
	if m.dialogs.Modal() {
		return m.dialogs.Update(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Cancel):
		if cancel(scr) {
			m.notice = "cancelled"
			return nil
		}
	case key.Matches(msg, m.keys.Palette) && (msg.String() == "ctrl+p" || !typing):
		m.openPalette()
		return nil
	case typing:
	case key.Matches(msg, m.keys.Help):
		m.openHelp()
		return nil
	case key.Matches(msg, m.keys.Screens):
		return m.show(Screen(msg.Code - '0'))
	}
	return scr.Update(msg)
}

func (m *Model) onClick(msg tea.MouseClickMsg) tea.Cmd {
	if m.dialogs.Modal() {
		m.dialogs.Clear()
		return nil
	}
	if s, ok := m.layout.tabAt(msg.X, msg.Y); ok {
		return m.show(s)
	}
	if m.layout.body.Contains(msg.X, msg.Y) {
		msg.X -= m.layout.body.X
		msg.Y -= m.layout.body.Y
		return m.screens[m.active].Update(msg)
	}
	return nil
}

// show makes s the visible screen. Every Screen has one: the number keys
// and tabs name only those in order.
func (m *Model) show(s Screen) tea.Cmd {
	// A dialog that lets keys past belongs to the screen it is over: that
	// screen opens it again when shown.
	if !m.dialogs.Modal() {
		m.dialogs.Clear()
	}
	m.active = s
	// The as-of time may have been set from the command line meanwhile.
	return tea.Batch(show(m.screens[s]), m.env.ReadAsOf(&m.asOf))
}

// quit cancels every running query, then ends the program.
func (m *Model) quit() tea.Cmd {
	for _, s := range m.order {
		cancel(m.screens[s])
	}
	m.evs.Cancel()
	m.subj.Cancel()
	m.cancel()
	return tea.Quit
}

func (m *Model) resize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.layout = newLayout(w, h, m.order)
	m.help.SetWidth(w)
	m.dialogs.SetSize(w, h)
	var cmds []tea.Cmd
	for _, s := range m.order {
		cmds = append(cmds, m.screens[s].SetSize(m.layout.body.W, m.layout.body.H))
	}
	return tea.Batch(cmds...)
}

func (m *Model) applyStyles() {
	st := m.env.Styles
	for _, s := range m.order {
		restyle(m.screens[s], st)
	}
	m.help.Styles = help.Styles{
		Ellipsis: st.HelpSep, ShortKey: st.HelpKey, ShortDesc: st.HelpDesc, ShortSeparator: st.HelpSep,
		FullKey: st.HelpKey, FullDesc: st.HelpDesc, FullSeparator: st.HelpSep,
	}
	m.spinner.Style = st.StatusBusy
	m.evs.SetStyles(st)
	m.subj.SetStyles(st)
	m.dialogs.SetStyles(st)
}
