package datascreen

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/task"
)

// keyPicker lists the open table's key candidates with the verdict on each,
// and sets the one chosen.
type keyPicker struct {
	open    bool
	table   string
	cands   []query.KeyCandidate
	cursor  int
	offset  int
	err     error // why the list could not be read, or the key not set
	pending string

	list, set task.Slot
}

type keyCandidatesMsg struct {
	id    uint64
	cands []query.KeyCandidate
	err   error
}

type keySetMsg struct {
	id            uint64
	table, column string
	err           error
}

// KeyPickerDialog names the key picker on the root's dialog stack.
const KeyPickerDialog = "data.key"

// openKeyPicker asks for the open table's key candidates and opens the
// picker over the console.
func (m *Model) openKeyPicker() tea.Cmd {
	if !m.ready {
		return nil
	}
	p := &m.keyp
	p.set.Cancel()
	p.open, p.table, p.cands, p.cursor, p.offset, p.err, p.pending = true, m.table.Name, nil, 0, 0, nil, ""
	ctx, id := m.env.Start(&p.list, "judging the key columns of "+p.table)
	ws, table := m.env.WS, p.table
	return tea.Batch(dialog.Open(keyPickerDialog{m}), func() tea.Msg {
		cands, err := ws.KeyCandidates(ctx, table)
		return keyCandidatesMsg{id: id, cands: cands, err: err}
	})
}

// keyPickerDialog is the key picker on the root's stack. Its state stays in
// the screen, where the candidates and the key's change arrive; the dialog
// hands it the keys and draws it.
type keyPickerDialog struct{ m *Model }

func (d keyPickerDialog) ID() string       { return KeyPickerDialog }
func (d keyPickerDialog) SetSize(int, int) {}
func (d keyPickerDialog) View() string     { return d.m.keyPickerBox() }

// Closed closes the picker when the root drops the dialog (the analyst left
// for another screen, or clicked outside it), and stops the candidates' read.
func (d keyPickerDialog) Closed() {
	d.m.keyp.open = false
	d.m.keyp.list.Cancel()
}

// ShortHelp is the picker's keys, for the hints line.
func (d keyPickerDialog) ShortHelp() []key.Binding { return keyPickerHelp(d.m.keys).ShortHelp() }

// Update gives the key to the picker; once the picker has closed, so does the
// dialog. Esc first stops what the picker waits for, as it would on the screen.
func (d keyPickerDialog) Update(msg tea.Msg) dialog.Action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	var cmd tea.Cmd
	if !key.Matches(k, d.m.keys.PickerClose) || !d.m.cancelKeyPicker() {
		cmd = d.m.keyPickerKey(k)
	}
	if !d.m.keyp.open {
		return dialog.Run{Fn: func() tea.Cmd { return cmd }}
	}
	return dialog.Cmd{Cmd: cmd}
}

func (m *Model) onKeyCandidates(msg keyCandidatesMsg) tea.Cmd {
	p := &m.keyp
	if !p.list.Finish(msg.id) {
		return nil
	}
	p.cands, p.err = msg.cands, msg.err
	p.cursor = 0
	return nil
}

// cancelKeyPicker stops what the picker waits for; with nothing running Esc
// is left to close it.
func (m *Model) cancelKeyPicker() bool {
	p := &m.keyp
	if p.list.Cancel() {
		p.open = false
		return true
	}
	if p.set.Cancel() {
		p.pending = ""
		return true
	}
	return false
}

func (m *Model) keyPickerKey(msg tea.KeyPressMsg) tea.Cmd {
	p := &m.keyp
	g := m.keys.Grid
	if p.set.Running() {
		return nil // one change at a time; esc reaches Cancel first
	}
	switch {
	case key.Matches(msg, m.keys.PickerClose):
		p.open = false
	case key.Matches(msg, g.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, g.Down):
		p.cursor = max(min(p.cursor+1, len(p.cands)-1), 0)
	case key.Matches(msg, g.Top):
		p.cursor = 0
	case key.Matches(msg, g.Bottom):
		p.cursor = max(len(p.cands)-1, 0)
	case key.Matches(msg, m.keys.PickerUse):
		if p.cursor < len(p.cands) {
			return m.setKey(p.cands[p.cursor])
		}
	}
	p.offset = draw.Follow(p.cursor, p.offset, len(p.cands), m.keyRows())
	return nil
}

// keyRows is how many candidates the picker shows at once: the screen's
// height less the picker's border, title, the reason in full, an error line
// and the footer.
func (m *Model) keyRows() int { return max(m.height-14, 3) }

