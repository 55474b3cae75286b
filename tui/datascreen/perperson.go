package datascreen

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/tui/draw"
)

// The profile of the column that names people (an event table's key, or an
// audience's key) is how their events spread over them: events per person,
// from each event table, in a histogram.

type distResult struct {
	d   events.Distribution
	err error
}

type distMsg struct {
	id      uint64
	results map[string]distResult // by event table
}

// personTables are the event tables whose spread the profile shows for the
// cursor column: the open table's own setup when the cursor is on its key,
// the audience's event tables when it is on the audience's key.
func (m *Model) personTables() []events.Entry {
	k, ok := m.profileKey()
	if !ok {
		return nil
	}
	if e, ok := m.eventEntry(m.table.Name); ok {
		if k.column == e.Key {
			return []events.Entry{e}
		}
		return nil
	}
	if k.column == m.table.Key {
		return m.eventsOf(m.table.Name)
	}
	return nil
}

// fetchDist reads the spreads the profile shows and has not read yet.
func (m *Model) fetchDist() tea.Cmd {
	var want []events.Entry
	for _, e := range m.personTables() {
		if _, have := m.dists[e.Table]; !have {
			want = append(want, e)
		}
	}
	if len(want) == 0 {
		return nil
	}
	ctx, id := m.env.Start(&m.dist, "counting events per person")
	ws := m.env.WS
	return func() tea.Msg {
		out := map[string]distResult{}
		for _, e := range want {
			d, err := events.PerPerson(ctx, ws, e)
			out[e.Table] = distResult{d: d, err: err}
		}
		return distMsg{id: id, results: out}
	}
}

func (m *Model) onDist(msg distMsg) tea.Cmd {
	if !m.dist.Finish(msg.id) {
		return nil
	}
	for t, r := range msg.results {
		m.dists[t] = r
	}
	return nil
}

// distLines draws the spread of each of entries' events over people in w×h.
func (m *Model) distLines(entries []events.Entry, w, h int) []string {
	st := m.env.Styles
	k, _ := m.profileKey()
	lines := []string{st.PanelTitle.Render("Profile ") + st.Title.Render(k.column), st.Muted.Render("events per person"), ""}
	each := max((h-len(lines))/len(entries), 5)
	for _, e := range entries {
		r, have := m.dists[e.Table]
		part := []string{st.Subtitle.Render(e.Table) + st.Muted.Render(" per "+e.Key)}
		switch {
		case !have:
			part = append(part, st.Muted.Render("counting…"))
		case r.err != nil:
			for _, l := range strings.Split(ansi.Wordwrap(r.err.Error(), w, " "), "\n") {
				part = append(part, st.Error.Render(l))
			}
		default:
			d := r.d
			who := draw.Count(d.Events) + " " + draw.Plural(d.Events, "event", "events") + " of " + draw.Count(d.People)
			if d.None > 0 {
				who += " · " + draw.Count(d.None) + " without"
			}
			part = append(part, st.Muted.Render(who),
				st.Muted.Render(fmt.Sprintf("median %s · most %s", num(&d.Median), draw.Count(d.Max))))
			if room := each - len(part) - 1; len(d.Bins) > 0 && room >= 3 {
				part = append(part, m.histogram(d.Bins, w, min(room, 8))...)
			}
		}
		lines = append(lines, append(part, "")...)
	}
	if m.where != "" {
		lines = append(lines, st.Faint.Render("of every event, not only the filtered rows'"))
	}
	return lines
}
