package segments

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/colname"
	"github.com/segscope/segscope/segments/rule"
)

// Template is a segment rule proposed for a table, chosen by what its columns'
// names and types say they hold.
type Template struct {
	Name        string // a segment name to start from
	Title       string
	Description string
	Rule        string
	// Cutoffs are the numbers in Rule that depend on the table's distribution.
	// Templates writes typical values; TuneTemplates measures them.
	Cutoffs []Cutoff

	build func(cutoffs []string) string
}

// Cutoff is a threshold in a template's rule: the Quantile of Column.
type Cutoff struct {
	Column   string
	Quantile float64
	Value    float64
}

// The windows the templates use. Orders come months apart, logins days apart;
// a newcomer's first quarter is when most of them decide to stay or go.
const (
	inactiveDays = 7
	lapsedDays   = 30
	noOrderDays  = 180
	recentDays   = 90
	newDays      = 90
)

// Templates proposes the rules that fit a table: churn risk, lapsed, new, high
// value and, for tables of orders, RFM groups. Only templates whose columns
// exist are offered, and every one compiles against s.
func Templates(s rule.Schema) []Template {
	r := findRoles(s)
	var out []Template
	for _, propose := range []func(roles) (Template, bool){
		churnRisk, lapsed, newcomers, highValue, champions, cannotLose, oneTimeBuyers,
	} {
		t, ok := propose(r)
		if !ok {
			continue
		}
		t.Rule = t.render()
		if _, err := rule.Compile(t.Rule, s, nil); err == nil {
			out = append(out, t)
		}
	}
	return out
}

// TuneTemplates measures the templates' cutoffs on table and rewrites their
// rules with the measured values, rounded down to two significant digits so
// they read well and still include the quantile itself.
func TuneTemplates(ctx context.Context, ws *query.Workspace, table string, ts []Template) ([]Template, error) {
	type want struct {
		col string
		q   float64
	}
	var wants []want
	var exprs []string
	index := map[want]int{}
	for _, t := range ts {
		for _, c := range t.Cutoffs {
			w := want{c.Column, c.Quantile}
			if _, ok := index[w]; !ok {
				index[w] = len(wants)
				wants = append(wants, w)
				exprs = append(exprs, fmt.Sprintf("quantile_cont(%s, %s)", query.QuoteIdent(c.Column), strconv.FormatFloat(c.Quantile, 'f', -1, 64)))
			}
		}
	}
	if len(wants) == 0 {
		return ts, nil
	}
	values := make([]sql.NullFloat64, len(wants))
	dest := make([]any, len(values))
	for i := range values {
		dest[i] = &values[i]
	}
	q := "SELECT " + strings.Join(exprs, ", ") + " FROM main." + query.QuoteIdent(table)
	if err := ws.DB().QueryRowContext(ctx, q).Scan(dest...); err != nil {
		return nil, fmt.Errorf("measure template cutoffs on %s: %w", table, err)
	}
	out := slices.Clone(ts)
	for i := range out {
		out[i].Cutoffs = slices.Clone(out[i].Cutoffs)
		for j, c := range out[i].Cutoffs {
			if v := values[index[want{c.Column, c.Quantile}]]; v.Valid {
				out[i].Cutoffs[j].Value = floorSignificant(v.Float64)
			}
		}
		out[i].Rule = out[i].render()
	}
	return out, nil
}

func (t Template) render() string {
	vals := make([]string, len(t.Cutoffs))
	for i, c := range t.Cutoffs {
		vals[i] = strconv.FormatFloat(c.Value, 'f', -1, 64)
	}
	return t.build(vals)
}

// floorSignificant rounds v down to two significant digits: 16.99 → 16, 1234 → 1200.
func floorSignificant(v float64) float64 {
	if v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	exp := int(math.Floor(math.Log10(v))) - 1
	scale := math.Pow(10, float64(exp))
	rounded := math.Floor(v/scale) * scale
	decimals := max(-exp, 0)
	out, _ := strconv.ParseFloat(strconv.FormatFloat(rounded, 'f', decimals, 64), 64)
	return out
}

// roles are the columns a template can use, found by name and type.
type roles struct {
	activeDays string // days since the last login or visit
	lastActive string // date of the last login or visit
	lastOrder  string // date of the last order
	signup     string // date the person joined
	churned    string // already gone (boolean)
	price      string // what they pay per period
	spend      string // what they have paid in all
	orders     string // how many orders they placed
	drops      []drop // measures of this period with last period's beside them
}

// drop pairs a measure of this period with the same measure of the previous one.
type drop struct {
	now, prev string
	rate      bool // a rate or share, where a smaller fall already matters
}

