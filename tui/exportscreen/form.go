package exportscreen

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/draw"
)

var fieldNames = [fieldCount]string{"segment", "channel", "audience", "new members only", "format", "destination", "columns"}

// schemaMsg brings what a table offers an export: its columns and the consent
// channels it can be gated on.
type schemaMsg struct {
	id         uint64
	table      string
	cols       []query.Column
	channels   []string
	consentErr error
	err        error
}

func (m *Model) onList(msg common.SegmentsMsg) tea.Cmd {
	before := m.segment()
	if !m.segs.Take(msg) {
		return nil
	}
	m.seg = 0
	for i, s := range m.segs.List {
		if s.Name == before.Name {
			m.seg = i
		}
	}
	now := m.segment()
	var aud tea.Cmd
	if now.Name != m.audiencesOf || now.Version != before.Version {
		aud = m.loadAudiences()
	}
	switch {
	case len(m.segs.List) == 0:
		return nil
	case now.Table != m.schemaOf:
		return tea.Batch(m.loadSchema(), aud)
	case now.Name == before.Name && now.Version == before.Version && m.preview != nil:
		// Nothing the form shows has changed: the last export's outcome stays.
		return nil
	}
	return tea.Batch(m.changed(), aud)
}

// segment is the chosen segment (the zero one when there are none).
func (m *Model) segment() segments.Segment {
	if m.seg < 0 || m.seg >= len(m.segs.List) {
		return segments.Segment{}
	}
	return m.segs.List[m.seg]
}

// loadSchema reads the chosen segment's table: its columns and its consent
// channels. A table without consent data can still be exported without a gate.
func (m *Model) loadSchema() tea.Cmd {
	table := m.segment().Table
	m.schemaOf = table
	ctx, id := m.env.Start(&m.schema, "reading the columns of "+table)
	ws, svc := m.env.WS, m.env.Consent
	return func() tea.Msg {
		cols, err := ws.Columns(ctx, table)
		if err != nil {
			return schemaMsg{id: id, table: table, err: err}
		}
		channels, cerr := svc.Channels(ctx, table)
		if cerr != nil && !errors.Is(cerr, consent.ErrNotConfigured) && ctx.Err() == nil {
			return schemaMsg{id: id, table: table, err: cerr}
		}
		return schemaMsg{id: id, table: table, cols: cols, channels: channels, consentErr: cerr}
	}
}

func (m *Model) onSchema(msg schemaMsg) tea.Cmd {
	if !m.schema.Finish(msg.id) {
		return nil
	}
	m.schemaErr = msg.err
	if msg.err != nil {
		m.schemaOf = ""
		return nil
	}
	gate := m.gate()
	m.cols, m.consentErr = msg.cols, msg.consentErr
	m.channels = append([]string{""}, msg.channels...)
	m.channel = max(slices.Index(m.channels, gate), 0)
	// Data minimization: nothing but the key is ticked until the analyst asks.
	m.chosen = map[string]bool{}
	m.colCursor, m.colOffset = 0, 0
	return m.changed()
}

// gate is the chosen consent channel, "" for none.
func (m *Model) gate() string {
	if m.channel < 0 || m.channel >= len(m.channels) {
		return ""
	}
	return m.channels[m.channel]
}

func (m *Model) chosenFormat() export.Format { return export.Formats[m.format] }

// customerMatch reports whether the format is an ad platform's upload file,
// whose columns are fixed and whose gate defaults to ads personalization.
func (m *Model) customerMatch() bool {
	f := m.chosenFormat()
	return f == export.GoogleAds || f == export.Meta
}

// effectiveGate is the channel the export will be gated on.
func (m *Model) effectiveGate() string {
	if g := m.gate(); g != "" || !m.customerMatch() {
		return g
	}
	return export.AdsChannel
}

// request is what the form asks for. The key and the ticked columns are named
// explicitly, so the exporter never widens an empty list to every column.
func (m *Model) request() export.Request {
	a := m.chosenAudience()
	req := export.Request{Segment: m.segment().Name, Format: m.chosenFormat(), Channel: m.gate(), Path: m.dest.Value(), Acknowledge: m.ack,
		Arm: a.arm, Priority: a.priority, OnlyNew: m.onlyNew}
	if m.customerMatch() {
		return req
	}
	key := m.segment().Key
	req.Columns = []string{key}
	for _, c := range m.cols {
		if m.chosen[c.Name] && c.Name != key {
			req.Columns = append(req.Columns, c.Name)
		}
	}
	return req
}

// defaultDest is ./<segment>-<channel> with the format's extension.
func (m *Model) defaultDest() string {
	gate := m.effectiveGate()
	if gate == "" {
		gate = "internal"
	}
	name := m.segment().Name
	switch a := m.chosenAudience(); {
	case a.arm != "":
		name += "-" + a.arm
	case a.priority != "":
		name += "-" + a.priority
	}
	if m.onlyNew {
		name += "-new"
	}
	return "./" + name + "-" + gate + export.Extension(m.chosenFormat())
}

