// Package eventsetup is the console's form for setting up an event table:
// which table holds events, whose (the key), when (the time), of which
// audience (an existing table, or a new one made from the events), with an
// optional amount and the reason for the audit log. It does what
// `segscope events setup` does, through segments/events, whose Setup
// changes nothing unless all of it succeeds.
//
// The root owns one Form: its jobs' results reach it as they reach the
// screens, and its dialog on the root's stack hands it keys and draws it.
package eventsetup

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/colname"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/task"
)

// DialogID names the form on the root's dialog stack.
const DialogID = "events.setup"

type field int

const (
	fieldTable field = iota
	fieldKey
	fieldTime
	fieldAudience
	fieldNewName // only while the audience is a new table
	fieldAmount
	fieldReason
	fieldCount
)

var fieldLabels = [fieldCount]string{"Table", "Key", "Time", "Audience", "New name", "Amount", "Reason"}

var fieldHints = [fieldCount]string{
	"the table whose rows are events (orders, views, logins)",
	"the column that says whose event each row is",
	"the column with each event's date or time; windows and last() need one",
	"the table of the people the events belong to, or a new one made from the events",
	"the name of the table of people to make: one row per key, with first_seen, last_seen, events",
	"optional: what an event is worth, over its number columns (Quantity * UnitPrice)",
	"optional: why, for the audit log",
}

// Form is the setup form's state. Its zero value is closed; New builds one.
type Form struct {
	env  *common.Env
	keys KeyMap
	task.Jobs
	load, cols, save task.Slot

	open    bool
	want    string // the table the form was opened for
	tables  []query.TableInfo
	entries []events.Entry
	columns []query.Column
	colsOf  string // the table columns belongs to

	table, key, time, audience int
	newName, amount, reason    textinput.Model
	focus                      field

	err   error // what the last load or setup said
	width int
}

// New builds the closed form.
func New(env *common.Env) *Form {
	f := &Form{env: env, keys: DefaultKeyMap()}
	f.Jobs = task.Jobs{&f.save, &f.load, &f.cols}
	f.newName = dialog.TextInput("customers", 500)
	f.amount = dialog.TextInput("none (Quantity * UnitPrice)", 500)
	f.reason = dialog.TextInput("why, for the audit log", 500)
	f.SetStyles(env.Styles)
	return f
}

// SetStyles switches the text fields' theme.
func (f *Form) SetStyles(st *styles.Styles) {
	for _, in := range []*textinput.Model{&f.newName, &f.amount, &f.reason} {
		in.SetStyles(draw.InputStyles(st))
	}
}

// Open shows the form for table ("" for the first table that looks like
// events), reading the workspace's tables and event tables first.
func (f *Form) Open(table string) tea.Cmd {
	f.save.Cancel()
	f.open, f.want, f.err, f.focus = true, table, nil, fieldTable
	f.tables, f.entries, f.columns, f.colsOf = nil, nil, nil, ""
	f.newName.SetValue("")
	f.amount.SetValue("")
	f.reason.SetValue("")
	f.syncFocus()
	ctx, id := f.env.Start(&f.load, "reading the tables")
	ws := f.env.WS
	return tea.Batch(dialog.Open(dialog.NewForm(DialogID, f)), func() tea.Msg {
		tables, err := ws.Tables(ctx)
		if err != nil {
			return loadedMsg{id: id, err: err}
		}
		entries, err := events.List(ctx, ws)
		return loadedMsg{id: id, tables: tables, entries: entries, err: err}
	})
}

// IsOpen reports whether the form is up.
func (f *Form) IsOpen() bool { return f.open }

type loadedMsg struct {
	id      uint64
	tables  []query.TableInfo
	entries []events.Entry
	err     error
}

type columnsMsg struct {
	id    uint64
	table string
	cols  []query.Column
	err   error
}

type savedMsg struct {
	id    uint64
	entry events.Entry
	err   error
}

// Update takes the form's own results; other messages pass it by.
func (f *Form) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if !f.load.Finish(msg.id) {
			return nil
		}
		f.tables, f.entries, f.err = msg.tables, msg.entries, msg.err
		if msg.err != nil {
			return nil
		}
		if len(f.tables) == 0 {
			f.err = errors.New("the workspace has no tables yet: import the events first (segscope import FILE)")
			return nil
		}
		f.table = f.pickTable()
		return f.loadColumns()
	case columnsMsg:
		if !f.cols.Finish(msg.id) {
			return nil
		}
		f.err = msg.err
		if msg.err == nil {
			f.columns, f.colsOf = msg.cols, msg.table
			f.prefill()
		}
	case savedMsg:
		if !f.save.Finish(msg.id) {
			return nil
		}
		if msg.err != nil {
			f.err = msg.err
			return nil
		}
		f.open = false
		changed := common.EventsChangedMsg{Table: msg.entry.Table, Audience: msg.entry.Audience}
		return tea.Batch(dialog.CloseID(DialogID), common.Notice(msg.entry.Sentence()), func() tea.Msg { return changed })
	}
	return nil
}

