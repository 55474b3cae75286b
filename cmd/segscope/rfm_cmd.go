package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments"
)

func (a *app) rfmCmd() *cobra.Command {
	var (
		eventTable string
		create     bool
		reason     string
	)
	cmd := &cobra.Command{
		Use:   "rfm AUDIENCE [--events TABLE] [--create --reason R]",
		Short: "Score an audience on recency, frequency and monetary value, and make the RFM cells segments",
		Long: "Score the people of AUDIENCE 1 to 5 on the recency and number of their events and, when the event\n" +
			"table declares an amount, on their total (quintile cut-offs; people with equal values get equal\n" +
			"scores). Each person falls in one cell of the R×F map (Champions, Loyal, At risk, Can't lose,\n" +
			"Hibernating, Lost...). --create saves every cell as a segment named rfm_<cell>, all in one change\n" +
			"(a new version of each when they exist), with the cut-offs in its rule.",
		Example: `  segscope rfm customers
  segscope rfm customers --events orders --create --reason "Q4 planning"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ws, err := a.workspace(ctx)
			if err != nil {
				return err
			}
			r, err := segments.MeasureRFM(ctx, ws, args[0], eventTable)
			if err != nil {
				return err
			}
			if create {
				if reason == "" {
					reason = "RFM cells measured on " + r.Events
				}
				if _, err := segments.NewStore(ws).SaveAll(ctx, r.Definitions(reason), segments.Upsert); err != nil {
					return err
				}
				defer a.note("saved %d segments: %s… %s", len(r.Cells), r.Cells[0].Name, r.Cells[len(r.Cells)-1].Name)
			}
			scored := fmt.Sprintf("%s of %s scored on %s", counts.Of(r.People, "person", "people"), args[0], r.Events)
			switch r.Unscored {
			case 0:
				a.note("%s", scored)
			case 1:
				a.note("%s; 1 without a timed event is in no cell", scored)
			default:
				a.note("%s; %s without a timed event are in no cell", scored, thousands(r.Unscored))
			}
			a.note("recency cut-offs %s; frequency %s", cutsText(r.Recency), cutsText(r.Frequency))
			if r.Monetary != nil {
				a.note("monetary cut-offs %s (scored, not used by the map)", cutsText(*r.Monetary))
			}
			p := a.printer()
			rows := make([][]string, len(r.Cells))
			for i, c := range r.Cells {
				rows[i] = []string{c.Name, c.Title, p.count(c.People), p.share(float64(c.People) / float64(r.People))}
			}
			// The rules are long: --format json has them, and segment show once saved.
			return p.table([]string{"segment", "cell", "people", "share"}, rows, map[int]bool{2: true, 3: true}, r)
		},
	}
	cmd.Flags().StringVar(&eventTable, "events", "", "the event table to score on (needed when the audience has several)")
	cmd.Flags().BoolVar(&create, "create", false, "save every cell as a segment, in one change")
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit log (with --create)")
	return cmd
}

// cutsText tells cut-offs as a person reads them. The cuts are rule literals
// (timestamp '...', exact floats such as 588.9499999999999), which the cells'
// rules need as they are; here the times lose their quoting and the numbers
// are rounded to the cent.
func cutsText(c segments.Cuts) string {
	out := make([]string, len(c))
	for i, v := range c {
		if _, lit, ok := strings.Cut(v, " '"); ok {
			v = strings.TrimSuffix(lit, "'")
		} else if f, err := strconv.ParseFloat(v, 64); err == nil && v != strconv.FormatInt(int64(f), 10) {
			v = strconv.FormatFloat(f, 'f', 2, 64)
		}
		out[i] = v
	}
	return strings.Join(out, ", ")
}