// destProblem refuses a destination whose extension promises another format
// than the chosen one: a Parquet file named .csv opens as garbage.
func (m *Model) destProblem() error {
	return export.CheckExtension(m.dest.Value(), m.chosenFormat())
}

// isPII reports whether a column holds personal data.
func isPII(c query.Column) bool { return pii.ForColumn(c.Name, c.Type) != pii.None }

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case m.run.Running():
		// The form stays as the export found it; esc, handled by the console, cancels.
		return nil
	case m.confirm:
		return m.confirmKey(msg)
	}
	switch {
	case key.Matches(msg, k.Export):
		return m.start()
	case key.Matches(msg, k.NextField):
		return m.setFocus((m.focus + 1) % fieldCount)
	case key.Matches(msg, k.PrevField):
		return m.setFocus((m.focus + fieldCount - 1) % fieldCount)
	case m.focus == fieldDest:
		return m.destKey(msg)
	case m.focus == fieldColumns:
		return m.columnsKey(msg)
	case key.Matches(msg, k.Up):
		return m.setFocus(max(m.focus-1, 0))
	case key.Matches(msg, k.Down):
		return m.setFocus(m.focus + 1)
	case key.Matches(msg, k.Prev):
		return m.choose(-1)
	case key.Matches(msg, k.Next):
		return m.choose(1)
	}
	return nil
}

// destKey edits the destination; only the arrow keys leave it, since j and k
// are letters of a path.
func (m *Model) destKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "up":
		return m.setFocus(fieldFormat)
	case "down":
		return m.setFocus(fieldColumns)
	}
	return m.typeDest(msg)
}

func (m *Model) typeDest(msg tea.Msg) tea.Cmd {
	before := m.dest.Value()
	m.dest, _ = m.dest.Update(msg)
	if m.dest.Value() == before {
		return nil
	}
	// An emptied field follows the choices again from their next change.
	m.destEdited = m.dest.Value() != ""
	return m.edited()
}

func (m *Model) columnsKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		if m.colCursor == 0 {
			return m.setFocus(fieldDest)
		}
		m.colCursor--
	case key.Matches(msg, k.Down):
		m.colCursor = min(m.colCursor+1, len(m.cols)-1)
	case m.customerMatch():
	case key.Matches(msg, k.Toggle):
		if m.colCursor < len(m.cols) {
			c := m.cols[m.colCursor].Name
			if c != m.segment().Key {
				m.chosen[c] = !m.chosen[c]
				return m.changed()
			}
		}
	case key.Matches(msg, k.All):
		m.toggleAll()
		return m.changed()
	}
	m.follow()
	return nil
}

// toggleAll ticks every column but personal data, or, when any is ticked,
// clears them all: personal data is only ever ticked one by one.
func (m *Model) toggleAll() {
	ticked := false
	for _, on := range m.chosen {
		ticked = ticked || on
	}
	m.chosen = map[string]bool{}
	if ticked {
		return
	}
	for _, c := range m.cols {
		if !isPII(c) {
			m.chosen[c.Name] = true
		}
	}
}

// choose steps the focused choice field.
func (m *Model) choose(delta int) tea.Cmd {
	step := func(i, n int) int { return max(min(i+delta, n-1), 0) }
	switch m.focus {
	case fieldSegment:
		before := m.seg
		m.seg = step(m.seg, len(m.segs.List))
		if m.seg == before {
			return nil
		}
		aud := m.loadAudiences()
		if m.segment().Table != m.schemaOf {
			return tea.Batch(m.loadSchema(), aud)
		}
		return tea.Batch(m.changed(), aud)
	case fieldChannel:
		m.channel = step(m.channel, len(m.channels))
	case fieldAudience:
		m.audience = step(m.audience, len(m.audiences))
	case fieldNew:
		m.onlyNew = delta > 0
	case fieldFormat:
		m.format = step(m.format, len(export.Formats))
	default:
		return nil
	}
	return m.changed()
}

func (m *Model) setFocus(f field) tea.Cmd {
	m.focus = min(max(f, 0), fieldCount-1)
	if m.focus == fieldDest {
		m.dest.CursorEnd()
		return m.dest.Focus()
	}
	m.dest.Blur()
	return nil
}

// follow keeps the column cursor in view.
func (m *Model) follow() {
	n := len(m.cols)
	m.colCursor = max(min(m.colCursor, n-1), 0)
	m.colOffset = draw.Follow(m.colCursor, m.colOffset, n, m.columnRows())
}

// chosenColumns is how many columns the file will have, the key included.
func (m *Model) chosenColumns() int {
	n := 1
	for _, c := range m.cols {
		if m.chosen[c.Name] && c.Name != m.segment().Key {
			n++
		}
	}
	return n
}

// piiChosen names the personal-data columns ticked.
func (m *Model) piiChosen() []string {
	var out []string
	for _, c := range m.cols {
		if m.chosen[c.Name] && isPII(c) {
			out = append(out, c.Name)
		}
	}
	return out
}

// joinShort joins names, eliding after n of them.
func joinShort(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + " and " + strconv.Itoa(len(names)-n) + " more"
}
