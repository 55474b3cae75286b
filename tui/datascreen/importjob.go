package datascreen

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/task"
)

// importJob is the import of the files named on the command line: one file
// at a time, each its own job in slot, so Esc stops only the file being read
// (each file is saved in one transaction: a cancelled one leaves no trace).
type importJob struct {
	slot    task.Slot
	id      uint64 // the running file's job, which progress reports name
	files   []string
	next    int    // index of the file to import next
	current string // the file being imported
	phase   string
	// read of size bytes of the file have been checked, beside DuckDB's read.
	read, size int64
	done       []importOutcome
	opened     string // the first table imported, which the screen opens
	// cancelled names the file whose import Esc stopped.
	cancelled string
	// shown is whether the panel is on screen: from the start until dismissed.
	shown bool
	// attach attaches the files where they are (query.Attach) instead.
	attach bool
}

// importOutcome is what became of one file, and of the event tables and
// derived audiences that follow it (events.AfterImport).
type importOutcome struct {
	path       string
	res        query.ImportResult
	err        error
	refreshed  []events.Entry
	refreshErr error // the import stands; some event setup could not follow it
}

type importProgressMsg struct {
	id       uint64
	progress query.ImportProgress
	next     tea.Cmd // waits for the job's next report
}

type importDoneMsg struct {
	id      uint64
	outcome importOutcome
}

// queueImport makes Init import paths, in order, before anything else is
// asked of the screen; the screen then opens the first table imported.
func (m *Model) queueImport(paths []string) {
	m.imp = importJob{files: paths, shown: len(paths) > 0}
}

// importNext starts the next queued file, if any.
func (m *Model) importNext() tea.Cmd {
	if m.imp.next >= len(m.imp.files) {
		return nil
	}
	path := m.imp.files[m.imp.next]
	m.imp.next++
	m.imp.current, m.imp.phase, m.imp.read, m.imp.size = path, "starting", 0, 0
	verb := "importing "
	if m.imp.attach {
		verb = "attaching "
	}
	ctx, id := m.env.Start(&m.imp.slot, verb+filepath.Base(path))
	m.imp.id = id
	return importCmd(ctx, m.env.WS, id, path, m.imp.attach)
}

// importCmd runs one import in its own goroutine and relays its progress:
// each report is a message that carries the command waiting for the next, so
// the model changes only in Update. Progress keeps only the latest report,
// and never blocks the import on a console that has not read the last one.
func importCmd(ctx context.Context, ws *query.Workspace, id uint64, path string, attach bool) tea.Cmd {
	return func() tea.Msg {
		progress := make(chan query.ImportProgress, 1)
		done := make(chan importDoneMsg, 1)
		report := func(p query.ImportProgress) {
			for {
				select {
				case progress <- p:
					return
				default:
				}
				select {
				case <-progress: // superseded by p, which says all it did
				default:
				}
			}
		}
		go func() {
			o := importOutcome{path: path}
			if attach {
				// An attach reads footers or one pass of CSV: it has no phases to report.
				o.res, o.err = ws.Attach(ctx, path, query.AttachOptions{})
			} else {
				o.res, o.err = ws.Import(ctx, path, query.ImportOptions{Progress: report})
			}
			if o.err == nil {
				o.refreshed, o.refreshErr = events.AfterImport(ctx, ws, o.res.Table)
			}
			done <- importDoneMsg{id: id, outcome: o}
		}()
		return waitImport(id, progress, done)()
	}
}

func waitImport(id uint64, progress chan query.ImportProgress, done chan importDoneMsg) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-progress:
			return importProgressMsg{id: id, progress: p, next: waitImport(id, progress, done)}
		case msg := <-done:
			return msg
		}
	}
}

func (m *Model) onImportProgress(msg importProgressMsg) tea.Cmd {
	if msg.id != m.imp.id || !m.imp.slot.Running() {
		return nil // a cancelled import: stop listening
	}
	p := msg.progress
	m.imp.phase, m.imp.read, m.imp.size = p.Phase, p.BytesRead, p.Size
	return msg.next
}

