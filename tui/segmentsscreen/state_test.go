package segmentsscreen

// What the tests read of the screen's state, in the package rather than as
// exported getters the console has no use for.

// listed are the segments in the list, in order.
func (m *Model) listed() []string {
	names := make([]string, len(m.list.items))
	for i, it := range m.list.items {
		names[i] = it.seg.Name
	}
	return names
}

// sizeOf is a listed segment's counted size.
func (m *Model) sizeOf(name string) (int64, bool) {
	for _, it := range m.list.items {
		if it.seg.Name == name {
			return it.size, it.sized
		}
	}
	return 0, false
}

// editing reports whether the editor is open.
func (m *Model) editing() bool { return m.view == viewEditor }

// draft is what the editor holds: the segment's name, its table and the rule.
func (m *Model) draft() (name, table, rule string) {
	e := &m.editor
	return e.name.Value(), e.table, e.ruleText()
}

// counted is how many rows the rule in the editor selects, once counted.
func (m *Model) counted() (int64, bool) {
	c, ok := m.editor.checked()
	return c.n, ok && c.err == nil
}
