// Package subjectform is the console's data-subject request: find one person
// by email, phone or key (a key with its table) and read where they are —
// tables, rows, consent, segments, the exports they were in — masked as the
// grid masks personal data until revealed (an audited reveal), then erase
// them with a reason after a confirmation. It does what `segscope subject
// find|erase` does, through segments/subject, whose Erase changes nothing
// unless all of it succeeds.
//
// The root owns one Form, offered from the palette on every screen: its jobs'
// results reach it as they reach the screens, and its dialog on the root's
// stack hands it keys and draws it.
package subjectform

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/subject"
	"github.com/segscope/segscope/segments/suppress"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// DialogID names the form on the root's dialog stack; ConfirmID the erasure's
// confirmation in front of it.
const (
	DialogID  = "subject"
	ConfirmID = "subject.erase"
)

type field int

const (
	fieldKind field = iota
	fieldValue
	fieldTable // only for a key
	fieldReason
	fieldCount
)

var fieldLabels = [fieldCount]string{"Find by", "Value", "Table", "Reason"}

var fieldHints = [fieldCount]string{
	"email, phone number or key: read as the suppression lists read it (case and spaces do not matter)",
	"the person's email address, phone number (with its country code) or key",
	"a key names a row of one table only: the table it is a key of",
	"for an erasure: why, the request's reference say; it goes in the audit log",
}

var kinds = []suppress.Kind{suppress.Email, suppress.Phone, suppress.Key}

// Form is the request's state. Its zero value is closed; New builds one.
type Form struct {
	env  *common.Env
	keys KeyMap
	task.Jobs
	load, find, reveal, erase task.Slot

	open   bool
	tables []query.TableInfo

	kind, table   int
	value, reason textinput.Model
	focus         field

	// found is the last answer, for asked (the person as typed then);
	// personal says which of its tables' keys are personal data.
	found    *subject.Found
	asked    subject.Person
	personal map[string]bool
	revealed bool
	erased   *subject.Erased

	err   error
	width int
}

// New builds the closed form.
func New(env *common.Env) *Form {
	f := &Form{env: env, keys: DefaultKeyMap()}
	f.Jobs = task.Jobs{&f.erase, &f.find, &f.reveal, &f.load}
	f.value = dialog.TextInput("ana@example.com", 320)
	f.reason = dialog.TextInput("DSR-2291: the person asked to be erased", 320)
	f.SetStyles(env.Styles)
	return f
}

// SetStyles switches the text fields' theme.
func (f *Form) SetStyles(st *styles.Styles) {
	for _, in := range []*textinput.Model{&f.value, &f.reason} {
		in.SetStyles(draw.InputStyles(st))
	}
}

// Open shows the form empty, reading the workspace's tables (for a key's table).
func (f *Form) Open() tea.Cmd {
	f.open, f.err, f.focus, f.kind, f.table = true, nil, fieldValue, 0, 0
	f.found, f.erased, f.revealed, f.personal = nil, nil, false, nil
	f.value.SetValue("")
	f.reason.SetValue("")
	f.syncFocus()
	ctx, id := f.env.Start(&f.load, "reading the tables")
	ws := f.env.WS
	return tea.Batch(dialog.Open(dialog.NewForm(DialogID, f)), func() tea.Msg {
		tables, err := ws.Tables(ctx)
		return loadedMsg{id: id, tables: tables, err: err}
	})
}

// IsOpen reports whether the form is up.
func (f *Form) IsOpen() bool { return f.open }

type loadedMsg struct {
	id     uint64
	tables []query.TableInfo
	err    error
}

type foundMsg struct {
	id       uint64
	person   subject.Person
	found    *subject.Found
	personal map[string]bool
	err      error
}

type revealedMsg struct {
	id  uint64
	err error
}

type erasedMsg struct {
	id     uint64
	erased *subject.Erased
	err    error
}