func (m *Model) onImportDone(msg importDoneMsg) tea.Cmd {
	if !m.imp.slot.Finish(msg.id) {
		return nil
	}
	m.imp.done = append(m.imp.done, msg.outcome)
	m.imp.current, m.imp.phase, m.imp.read, m.imp.size = "", "", 0, 0
	next := m.importNext()
	if msg.outcome.err != nil {
		return next
	}
	// The first table imported is opened at once, even while more files are
	// read; a later one shows in the sidebar. Rows and profiles held in memory
	// are forgotten: an import may replace a table under the same name.
	if m.imp.opened == "" {
		m.imp.opened = msg.outcome.res.Table
		m.wantTable = m.imp.opened
	} else {
		m.wantTable = m.table.Name
	}
	m.forget()
	return tea.Batch(next, m.listTables())
}

// cancelImport stops the file being imported; the files after it are not
// started. It reports whether an import was running.
func (m *Model) cancelImport() bool {
	if !m.imp.slot.Cancel() {
		return false
	}
	m.imp.cancelled = m.imp.current
	m.imp.current, m.imp.phase, m.imp.read, m.imp.size = "", "", 0, 0
	m.imp.next = len(m.imp.files)
	return true
}

// ImportDialog names the import's progress and summary on the root's stack.
const ImportDialog = "data.import"

// importDialog is the import's panel on the root's stack. It lets the keys
// past: while the import runs the screen stays usable on the tables already
// there, and once it is over the screen's importKey keeps the panel up until
// enter or esc (the console's own keys, screens, help and palette, still
// work). Its state stays in the screen, where the import's reports arrive;
// leaving the screen puts the dialog away and Show brings it back.
type importDialog struct{ m *Model }

func (d importDialog) ID() string                   { return ImportDialog }
func (d importDialog) Update(tea.Msg) dialog.Action { return nil }
func (d importDialog) Modal() bool                  { return false }
func (d importDialog) View() string                 { return d.m.importBox() }

// SetSize does nothing: the box is fitted to the screen's area, which the
// frame's width and the body's height bound.
func (d importDialog) SetSize(int, int) {}

// openImport puts the panel on the root's stack while it is to be shown.
func (m *Model) openImport() tea.Cmd {
	if !m.imp.shown {
		return nil
	}
	return dialog.Open(importDialog{m})
}

// importKey handles keys while the panel is up and reports whether it took
// the key. Once the import is over the panel is modal until enter or esc puts
// it away; while it runs, keys go to the screen.
func (m *Model) importKey(msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if m.imp.slot.Running() {
		return false, nil
	}
	if key.Matches(msg, m.keys.Dismiss) {
		m.imp.shown = false
		return true, dialog.CloseID(ImportDialog)
	}
	return true, nil
}

// importBox is the panel, as wide as the frame allows (the screen spans it)
// and no taller than the screen.
func (m *Model) importBox() string {
	w := min(80, m.width-2)
	if w < 20 {
		return ""
	}
	lines := m.importLines(w - 4) // the dialog's border and padding
	// Within the screen and inside the border; the last line says how to go on.
	if room := m.height - 3; len(lines) > room && room > 2 {
		cut := len(lines) - room + 1
		last := lines[len(lines)-1]
		lines = append(lines[:room-2], m.env.Styles.Faint.Render(fmt.Sprintf("… %d more lines", cut)), last)
	}
	for i := range lines {
		lines[i] = draw.Fit(lines[i], w-4)
	}
	return m.env.Styles.Dialog.Render(strings.Join(lines, "\n"))
}

