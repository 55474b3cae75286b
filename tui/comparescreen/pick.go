package comparescreen

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/tui/common"
)

// nameA is the segment chosen as A ("" when there are none).
func (m *Model) nameA() string {
	if m.pickA < 0 || m.pickA >= len(m.segs.List) {
		return ""
	}
	return m.segs.List[m.pickA].Name
}

// choicesB are what A can be compared with: the rest of its table ("") first,
// then the other segments of the same table.
func (m *Model) choicesB() []string {
	out := []string{""}
	if m.pickA >= len(m.segs.List) {
		return out
	}
	a := m.segs.List[m.pickA]
	for _, s := range m.segs.List {
		if s.Table == a.Table && s.Name != a.Name {
			out = append(out, s.Name)
		}
	}
	return out
}

// nameB is what A is compared with: a segment, or "" for the rest of its table.
func (m *Model) nameB() string {
	bs := m.choicesB()
	if m.pickB < 0 || m.pickB >= len(bs) {
		return ""
	}
	return bs[m.pickB]
}

// tableA is A's table.
func (m *Model) tableA() string {
	if m.pickA < 0 || m.pickA >= len(m.segs.List) {
		return ""
	}
	return m.segs.List[m.pickA].Table
}

// choose puts the picker on segments a and b by name, where they still exist.
func (m *Model) choose(a, b string) {
	m.pickA = max(min(m.pickA, len(m.segs.List)-1), 0)
	for i, s := range m.segs.List {
		if s.Name == a {
			m.pickA = i
		}
	}
	m.pickB = 0
	for i, name := range m.choicesB() {
		if name == b && b != "" {
			m.pickB = i
		}
	}
}

// pick opens the picker on one side.
func (m *Model) pick(s side) tea.Cmd {
	m.view, m.focus = viewPick, s
	return nil
}

// swap exchanges A and B, when B is a segment rather than the rest of the table.
func (m *Model) swap() tea.Cmd {
	a, b := m.nameA(), m.nameB()
	if b == "" {
		return common.Notice("B is the rest of the table: choose a segment as B (b) to swap")
	}
	m.choose(b, a)
	return m.compare()
}

func (m *Model) pickKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	n := len(m.segs.List)
	cur := &m.pickA
	if m.focus == sideB {
		n = len(m.choicesB())
		cur = &m.pickB
	}
	before := m.nameB()
	switch {
	case key.Matches(msg, k.Switch):
		m.focus = 1 - m.focus
	case key.Matches(msg, k.Up):
		*cur = max(*cur-1, 0)
	case key.Matches(msg, k.Down):
		*cur = max(min(*cur+1, n-1), 0)
	case key.Matches(msg, k.First):
		*cur = 0
	case key.Matches(msg, k.Last):
		*cur = max(n-1, 0)
	case key.Matches(msg, k.Run):
		if m.nameA() != "" {
			return m.compare()
		}
	case key.Matches(msg, k.Back):
		if res := m.result; res != nil {
			// Back to the answer shown, so s and r act on what is on screen.
			b := res.B.Name
			if res.Rest {
				b = ""
			}
			m.choose(res.A.Name, b)
			m.view = viewRanked
			return nil
		}
	}
	if cur == &m.pickA {
		// A new A has other segments beside it: keep B if it is one of them.
		m.choose(m.nameA(), before)
	}
	return nil
}

// segmentOf finds a listed segment by name.
func (m *Model) segmentOf(name string) (segments.Segment, bool) {
	for _, s := range m.segs.List {
		if s.Name == name {
			return s, true
		}
	}
	return segments.Segment{}, false
}