// Update takes the form's own results; other messages pass it by.
func (f *Form) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if f.load.Finish(msg.id) {
			f.tables, f.err = msg.tables, msg.err
		}
	case foundMsg:
		if !f.find.Finish(msg.id) {
			return nil
		}
		f.err = msg.err
		if msg.err == nil {
			f.found, f.asked, f.personal, f.revealed, f.erased = msg.found, msg.person, msg.personal, false, nil
		}
	case revealedMsg:
		if !f.reveal.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			return common.Fail(fmt.Errorf("the report stays masked: could not write the audit entry: %w", msg.err))
		}
		f.revealed = true
		return common.Notice("the person's data is revealed; the reveal is recorded in the audit log")
	case erasedMsg:
		if !f.erase.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			f.err = msg.err
			return nil
		}
		f.erased, f.found, f.revealed = msg.erased, nil, false
		return common.Notice(erasedSentence(msg.erased))
	}
	return nil
}

// person is whom the form names now.
func (f *Form) person() (subject.Person, error) {
	p := subject.Person{Kind: kinds[f.kind], Value: strings.TrimSpace(f.value.Value())}
	if p.Value == "" {
		return p, fmt.Errorf("type the person's %s to look for", p.Kind)
	}
	if p.Kind == suppress.Key {
		if len(f.tables) == 0 {
			return p, errors.New("the workspace has no tables to look a key up in")
		}
		p.Table = f.tables[f.table].Name
	}
	return p, nil
}

// submit finds the person, off the UI goroutine.
func (f *Form) submit() tea.Cmd {
	p, err := f.person()
	if err != nil {
		f.err = err
		return nil
	}
	f.err = nil
	ctx, id := f.env.Start(&f.find, "looking for the person")
	ws, svc := f.env.WS, f.env.Consent
	return func() tea.Msg {
		found, err := subject.New(ws, svc).Find(ctx, p)
		if err != nil {
			return foundMsg{id: id, err: err}
		}
		// Shown as it was matched: " ANA@Example.com" is ana@example.com.
		if norm, err := suppress.Normalize(p.Kind, p.Value, p.Region); err == nil {
			p.Value = norm
		}
		// A key is masked where its column is personal data (a key of emails).
		personal := map[string]bool{}
		for _, t := range found.Tables {
			info, err := ws.Table(ctx, t.Table)
			if err != nil {
				return foundMsg{id: id, err: err}
			}
			kinds, err := ws.PersonalData(ctx, t.Table)
			if err != nil {
				return foundMsg{id: id, err: err}
			}
			personal[t.Table] = info.Key != "" && kinds[info.Key] != pii.None
		}
		return foundMsg{id: id, person: p, found: found, personal: personal}
	}
}

// toggleReveal masks the report again, or reveals it once the reveal's audit
// entry is written, as the grid reveals a column.
func (f *Form) toggleReveal() tea.Cmd {
	switch {
	case f.found == nil:
		return nil
	case f.revealed:
		f.revealed = false
		return common.Notice("the person's data is masked again")
	}
	ctx, id := f.env.Start(&f.reveal, "recording the reveal")
	ws, p := f.env.WS, f.asked
	details := map[string]string{"kind": string(p.Kind), "seen_in": "subject request"}
	if p.Table != "" {
		details["table"] = p.Table
	}
	return func() tea.Msg {
		return revealedMsg{id: id, err: ws.Audit(ctx, query.ActionPIIReveal, "subject request", details)}
	}
}