// importLines is the panel's text, each line at most w wide: what each file
// became, then the one being read, then how to go on.
func (m *Model) importLines(w int) []string {
	st := m.env.Styles
	var lines []string
	// add wraps text under indent; a long path breaks where it must.
	add := func(style func(...string) string, indent, text string) {
		iw := ansi.StringWidth(indent)
		for i, l := range strings.Split(ansi.Wrap(text, w-iw, " /"), "\n") {
			if i == 1 {
				indent = strings.Repeat(" ", iw)
			}
			lines = append(lines, indent+style(l))
		}
	}
	for i, o := range m.imp.done {
		if i > 0 {
			lines = append(lines, "")
		}
		name := filepath.Base(o.path)
		if o.err != nil {
			add(st.Error.Render, "", "✗ Could not import "+name)
			add(st.Item.Render, "  ", importError(o.err, o.path))
			add(st.Muted.Render, "  ", "The rest of the workspace is as it was.")
			continue
		}
		// The first line says what became of the file, the rest how it was
		// read. The panel names files as the user typed them, not in full.
		summary := o.res.Summary()
		for i, l := range summary {
			l = strings.ReplaceAll(l, o.res.Path, name)
			if i == 0 {
				add(st.PanelTitle.Render, "", capitalize(l))
				continue
			}
			add(st.Item.Render, "  • ", l)
		}
		for _, e := range o.refreshed {
			add(st.Item.Render, "  • ", e.Sentence())
		}
		if o.refreshErr != nil {
			add(st.Error.Render, "  ✗ ", o.refreshErr.Error())
		}
	}
	switch {
	case m.imp.slot.Running():
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		title := "Importing " + filepath.Base(m.imp.current)
		if m.imp.attach {
			title = "Attaching " + filepath.Base(m.imp.current)
		}
		if n := len(m.imp.files); n > 1 {
			title += fmt.Sprintf(" (%d of %d)", m.imp.next, n)
		}
		add(st.PanelTitle.Render, "", title)
		info, _ := m.imp.slot.Info()
		elapsed := m.env.Now().Sub(info.Started)
		frames := spinner.MiniDot.Frames
		frame := frames[int(elapsed/spinner.MiniDot.FPS)%len(frames)]
		lines = append(lines, "", st.StatusBusy.Render(frame)+" "+st.Item.Render(m.imp.phase)+st.Muted.Render(fmt.Sprintf(" · %.1fs", elapsed.Seconds())))
		if m.imp.size > 0 {
			lines = append(lines, m.importBar(w)...)
		}
		lines = append(lines, "", st.Faint.Render("esc cancels: nothing of this file is saved until it is all read"))
	case m.imp.cancelled != "":
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		add(st.Warn.Render, "", "Import cancelled")
		add(st.Muted.Render, "  ", filepath.Base(m.imp.cancelled)+" was not imported: nothing of it was saved.")
		lines = append(lines, "", st.Faint.Render("enter or esc closes"))
	default:
		lines = append(lines, "", st.Faint.Render("enter or esc closes"))
	}
	return lines
}

// importBar shows how much of the file has been read through, by bytes as
// stored: for a multi-gigabyte file or a gzip bomb (whose rows are uncounted
// until the end) it is the one measure of how far along the import is.
func (m *Model) importBar(w int) []string {
	st := m.env.Styles
	frac := float64(m.imp.read) / float64(m.imp.size)
	bar := draw.HBar(frac, 1, w-2)
	return []string{
		"",
		" " + st.Bar.Render(bar) + st.Faint.Render(strings.Repeat("░", max(w-2-draw.Width(bar), 0))),
		" " + st.Number.Render(fmt.Sprintf("%s of %s read", byteSize(m.imp.read), byteSize(m.imp.size))) +
			st.Muted.Render(fmt.Sprintf("  %.0f%%", 100*frac)),
	}
}

// byteSize writes n bytes for reading: 512 B, 3.4 MB, 2.1 GB.
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", v, "kMGT"[i])
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// importError is the reason an import failed, without the "import PATH:"
// the panel already says.
func importError(err error, path string) string {
	msg := strings.TrimPrefix(err.Error(), "import "+path+": ")
	return strings.TrimPrefix(msg, "attach "+path+": ")
}
