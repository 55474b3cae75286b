package segments

import (
	"fmt"

	"github.com/segscope/segscope/segments/rule"
)

// eventRoles is what an audience's event table offers the templates: with
// one, churn, lapse, value and the RFM groups are measured from what people
// did (last(views), count(orders in last 90 days)), not read from columns
// that summarise it as of some export.
type eventRoles struct {
	table  string // the event table, spelled for a rule
	orders bool   // purchases rather than visits: lapsing takes months, not days
	spend  string // sum(orders.Quantity * orders.UnitPrice); "" without an amount
}

// Windows of the event templates, in days: visits come days apart and a
// viewer gone for two weeks is slipping; orders come months apart.
const (
	visitActiveDays = 60
	visitQuietDays  = 14
	orderActiveDays = 365
	orderQuietDays  = 90
)

// eventRolesOf picks the audience's timed event table, preferring one with an
// amount, for the templates to measure on.
func eventRolesOf(s rule.Schema) (eventRoles, bool) {
	var best *rule.EventTable
	for i := range s.Events {
		ev := &s.Events[i]
		if ev.Time != "" && (best == nil || best.Amount == "" && ev.Amount != "") {
			best = ev
		}
	}
	if best == nil {
		return eventRoles{}, false
	}
	er := eventRoles{table: ident(best.Name)}
	if best.Amount != "" {
		if text, _, err := rule.Measure(best.Amount, *best); err == nil {
			er.spend = "sum(" + text + ")"
		}
	}
	er.orders = er.spend != "" || words(best.Name).any("order", "orders", "purchase", "purchases",
		"transaction", "transactions", "invoice", "invoices", "sales", "payments", "bookings")
	return er, true
}

// proposers are the template builders for an audience with events: the
// event-measured ones, and the column-based ones where events say nothing
// better (a join date says who is new more truly than a first event).
func (er eventRoles) proposers(r roles) []func(roles) (Template, *Unfit) {
	list := []func(roles) (Template, *Unfit){er.churnRisk, er.lapsed, newcomers, er.highValue}
	if r.signup == "" && r.tenure == "" {
		list[2] = er.newcomers
	}
	if er.orders {
		return append(list, er.champions, er.cannotLose, er.oneTimeBuyers)
	}
	return append(list, champions, cannotLose, oneTimeBuyers)
}

func (er eventRoles) windows() (active, quiet int) {
	if er.orders {
		return orderActiveDays, orderQuietDays
	}
	return visitActiveDays, visitQuietDays
}

func (er eventRoles) churnRisk(r roles) (Template, *Unfit) {
	active, quiet := er.windows()
	text := stillHere(r, fmt.Sprintf("any(%s in last %d days) and none(%s in last %d days)", er.table, active, er.table, quiet))
	return Template{
		Name: "churn_risk", Title: "Churn risk",
		Description: fmt.Sprintf("Active in the last %d days, but nothing in %s for %d days: the ones to win back before they go.",
			active, er.table, quiet),
		build: func([]string) string { return text },
	}, nil
}

func (er eventRoles) lapsed(r roles) (Template, *Unfit) {
	days := lapsedDays
	if er.orders {
		days = noOrderDays
	}
	text := stillHere(r, fmt.Sprintf("last(%s) < ago(%d days)", er.table, days))
	return Template{
		Name: "lapsed", Title: "Lapsed",
		Description: fmt.Sprintf("Nothing in %s for %d days or more: a re-engagement campaign's audience.", er.table, days),
		build:       func([]string) string { return text },
	}, nil
}

func (er eventRoles) newcomers(roles) (Template, *Unfit) {
	text := fmt.Sprintf("first(%s) > ago(%d days)", er.table, newDays)
	return Template{
		Name: "new_customers", Title: "New",
		Description: fmt.Sprintf("First seen in %s in the last %d days: the first months decide whether they stay.", er.table, newDays),
		build:       func([]string) string { return text },
	}, nil
}

// value is what high value measures: the amount spent, or without one how
// much people did lately.
func (er eventRoles) value() (measure, said string, typical float64) {
	if er.spend != "" {
		return er.spend, "what they spent", typicalSpend
	}
	return fmt.Sprintf("count(%s in last 30 days)", er.table), "their " + er.table + " in the last 30 days", typicalOrders
}

func (er eventRoles) highValue(r roles) (Template, *Unfit) {
	measure, said, typical := er.value()
	return Template{
		Name: "high_value", Title: "High value",
		Description: "The top quarter by " + said + ".",
		Cutoffs:     []Cutoff{{Measure: measure, Quantile: 0.75, Value: typical}},
		build:       func(v []string) string { return stillHere(r, fmt.Sprintf("%s >= %s", measure, v[0])) },
	}, nil
}

func (er eventRoles) champions(roles) (Template, *Unfit) {
	count := fmt.Sprintf("count(%s)", er.table)
	cutoffs := []Cutoff{{Measure: count, Quantile: 0.75, Value: typicalOrders}}
	if er.spend != "" {
		cutoffs = append(cutoffs, Cutoff{Measure: er.spend, Quantile: 0.75, Value: typicalSpend})
	}
	return Template{
		Name: "champions", Title: "RFM: champions",
		Description: fmt.Sprintf("Ordered in the last %d days, and in the top quarter by orders and by spend. "+
			"segscope rfm makes every RFM cell a segment.", recentDays),
		Cutoffs: cutoffs,
		build: func(v []string) string {
			text := fmt.Sprintf("last(%s) > ago(%d days) and %s >= %s", er.table, recentDays, count, v[0])
			if len(v) > 1 {
				text += fmt.Sprintf(" and %s >= %s", er.spend, v[1])
			}
			return text
		},
	}, nil
}

func (er eventRoles) cannotLose(roles) (Template, *Unfit) {
	measure, said, typical := er.value()
	if er.spend == "" {
		measure, said = fmt.Sprintf("count(%s)", er.table), "orders"
	}
	return Template{
		Name: "cannot_lose", Title: "RFM: can't lose them",
		Description: fmt.Sprintf("In the top quarter by %s, but no order for %d days.", said, noOrderDays),
		Cutoffs:     []Cutoff{{Measure: measure, Quantile: 0.75, Value: typical}},
		build: func(v []string) string {
			return fmt.Sprintf("%s >= %s and last(%s) < ago(%d days)", measure, v[0], er.table, noOrderDays)
		},
	}, nil
}

func (er eventRoles) oneTimeBuyers(roles) (Template, *Unfit) {
	text := fmt.Sprintf("count(%s) = 1", er.table)
	return Template{
		Name: "one_time_buyers", Title: "RFM: one-time buyers",
		Description: "Ordered once: the second order is the one to earn.",
		build:       func([]string) string { return text },
	}, nil
}