func findRoles(s rule.Schema) roles {
	var r roles
	set := func(dst *string, name string) {
		if *dst == "" {
			*dst = name
		}
	}
	for _, c := range s.Columns {
		w := words(c.Name)
		switch {
		case c.Type == rule.TypeNumber && w.has("days") && w.any("since", "inactive", "idle") && w.any(activity...):
			set(&r.activeDays, c.Name)
		case temporal(c.Type) && w.has("last") && w.any(activity...):
			set(&r.lastActive, c.Name)
		case temporal(c.Type) && w.has("last") && w.any("order", "purchase", "transaction", "payment"):
			set(&r.lastOrder, c.Name)
		case temporal(c.Type) && (w.any("signup", "joined", "registered", "registration", "created", "subscribed") ||
			w.has("sign") && w.has("up") || w.has("join") && w.has("date") || w.has("since") && w.any("member", "customer")):
			set(&r.signup, c.Name)
		case c.Type == rule.TypeBool && w.any("churned", "churn", "cancelled", "canceled"):
			set(&r.churned, c.Name)
		case c.Type == rule.TypeNumber && w.any("price", "fee", "mrr", "arpu"):
			set(&r.price, c.Name)
		case c.Type == rule.TypeNumber && w.any("spent", "spend", "revenue", "ltv", "clv", "lifetime", "sales"):
			set(&r.spend, c.Name)
		case c.Type == rule.TypeNumber && (w.any("orders", "purchases", "transactions") || w.has("order") && w.any("count", "num")):
			set(&r.orders, c.Name)
		case c.Type == rule.TypeNumber && w.any(previous...):
			if now, ok := currentOf(s, c.Name); ok {
				r.drops = append(r.drops, drop{now: now, prev: c.Name, rate: w.any("rate", "ratio", "share", "pct", "percent", "score")})
			}
		}
	}
	return r
}

var (
	activity = []string{"login", "logon", "seen", "active", "activity", "visit", "session"}
	previous = []string{"prev", "previous", "prior"}
)

// currentOf finds the this-period column of a previous-period one:
// watch_hours_prev_30d → watch_hours_30d (or _last_30d, _current_30d...).
func currentOf(s rule.Schema, prevName string) (string, bool) {
	parts := strings.Split(prevName, "_")
	for i, p := range parts {
		if !slices.Contains(previous, strings.ToLower(p)) {
			continue
		}
		dropped := slices.Delete(slices.Clone(parts), i, i+1)
		candidates := []string{strings.Join(dropped, "_")}
		for _, word := range []string{"last", "current", "curr", "this"} {
			swapped := slices.Clone(parts)
			swapped[i] = word
			candidates = append(candidates, strings.Join(swapped, "_"))
		}
		for _, name := range candidates {
			if c, ok, _ := s.Lookup(name); ok && c.Type == rule.TypeNumber {
				return c.Name, true
			}
		}
	}
	return "", false
}

func temporal(t rule.Type) bool { return t == rule.TypeDate || t == rule.TypeTimestamp }

type wordSet []string

// words splits a column name into its lower-case words.
func words(name string) wordSet { return colname.Words(name) }

func (w wordSet) has(word string) bool { return slices.Contains(w, word) }

func (w wordSet) any(words ...string) bool {
	return slices.ContainsFunc(words, w.has)
}