// askErase asks, in a danger confirmation, to erase the person found; it
// needs a reason first, and a person found.
func (f *Form) askErase() tea.Cmd {
	reason := strings.TrimSpace(f.reason.Value())
	switch {
	case f.found == nil:
		f.err = errors.New("find the person first (enter): the erasure deletes what the report shows")
		return nil
	case len(f.found.Tables) == 0:
		f.err = fmt.Errorf("nobody in the workspace has that %s: there is nothing to erase", f.asked.Kind)
		return nil
	case reason == "":
		f.err = errors.New("say why in Reason (the request's reference, say): the erasure is audited")
		f.focus = fieldReason
		f.syncFocus()
		return nil
	}
	f.err = nil
	p, rows, tables := f.asked, int64(0), make([]string, 0, len(f.found.Tables))
	for _, t := range f.found.Tables {
		rows += t.Rows
		tables = append(tables, t.Table)
	}
	yes := key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "erase"))
	no := key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep"))
	shown := f.shownValue()
	return dialog.Open(dialog.NewConfirm(ConfirmID, f.env.Styles, true, yes, no, func() tea.Cmd { return f.startErase(p, reason) },
		func(st *styles.Styles, w int) []string {
			return []string{
				st.Error.Render("Erase " + shown + "?"),
				"",
				draw.Fit(fmt.Sprintf("%s in %s are deleted, and the %s goes on the erasure list so a re-import cannot bring them back.",
					counts.Of(rows, "row", "rows"), strings.Join(tables, ", "), p.Kind), w),
				st.Muted.Render(draw.Fit("This cannot be undone. Reason: "+reason, w)),
			}
		}))
}

func (f *Form) startErase(p subject.Person, reason string) tea.Cmd {
	ctx, id := f.env.Start(&f.erase, "erasing the person")
	ws, svc := f.env.WS, f.env.Consent
	return func() tea.Msg {
		erased, err := subject.New(ws, svc).Erase(ctx, p, reason)
		return erasedMsg{id: id, erased: erased, err: err}
	}
}

func erasedSentence(e *subject.Erased) string {
	var rows int64
	tables := make([]string, 0, len(e.Rows))
	for t, n := range e.Rows {
		rows += n
		tables = append(tables, t)
	}
	slices.Sort(tables)
	listed := "on the erasure list"
	if e.Listed > 0 {
		listed = "added to the erasure list"
	}
	return fmt.Sprintf("erased: %s deleted from %s; %s; recorded in the audit log", counts.Of(rows, "row", "rows"),
		strings.Join(tables, ", "), listed)
}

// fields are the fields shown now, in order.
func (f *Form) fields() []field {
	out := []field{fieldKind, fieldValue}
	if kinds[f.kind] == suppress.Key {
		out = append(out, fieldTable)
	}
	return append(out, fieldReason)
}

func (f *Form) input(fl field) *textinput.Model {
	switch fl {
	case fieldValue:
		return &f.value
	case fieldReason:
		return &f.reason
	}
	return nil
}

func (f *Form) syncFocus() {
	dialog.FocusOnly(f.input(f.focus), &f.value, &f.reason)
}

func (f *Form) move(by int) {
	f.focus = dialog.Cycle(f.fields(), f.focus, by)
	f.syncFocus()
}

func (f *Form) choose(by int) tea.Cmd {
	switch f.focus {
	case fieldKind:
		f.kind = dialog.Step(f.kind, by, len(kinds))
	case fieldTable:
		f.table = dialog.Step(f.table, by, len(f.tables))
	}
	return nil
}

// Key handles a key press while the form is in front.
func (f *Form) Key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, f.keys.Close):
		if f.erase.Running() {
			return nil // an erasure is one transaction: it finishes, and says so
		}
		if f.find.Cancel() {
			return nil
		}
		f.open = false
		f.load.Cancel()
		f.reveal.Cancel()
		return nil
	case f.erase.Running():
		return nil
	case key.Matches(msg, f.keys.Find):
		return f.submit()
	case key.Matches(msg, f.keys.Reveal):
		return f.toggleReveal()
	case key.Matches(msg, f.keys.Erase):
		return f.askErase()
	}
	return f.keys.Navigate(msg, f.move, f.input(f.focus), f.choose)
}

// Paste goes into the focused text field.
func (f *Form) Paste(msg tea.PasteMsg) tea.Cmd {
	if f.erase.Running() {
		return nil
	}
	cmd, _ := dialog.Type(f.input(f.focus), msg)
	return cmd
}