// pickTable is the table asked for, or else the first that may hold events
// and is not set up yet, or else the first set up, or else the first.
func (f *Form) pickTable() int {
	for i, t := range f.tables {
		if t.Name == f.want {
			return i
		}
	}
	// A table without a key of its own has many rows per anything in it.
	for i, t := range f.tables {
		if t.Key == query.SurrogateKey && f.entry(t.Name) == nil {
			return i
		}
	}
	// Else one set up already, to change its setup.
	for i, t := range f.tables {
		if f.entry(t.Name) != nil {
			return i
		}
	}
	return 0
}

func (f *Form) entry(table string) *events.Entry {
	for i := range f.entries {
		if f.entries[i].Table == table {
			return &f.entries[i]
		}
	}
	return nil
}

func (f *Form) loadColumns() tea.Cmd {
	f.columns, f.colsOf = nil, ""
	name := f.tables[f.table].Name
	ctx, id := f.env.Start(&f.cols, "reading the columns of "+name)
	ws := f.env.WS
	return func() tea.Msg {
		cols, err := ws.Columns(ctx, name)
		return columnsMsg{id: id, table: name, cols: cols, err: err}
	}
}

// prefill fills the choices for the table just read: its setup if it has
// one, else the best guess (see Suggest).
func (f *Form) prefill() {
	name := f.colsOf
	f.key, f.time, f.audience = 0, 0, len(f.audiences())
	f.amount.SetValue("")
	if e := f.entry(name); e != nil {
		f.key = max(slices.IndexFunc(f.columns, func(c query.Column) bool { return c.Name == e.Key }), 0)
		f.time = max(slices.Index(f.times(), e.Time), 0)
		if i := slices.Index(f.audiences(), e.Audience); i >= 0 && !e.Derived {
			f.audience = i
		} else {
			f.newName.SetValue(e.Audience)
		}
		f.amount.SetValue(e.Amount)
		return
	}
	keyCol, audience, _ := Suggest(name, f.columns, f.tables)
	if i := slices.IndexFunc(f.columns, func(c query.Column) bool { return c.Name == keyCol }); i >= 0 {
		f.key = i
	}
	if times := f.times(); len(times) > 1 {
		f.time = 1 // the first time column rather than none
	}
	if i := slices.Index(f.audiences(), audience); i >= 0 {
		f.audience = i
	} else {
		f.newName.SetValue(newAudienceName(f.columns[f.key].Name, name, f.tables))
	}
}

// times are the time column choices: none, then the table's dates and times.
func (f *Form) times() []string {
	out := []string{""}
	for _, c := range f.columns {
		if t := strings.ToUpper(c.Type); t == "DATE" || strings.HasPrefix(t, "TIMESTAMP") {
			out = append(out, c.Name)
		}
	}
	return out
}

// audiences are the tables the events may belong to: every other table. The
// choice after the last is a new table made from the events.
func (f *Form) audiences() []string {
	var out []string
	for i, t := range f.tables {
		if i != f.table {
			out = append(out, t.Name)
		}
	}
	return out
}

func (f *Form) newAudience() bool { return f.audience >= len(f.audiences()) }

// config is the setup the form describes now.
func (f *Form) config() events.Config {
	c := events.Config{Table: f.colsOf, Amount: strings.TrimSpace(f.amount.Value())}
	if f.key < len(f.columns) {
		c.Key = f.columns[f.key].Name
	}
	if times := f.times(); f.time < len(times) {
		c.Time = times[f.time]
	}
	if f.newAudience() {
		c.Audience = strings.TrimSpace(f.newName.Value())
	} else {
		c.Audience = f.audiences()[f.audience]
	}
	return c
}

