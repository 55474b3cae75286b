package segmentsscreen

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/dialog"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// RFMDialog names the question before the RFM cells are saved.
const RFMDialog = "segments.rfm"

type rfmMsg struct {
	id  uint64
	rfm segments.RFM
	err error
}

type rfmSavedMsg struct {
	id    uint64
	cells int
	err   error
}

// measureRFM scores the people of the table new segments go to on its event
// table; the cells are shown before anything is saved.
func (m *Model) measureRFM() tea.Cmd {
	table := m.defaultTable()
	if table == "" {
		return common.Fail(errors.New("no table to score yet: import one first"))
	}
	ctx, id := m.env.Start(&m.rfm, "scoring "+table+" on recency, frequency and value")
	ws := m.env.WS
	return func() tea.Msg {
		r, err := segments.MeasureRFM(ctx, ws, table, "")
		return rfmMsg{id: id, rfm: r, err: err}
	}
}

// onRFM asks whether to save the measured cells, each with its people.
func (m *Model) onRFM(msg rfmMsg) tea.Cmd {
	if !m.rfm.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	r := msg.rfm
	lines := func(st *styles.Styles, w int) []string {
		out := []string{st.Title.Render(fmt.Sprintf("Create %d RFM segments on %s?", len(r.Cells), r.Audience))}
		said := fmt.Sprintf("%s people scored on %s; %s without a timed event are in no cell.",
			draw.Count(r.People), r.Events, draw.Count(r.Unscored))
		for _, l := range strings.Split(ansi.Wordwrap(said, w, " "), "\n") {
			out = append(out, st.Muted.Render(l))
		}
		out = append(out, "")
		for _, c := range r.Cells {
			share := float64(c.People) / float64(r.People) * 100
			out = append(out, st.Item.Render(draw.Fit(fmt.Sprintf("%-24s %9s %5.1f%%", c.Name, draw.Count(c.People), share), w)))
		}
		return append(out, "", st.Muted.Render(draw.Fit("Cells that exist get a new version; one change, audited.", w)))
	}
	return dialog.Open(dialog.NewConfirm(RFMDialog, m.env.Styles, false, m.keys.Create, m.keys.Keep,
		func() tea.Cmd { return m.saveRFM(r) }, lines))
}

func (m *Model) saveRFM(r segments.RFM) tea.Cmd {
	ctx, id := m.env.Start(&m.save, fmt.Sprintf("saving %d RFM segments", len(r.Cells)))
	store := m.env.Store
	return func() tea.Msg {
		_, err := store.SaveAll(ctx, r.Definitions("RFM cells measured on "+r.Events+" in the console"), segments.Upsert)
		return rfmSavedMsg{id: id, cells: len(r.Cells), err: err}
	}
}

func (m *Model) onRFMSaved(msg rfmSavedMsg) tea.Cmd {
	if !m.save.Finish(msg.id) {
		return nil
	}
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	return tea.Batch(m.reload(segments.RFMPrefix+"champions"), common.Notice(fmt.Sprintf("Saved %d RFM segments", msg.cells)))
}