// ident spells a column name for a rule, quoting it only when it must be.
func ident(name string) string {
	if toks := rule.Tokens(name); len(toks) == 1 && toks[0].Kind == rule.TokenIdentifier && toks[0].Text == name && !strings.HasPrefix(name, `"`) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// stillHere adds "and not churned" when the table says who has already left:
// a campaign is for those who can still be kept.
func stillHere(r roles, cond string) string {
	if r.churned == "" {
		return cond
	}
	return cond + " and not " + ident(r.churned)
}

func churnRisk(r roles) (Template, bool) {
	if len(r.drops) == 0 {
		return Template{}, false
	}
	var falls, said []string
	for _, d := range r.drops {
		if d.rate {
			falls = append(falls, fmt.Sprintf("%s < %s * 0.75", ident(d.now), ident(d.prev)))
			said = append(said, d.now+" down by a quarter")
		} else {
			falls = append(falls, fmt.Sprintf("%s < %s * 0.5", ident(d.now), ident(d.prev)))
			said = append(said, d.now+" halved")
		}
	}
	cond := strings.Join(falls, " or ")
	if len(falls) > 1 {
		cond = "(" + cond + ")"
	}
	desc := "Use falling against the previous period (" + strings.Join(said, ", or ") + ")"
	switch {
	case r.activeDays != "":
		cond = fmt.Sprintf("%s > %d and %s", ident(r.activeDays), inactiveDays, cond)
		desc += fmt.Sprintf(" and no visit for over %d days", inactiveDays)
	case r.lastActive != "":
		cond = fmt.Sprintf("%s < ago(%d days) and %s", ident(r.lastActive), inactiveDays, cond)
		desc += fmt.Sprintf(" and no visit for over %d days", inactiveDays)
	}
	text := stillHere(r, cond)
	return Template{
		Name: "churn_risk", Title: "Churn risk",
		Description: desc + ": the ones to win back before they cancel.",
		build:       func([]string) string { return text },
	}, true
}

func lapsed(r roles) (Template, bool) {
	var cond, desc string
	switch {
	case r.activeDays != "":
		cond = fmt.Sprintf("%s >= %d", ident(r.activeDays), lapsedDays)
		desc = fmt.Sprintf("No login for %d days or more", lapsedDays)
	case r.lastActive != "":
		cond = fmt.Sprintf("%s < ago(%d days)", ident(r.lastActive), lapsedDays)
		desc = fmt.Sprintf("No visit for %d days or more", lapsedDays)
	case r.lastOrder != "":
		cond = fmt.Sprintf("%s < ago(%d days)", ident(r.lastOrder), noOrderDays)
		desc = fmt.Sprintf("No order for %d days or more", noOrderDays)
	default:
		return Template{}, false
	}
	text := stillHere(r, cond)
	return Template{
		Name: "lapsed", Title: "Lapsed",
		Description: desc + ": a re-engagement campaign's audience.",
		build:       func([]string) string { return text },
	}, true
}

func newcomers(r roles) (Template, bool) {
	if r.signup == "" {
		return Template{}, false
	}
	text := fmt.Sprintf("%s > ago(%d days)", ident(r.signup), newDays)
	return Template{
		Name: "new_customers", Title: "New",
		Description: fmt.Sprintf("Joined in the last %d days: the first months decide whether they stay.", newDays),
		build:       func([]string) string { return text },
	}, true
}

// Typical cutoffs, used until TuneTemplates measures the table's own.
const (
	typicalPrice  = 15
	typicalSpend  = 250
	typicalOrders = 5
)

func highValue(r roles) (Template, bool) {
	col, typical, what := r.spend, float64(typicalSpend), "spent"
	if col == "" {
		col, typical, what = r.price, typicalPrice, "pay"
	}
	if col == "" {
		return Template{}, false
	}
	return Template{
		Name: "high_value", Title: "High value",
		Description: "The top quarter by what they " + what + " (" + col + ").",
		Cutoffs:     []Cutoff{{Column: col, Quantile: 0.75, Value: typical}},
		build: func(v []string) string {
			return stillHere(r, fmt.Sprintf("%s >= %s", ident(col), v[0]))
		},
	}, true
}

// rfm reports whether the table has what RFM needs: recency, frequency and
// monetary value of orders.
func (r roles) rfm() bool { return r.lastOrder != "" && r.orders != "" && r.spend != "" }

func champions(r roles) (Template, bool) {
	if !r.rfm() {
		return Template{}, false
	}
	return Template{
		Name: "champions", Title: "RFM: champions",
		Description: fmt.Sprintf("Ordered in the last %d days, and in the top quarter by orders and by spend.", recentDays),
		Cutoffs: []Cutoff{
			{Column: r.orders, Quantile: 0.75, Value: typicalOrders},
			{Column: r.spend, Quantile: 0.75, Value: typicalSpend},
		},
		build: func(v []string) string {
			return fmt.Sprintf("%s > ago(%d days) and %s >= %s and %s >= %s",
				ident(r.lastOrder), recentDays, ident(r.orders), v[0], ident(r.spend), v[1])
		},
	}, true
}

func cannotLose(r roles) (Template, bool) {
	if !r.rfm() {
		return Template{}, false
	}
	return Template{
		Name: "cannot_lose", Title: "RFM: can't lose them",
		Description: fmt.Sprintf("In the top quarter by spend, but no order for %d days.", noOrderDays),
		Cutoffs:     []Cutoff{{Column: r.spend, Quantile: 0.75, Value: typicalSpend}},
		build: func(v []string) string {
			return fmt.Sprintf("%s >= %s and %s < ago(%d days)", ident(r.spend), v[0], ident(r.lastOrder), noOrderDays)
		},
	}, true
}

func oneTimeBuyers(r roles) (Template, bool) {
	if !r.rfm() {
		return Template{}, false
	}
	text := fmt.Sprintf("%s = 1", ident(r.orders))
	return Template{
		Name: "one_time_buyers", Title: "RFM: one-time buyers",
		Description: "Ordered once: the second order is the one to earn.",
		build:       func([]string) string { return text },
	}, true
}