// submit sets the events up as the form says, off the UI goroutine.
func (f *Form) submit() tea.Cmd {
	if f.colsOf == "" || f.save.Running() {
		return nil
	}
	c := f.config()
	if f.newAudience() && c.Audience == "" {
		f.err = errors.New("name the table of people to make from the events (New name), or choose an audience table")
		f.focus = fieldNewName
		f.syncFocus()
		return nil
	}
	f.err = nil
	opts := events.Options{Reason: strings.TrimSpace(f.reason.Value())}
	ctx, id := f.env.Start(&f.save, "setting up "+c.Table+" as events of "+c.Audience)
	ws := f.env.WS
	return func() tea.Msg {
		e, err := events.Setup(ctx, ws, c, opts)
		return savedMsg{id: id, entry: e, err: err}
	}
}

// fields are the fields shown now, in order.
func (f *Form) fields() []field {
	out := []field{fieldTable, fieldKey, fieldTime, fieldAudience}
	if f.newAudience() {
		out = append(out, fieldNewName)
	}
	return append(out, fieldAmount, fieldReason)
}

func (f *Form) input(fl field) *textinput.Model {
	switch fl {
	case fieldNewName:
		return &f.newName
	case fieldAmount:
		return &f.amount
	case fieldReason:
		return &f.reason
	}
	return nil
}

func (f *Form) syncFocus() {
	dialog.FocusOnly(f.input(f.focus), &f.newName, &f.amount, &f.reason)
}

func (f *Form) move(by int) {
	f.focus = dialog.Cycle(f.fields(), f.focus, by)
	f.syncFocus()
}

// choose moves the focused choice by one; the table's change reads its columns.
func (f *Form) choose(by int) tea.Cmd {
	switch f.focus {
	case fieldTable:
		if len(f.tables) == 0 {
			return nil
		}
		f.table = dialog.Step(f.table, by, len(f.tables))
		return f.loadColumns()
	case fieldKey:
		f.key = dialog.Step(f.key, by, len(f.columns))
	case fieldTime:
		f.time = dialog.Step(f.time, by, len(f.times()))
	case fieldAudience:
		f.audience = dialog.Step(f.audience, by, len(f.audiences())+1)
		if f.newAudience() && f.newName.Value() == "" && f.key < len(f.columns) {
			f.newName.SetValue(newAudienceName(f.columns[f.key].Name, f.colsOf, f.tables))
		}
	}
	return nil
}

// Key handles a key press while the form is in front.
func (f *Form) Key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, f.keys.Close):
		if f.save.Cancel() {
			f.err = errors.New("cancelled: nothing was set up")
			return nil
		}
		f.open = false
		f.load.Cancel()
		f.cols.Cancel()
		return nil
	case f.save.Running():
		return nil // one setup at a time; esc cancels it
	case key.Matches(msg, f.keys.Submit):
		return f.submit()
	}
	return f.keys.Navigate(msg, f.move, f.input(f.focus), f.choose)
}

// Paste goes into the focused text field.
func (f *Form) Paste(msg tea.PasteMsg) tea.Cmd {
	if f.save.Running() {
		return nil
	}
	cmd, _ := dialog.Type(f.input(f.focus), msg)
	return cmd
}

// Suggest guesses how table, with columns cols, holds events, from the
// workspace's tables: a column named as another table's key is the key, and
// that table the audience. ok says whether table looks like events at all:
// one of its columns names the people of another table, and is not its own
// key, so a person may have many rows. Failing that, keyCol is a column
// named like an ID that is not the table's key.
func Suggest(table string, cols []query.Column, tables []query.TableInfo) (keyCol, audience string, ok bool) {
	own := ""
	for _, t := range tables {
		if t.Name == table {
			own = t.Key
		}
	}
	for _, t := range tables {
		if t.Name == table || t.Key == "" || t.Key == query.SurrogateKey || t.Key == own {
			continue
		}
		for _, c := range cols {
			if c.Name == t.Key {
				return c.Name, t.Name, true
			}
		}
	}
	for _, c := range cols {
		w := colname.Words(c.Name)
		if c.Name != own && len(w) > 1 && w[len(w)-1] == "id" {
			return c.Name, "", false
		}
	}
	return "", "", false
}

// newAudienceName names the audience made from the events after their key
// (customer_id: customers), or after the table when that is taken.
func newAudienceName(keyCol, table string, tables []query.TableInfo) string {
	taken := func(n string) bool {
		return slices.ContainsFunc(tables, func(t query.TableInfo) bool { return strings.EqualFold(t.Name, n) })
	}
	w := colname.Words(keyCol)
	if len(w) > 1 && w[len(w)-1] == "id" {
		if n := strings.Join(w[:len(w)-1], "_") + "s"; !taken(n) {
			return n
		}
	}
	n := table + "_people"
	for i := 2; taken(n); i++ {
		n = fmt.Sprintf("%s_people_%d", table, i)
	}
	return n
}
