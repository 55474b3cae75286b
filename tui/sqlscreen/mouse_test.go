package sqlscreen

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Clicks land where the screen drew things: in the results they move the
// grid's cursor to the row under the pointer, in the editor they edit.
func TestSQLClicksFollowTheLayout(t *testing.T) {
	m := newScreen(t, "subscribers")
	if msg := runSQL(m, "select * from subscribers order by subscriber_id limit 40"); msg.err != nil {
		t.Fatal(msg.err)
	}
	const header = 2 // the grid's names and rule
	click := func(x, y int) { m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft}) }
	click(m.results.X+4, m.results.Y+header+5)
	if m.editing || m.grid.Cursor() != 5 {
		t.Fatalf("a click on the sixth result row: editing %v, cursor on row %d", m.editing, m.grid.Cursor())
	}
	click(m.results.X+4, m.results.Y-1) // the status line: no row
	if m.grid.Cursor() != 5 {
		t.Fatalf("a click on the status line moved the cursor to %d", m.grid.Cursor())
	}
	click(3, m.top.H-1)
	if !m.editing {
		t.Fatal("a click on the editor's last line did not edit")
	}
}
