package exportscreen

import (
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments/priority"
	"github.com/segscope/segscope/segments/split"
)

// An export may be narrowed to part of its segment, as the CLI's --arm, --step
// and --only-new do: the Audience field offers the whole segment, each arm of
// its split and its step of each priority list it is in; the New field, every
// member or only those not in the last export of the same audience.

// audience is one choice of the Audience field.
type audience struct {
	arm, priority string
	label, note   string
}

var wholeSegment = audience{label: "whole segment"}

// audiencesMsg is what a segment can be narrowed to.
type audiencesMsg struct {
	id      uint64
	segment string
	choices []audience
	err     error
}

// loadAudiences reads the chosen segment's split and the priority lists it is
// a step of.
func (m *Model) loadAudiences() tea.Cmd {
	name := m.segment().Name
	m.audiences, m.audience, m.audiencesOf = []audience{wholeSegment}, 0, name
	if name == "" {
		return nil
	}
	ctx, id := m.env.Start(&m.aud, "reading the arms and priority lists of "+name)
	ws := m.env.WS
	return func() tea.Msg {
		msg := audiencesMsg{id: id, segment: name, choices: []audience{wholeSegment}}
		sp, err := split.New(ws).Get(ctx, name)
		switch {
		case errors.Is(err, split.ErrNoSplit):
		case err != nil:
			msg.err = err
			return msg
		default:
			for _, a := range sp.Arms {
				msg.choices = append(msg.choices, audience{arm: a.Name, label: "arm " + a.Name, note: "of the split " + sp.Spec()})
			}
		}
		lists, err := priority.New(ws).Lists(ctx, name)
		if err != nil {
			msg.err = err
			return msg
		}
		for _, l := range lists {
			msg.choices = append(msg.choices, audience{priority: l.Name, label: "step of " + l.Name, note: strings.Join(l.Segments, " > ")})
		}
		return msg
	}
}

func (m *Model) onAudiences(msg audiencesMsg) tea.Cmd {
	if !m.aud.Finish(msg.id) || msg.segment != m.audiencesOf {
		return nil
	}
	m.audiencesErr = msg.err
	m.audiences = msg.choices
	m.audience = 0
	if len(m.audiences) == 1 {
		return nil
	}
	return m.changed()
}

// chosenAudience is the Audience field's choice.
func (m *Model) chosenAudience() audience {
	if m.audience < 0 || m.audience >= len(m.audiences) {
		return wholeSegment
	}
	return m.audiences[m.audience]
}

// onlyNewNote says what the New field's choice writes.
func (m *Model) onlyNewNote() (string, string) {
	if m.onlyNew {
		return "only new", "members not in the last export of this audience"
	}
	return "everyone", "every member, new or sent before"
}
