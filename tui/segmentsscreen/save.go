package segmentsscreen

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/common"
)

type savedMsg struct {
	id   uint64
	seg  segments.Segment
	text string
	err  error
}

// nameProblem says what is wrong with a new segment's name, if anything.
func (m *Model) nameProblem() error {
	e := &m.editor
	if e.existing != nil {
		return nil
	}
	name := strings.TrimSpace(e.name.Value())
	if name == "" {
		return errors.New("name the segment")
	}
	if err := segments.ValidName(name); err != nil {
		return errors.New("use lowercase letters, digits and _, starting with a letter")
	}
	for _, it := range m.list.items {
		if it.seg.Name == name {
			return exists(name)
		}
	}
	return nil
}

func exists(name string) error {
	return fmt.Errorf("%s already exists: edit it from the list", name)
}

// saveSegment defines the segment, or its next version, in the store.
func (m *Model) saveSegment() tea.Cmd {
	e := &m.editor
	name := strings.TrimSpace(e.name.Value())
	text := strings.TrimSpace(e.ruleText())
	switch {
	case e.existing != nil:
		name = e.existing.Name
	case m.nameProblem() != nil:
		e.saveErr = m.nameProblem()
		e.setFocus(fieldName)
		return nil
	}
	switch {
	case e.table == "":
		e.saveErr = errors.New("no table can hold a segment yet: import one with a key column")
		return nil
	case text == "":
		e.saveErr = errors.New("write the rule that selects the segment's members")
		e.setFocus(fieldRule)
		return nil
	}
	def := segments.Definition{
		Name: name, Table: e.table, Rule: text,
		Description: strings.TrimSpace(e.desc.Value()), Reason: strings.TrimSpace(e.reason.Value()),
	}
	e.saveErr = nil
	ctx, id := m.env.Start(&m.save, "saving "+name)
	// The list may not have loaded yet, and another session may save the same
	// name meanwhile: the store decides in its write whether the name is free.
	store, mode := m.env.Store, segments.Update
	if e.existing == nil {
		mode = segments.Create
	}
	return func() tea.Msg {
		seg, err := store.Save(ctx, def, mode)
		if errors.Is(err, segments.ErrExists) {
			err = exists(name)
		}
		return savedMsg{id: id, seg: seg, text: text, err: err}
	}
}

func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	if !m.save.Finish(msg.id) {
		return nil
	}
	e := &m.editor
	if msg.err != nil {
		var re *rule.Error
		if errors.As(msg.err, &re) {
			e.check = check{text: msg.text, table: e.table, err: msg.err}
			e.setFocus(fieldRule)
			e.follow(m.env.Styles)
		}
		e.saveErr = msg.err
		return nil
	}
	m.view = viewList
	e.rule.Blur()
	text := fmt.Sprintf("Saved %s, version %d", msg.seg.Name, msg.seg.Version)
	return tea.Batch(m.reload(msg.seg.Name), common.Notice(text))
}