// setKey makes c the table's key, unless it cannot be one.
func (m *Model) setKey(c query.KeyCandidate) tea.Cmd {
	p := &m.keyp
	switch {
	case c.Chosen:
		p.open = false
		return common.Notice(c.Column + " is already the key of " + p.table)
	case !c.Usable:
		p.err = fmt.Errorf("%s can't be the key: %s", c.Column, c.Reason)
		return nil
	}
	p.err, p.pending = nil, c.Column
	ctx, id := m.env.Start(&p.set, "making "+c.Column+" the key of "+p.table)
	ws, table, column := m.env.WS, p.table, c.Column
	return func() tea.Msg {
		err := ws.SetKey(ctx, table, column)
		return keySetMsg{id: id, table: table, column: column, err: err}
	}
}

func (m *Model) onKeySet(msg keySetMsg) tea.Cmd {
	p := &m.keyp
	if !p.set.Finish(msg.id) {
		return nil
	}
	p.pending = ""
	if msg.err != nil {
		p.err = msg.err
		return nil
	}
	p.open = false
	done := dialog.CloseID(KeyPickerDialog)
	text := msg.column + " is now the key of " + msg.table
	if !m.hasColumn(msg.column) {
		text += " (a column added by segscope: the row's position in the file)"
	}
	// The table's rows may have gained a column, and every view of it the
	// key's frozen place: read it again from the list of tables.
	m.wantTable = msg.table
	m.forget()
	return tea.Batch(done, common.Notice(text), m.listTables())
}

func (m *Model) hasColumn(name string) bool {
	for _, c := range m.columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

// keyPickerBox draws the picker's box.
func (m *Model) keyPickerBox() string {
	st := m.env.Styles
	p := &m.keyp
	w := min(90, m.width-2) - 4 // the dialog's border and padding
	if w < 20 {
		return ""
	}
	lines := []string{st.PanelTitle.Render("Key of "+p.table) + st.Muted.Render(" · the column that tells customers apart"), ""}
	switch {
	case p.list.Running():
		lines = append(lines, st.Muted.Render("judging the columns of "+p.table+"…"))
	case len(p.cands) == 0 && p.err == nil:
		lines = append(lines, st.Muted.Render(p.table+" has no columns to choose from."))
	default:
		rows := m.keyRows()
		first := draw.Follow(p.cursor, p.offset, len(p.cands), rows) // a resize may have moved it
		nameW := 0
		for _, c := range p.cands {
			nameW = max(nameW, draw.Width(c.Column))
		}
		nameW = min(nameW, w/3)
		for i := first; i < min(first+rows, len(p.cands)); i++ {
			lines = append(lines, m.candidateLine(p.cands[i], i == p.cursor, nameW, w))
		}
		if n := len(p.cands); n > rows {
			lines = append(lines, st.Faint.Render(fmt.Sprintf("%d–%d of %d columns", first+1, min(first+rows, n), n)))
		}
		// A reason cut to fit its row is read in full here.
		if c := p.cands[min(p.cursor, len(p.cands)-1)]; draw.Width(shownReason(c)) > w-nameW-4 {
			lines = append(lines, "")
			for _, l := range strings.Split(ansi.Wrap(c.Column+": "+c.Reason, w, " "), "\n") {
				lines = append(lines, st.Muted.Render(l))
			}
		}
	}
	if p.err != nil {
		lines = append(lines, "", st.Error.Render(draw.Fit("✗ "+p.err.Error(), w)))
	}
	foot := "↑/↓ choose · enter make it the key · esc close"
	if p.pending != "" {
		foot = "making " + p.pending + " the key… · esc cancels"
	}
	lines = append(lines, "", st.Faint.Render(foot))
	for i := range lines {
		lines[i] = draw.Fit(lines[i], w)
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

// candidateLine is one column: a mark for the key in use, its name, and why
// it is or is not fit to be the key.
func (m *Model) candidateLine(c query.KeyCandidate, cursor bool, nameW, w int) string {
	st := m.env.Styles
	mark := "  "
	if c.Chosen {
		mark = "● "
	}
	reason := shownReason(c)
	text := mark + draw.Fit(c.Column, nameW) + "  " + reason
	switch {
	case cursor:
		return st.Selected.Render(draw.Fit(text, w))
	case c.Chosen:
		return st.ItemActive.Render(mark+draw.Fit(c.Column, nameW)) + "  " + st.Accent.Render(draw.Fit(reason, w-nameW-4))
	case c.Usable:
		return st.Item.Render(mark+draw.Fit(c.Column, nameW)) + "  " + st.Muted.Render(draw.Fit(reason, w-nameW-4))
	}
	return st.Faint.Render(draw.Fit(text, w))
}

func shownReason(c query.KeyCandidate) string {
	if c.Chosen {
		return "the key now · " + c.Reason
	}
	return c.Reason
}
