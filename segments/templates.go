package segments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/colname"
	"github.com/segscope/segscope/segments/events"
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

// Cutoff is a threshold in a template's rule: the Quantile of Column, or of
// an event Measure per person (sum(orders.amount)) among those with events.
type Cutoff struct {
	Column   string
	Measure  string
	Quantile float64
	Value    float64
}

// The windows the templates use. Orders come months apart, logins days apart,
// a monthly bill a month apart; a newcomer's first quarter is when most of
// them decide to stay or go.
const (
	inactiveDays  = 7
	lapsedDays    = 30
	noPaymentDays = 45
	noOrderDays   = 180
	recentDays    = 90
	newDays       = 90
)

// Unfit is a template a table's columns cannot carry, and why.
type Unfit struct {
	Title string
	Why   string
}

// Templates proposes the rules that fit a table's columns: churn risk, lapsed,
// new, high value and, for tables of customers with their orders, RFM groups.
// Every one offered compiles against s; the others come back as Unfit, each
// saying what it would need. Without a look at the data, a text churn column
// is taken to hold Yes and No (Fit looks).
func Templates(s rule.Schema) ([]Template, []Unfit) {
	return findRoles(s, nil).templates(s)
}

// Fitting is what Fit found: the templates that fit a table, measured on its
// data, and why each of the others does not.
type Fitting struct {
	Templates []Template
	Unfit     []Unfit
	// EventsOf is the audience whose events the table holds ("" when it
	// holds none): the templates for those people fit the audience.
	EventsOf string
}

// Fit proposes the templates that fit table: its columns chosen by name and
// type, a churn column's yes and no read from its values, and cutoffs measured
// on its rows.
func Fit(ctx context.Context, ws *query.Workspace, table string) (Fitting, error) {
	s, err := Schema(ctx, ws, table)
	if err != nil {
		return Fitting{}, err
	}
	shapes, err := ws.ColumnShapes(ctx, table)
	if err != nil {
		return Fitting{}, err
	}
	ts, unfit := findRoles(s, shapes).templates(s)
	ts, err = TuneTemplates(ctx, ws, table, ts)
	if err != nil {
		return Fitting{}, err
	}
	f := Fitting{Templates: ts, Unfit: unfit}
	if e, err := events.Get(ctx, ws, table); err == nil {
		f.EventsOf = e.Audience
	} else if !errors.Is(err, events.ErrNotEventTable) {
		return Fitting{}, err
	}
	return f, nil
}

// templates builds the proposals the roles allow, keeping those that compile.
func (r roles) templates(s rule.Schema) ([]Template, []Unfit) {
	var out []Template
	var unfit []Unfit
	proposers := []func(roles) (Template, *Unfit){churnRisk, lapsed, newcomers, highValue, champions, cannotLose, oneTimeBuyers}
	if ev, ok := eventRolesOf(s); ok {
		proposers = ev.proposers(r)
	}
	for _, propose := range proposers {
		t, why := propose(r)
		if why != nil {
			if !slices.Contains(unfit, *why) {
				unfit = append(unfit, *why)
			}
			continue
		}
		t.Rule = t.render()
		if _, err := rule.Compile(t.Rule, s, nil); err != nil {
			unfit = append(unfit, Unfit{Title: t.Title, Why: fmt.Sprintf("its rule %s does not compile: %v", t.Rule, err)})
			continue
		}
		out = append(out, t)
	}
	return out, unfit
}

// TuneTemplates measures the templates' cutoffs on table and rewrites their
// rules with the measured values, rounded down to two significant digits so
// they read well and still include the quantile itself.
func TuneTemplates(ctx context.Context, ws *query.Workspace, table string, ts []Template) ([]Template, error) {
	var wants []want
	var exprs []string
	index := map[want]int{}
	measured := map[want]float64{}
	for _, t := range ts {
		for _, c := range t.Cutoffs {
			if c.Measure != "" {
				if err := measureCutoff(ctx, ws, table, c, measured); err != nil {
					return nil, err
				}
				continue
			}
			w := want{c.Column, c.Quantile}
			if _, ok := index[w]; !ok {
				index[w] = len(wants)
				wants = append(wants, w)
				exprs = append(exprs, fmt.Sprintf("quantile_cont(%s, %s)", query.QuoteIdent(c.Column), strconv.FormatFloat(c.Quantile, 'f', -1, 64)))
			}
		}
	}
	if len(wants) == 0 && len(measured) == 0 {
		return ts, nil
	}
	values := make([]sql.NullFloat64, len(wants))
	if len(wants) > 0 {
		dest := make([]any, len(values))
		for i := range values {
			dest[i] = &values[i]
		}
		q := "SELECT " + strings.Join(exprs, ", ") + " FROM main." + query.QuoteIdent(table)
		if err := ws.DB().QueryRowContext(ctx, q).Scan(dest...); err != nil {
			return nil, fmt.Errorf("measure template cutoffs on %s: %w", table, err)
		}
	}
	out := slices.Clone(ts)
	for i := range out {
		out[i].Cutoffs = slices.Clone(out[i].Cutoffs)
		for j, c := range out[i].Cutoffs {
			if v, ok := measured[want{c.Measure, c.Quantile}]; ok && c.Measure != "" {
				out[i].Cutoffs[j].Value = floorSignificant(v)
			} else if v := values[index[want{c.Column, c.Quantile}]]; c.Measure == "" && v.Valid {
				out[i].Cutoffs[j].Value = floorSignificant(v.Float64)
			}
		}
		out[i].Rule = out[i].render()
	}
	return out, nil
}

// want is a quantile to measure: of a column, or of an event measure.
type want struct {
	col string
	q   float64
}

// measureCutoff measures an event measure's quantile over the people of
// table who have events, into measured.
func measureCutoff(ctx context.Context, ws *query.Workspace, table string, c Cutoff, measured map[want]float64) error {
	w := want{c.Measure, c.Quantile}
	if _, done := measured[w]; done {
		return nil
	}
	s, err := Schema(ctx, ws, table)
	if err != nil {
		return err
	}
	per, err := rule.PerPerson(c.Measure, s)
	if err != nil {
		return fmt.Errorf("measure %s on %s: %w", c.Measure, table, err)
	}
	var v sql.NullFloat64
	q := "SELECT quantile_cont(v, " + strconv.FormatFloat(c.Quantile, 'f', -1, 64) + ") FROM (" + per + ") WHERE k IN (SELECT " +
		query.QuoteIdent(s.Key) + " FROM main." + query.QuoteIdent(table) + ")"
	if err := ws.DB().QueryRowContext(ctx, q).Scan(&v); err != nil {
		return fmt.Errorf("measure %s on %s: %w", c.Measure, table, err)
	}
	if v.Valid {
		measured[w] = v.Float64
	}
	return nil
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
	activeDays  string // days since the last login or visit
	lastActive  string // date of the last login or visit
	lastPayment string // date of the last payment or bill
	lastOrder   string // date of the last order
	signup      string // date the person joined
	tenure      string // how long they have been a customer
	tenureUnit  string // what tenure counts: day, week, month or year
	contract    string // the kind of contract: month-to-month, one year...
	price       string // what they pay per period
	spend       string // what they have paid in all
	score       string // a spending score
	income      string // what they earn
	orders      string // how many orders they placed
	churned     string // already gone: a boolean, 0/1 or Yes/No column
	stayed      string // the condition that says they have not churned
	drops       []drop // measures of this period with last period's beside them
	// mistyped are columns named for a role but holding another type, by role:
	// a join date imported as text, say. They explain why a template does not fit.
	mistyped map[string]string
}

// drop pairs a measure of this period with the same measure of the previous one.
type drop struct {
	now, prev string
	rate      bool // a rate or share, where a smaller fall already matters
}

// roleSpec says which columns can play a role: their name's words and type.
type roleSpec struct {
	role  string // what the column holds, as a person would say it
	types []rule.Type
	name  func(w wordSet) bool
	field func(r *roles) *string
}

var (
	dates   = []rule.Type{rule.TypeDate, rule.TypeTimestamp}
	numbers = []rule.Type{rule.TypeNumber}
	texts   = []rule.Type{rule.TypeString}
)

// roleSpecs are tried in order; a column takes the first role its name and
// type both fit. MonthlyCharges is a price before it could be a spend.
var roleSpecs = []roleSpec{
	{"days since the last visit", numbers, func(w wordSet) bool {
		return w.has("days") && w.any("since", "inactive", "idle") && w.any(activity...)
	}, func(r *roles) *string { return &r.activeDays }},
	{"last visit date", dates, func(w wordSet) bool {
		return w.has("last") && w.any(activity...)
	}, func(r *roles) *string { return &r.lastActive }},
	{"last payment date", dates, func(w wordSet) bool {
		return w.has("last") && w.any("payment", "paid", "bill", "billed", "billing", "renewal", "renewed")
	}, func(r *roles) *string { return &r.lastPayment }},
	{"last order date", dates, func(w wordSet) bool {
		return w.has("last") && w.any("order", "purchase", "transaction", "invoice")
	}, func(r *roles) *string { return &r.lastOrder }},
	{"join date", dates, func(w wordSet) bool {
		return w.any("signup", "joined", "registered", "registration", "created", "subscribed") ||
			w.has("sign") && w.has("up") || w.has("join") && w.has("date") || w.has("since") && w.any("member", "customer")
	}, func(r *roles) *string { return &r.signup }},
	{"tenure", numbers, func(w wordSet) bool {
		return w.has("tenure") || w.any("months", "days", "weeks", "years") && w.any("customer", "member", "subscriber", "subscribed", "client")
	}, func(r *roles) *string { return &r.tenure }},
	{"contract type", texts, func(w wordSet) bool {
		return w.has("contract")
	}, func(r *roles) *string { return &r.contract }},
	// A unit price is a product's, not what a customer pays.
	{"monthly price", numbers, func(w wordSet) bool {
		return !w.has("unit") && !w.has("total") && (w.any("price", "fee", "mrr", "arpu") ||
			w.any("monthly", "month") && w.any("charges", "charge", "revenue", "bill", "amount", "payment", "fee", "spend", "cost"))
	}, func(r *roles) *string { return &r.price }},
	{"spending score", numbers, func(w wordSet) bool {
		return w.has("score") && w.any("spending", "spend")
	}, func(r *roles) *string { return &r.score }},
	{"income", numbers, func(w wordSet) bool {
		return w.any("income", "salary", "earnings")
	}, func(r *roles) *string { return &r.income }},
	{"total spend", numbers, func(w wordSet) bool {
		return !w.has("unit") && (w.any("spent", "spend", "spending", "revenue", "ltv", "clv", "lifetime", "sales") ||
			w.has("total") && w.any("charges", "charge", "paid", "payments", "amount", "billed", "value"))
	}, func(r *roles) *string { return &r.spend }},
	{"order count", numbers, func(w wordSet) bool {
		return w.any("orders", "purchases", "transactions") || w.has("order") && w.any("count", "num")
	}, func(r *roles) *string { return &r.orders }},
}

// findRoles reads what each column holds from its name and type and, when
// shapes are given, from its values: which of a churn column's values says
// yes. Without shapes a 0/1 or text churn column is taken at its usual values.
func findRoles(s rule.Schema, shapes []query.ColumnShape) roles {
	r := roles{mistyped: map[string]string{}}
	shape := map[string]query.ColumnShape{}
	for _, sh := range shapes {
		shape[sh.Name] = sh
	}
	for _, c := range s.Columns {
		w := words(c.Name)
		if w.any("churned", "churn", "cancelled", "canceled", "exited", "attrited", "attrition") && r.churned == "" {
			if r.setChurned(c, shape[c.Name], shapes != nil) {
				continue
			}
		}
		for _, spec := range roleSpecs {
			if !spec.name(w) {
				continue
			}
			if slices.Contains(spec.types, c.Type) {
				if f := spec.field(&r); *f == "" {
					*f = c.Name
				}
				break
			}
			if _, seen := r.mistyped[spec.role]; !seen && (!slices.Equal(spec.types, dates) || w.any(dateWords...)) {
				r.mistyped[spec.role] = fmt.Sprintf("%s holds %s, not %s", c.Name, typeWords(c.Type), typeWords(spec.types[0]))
			}
		}
		if c.Type == rule.TypeNumber && w.any(previous...) {
			if now, ok := currentOf(s, c.Name); ok {
				r.drops = append(r.drops, drop{now: now, prev: c.Name, rate: w.any("rate", "ratio", "share", "pct", "percent", "score")})
			}
		}
	}
	if r.tenure != "" {
		r.tenureUnit = "month"
		for _, unit := range []string{"day", "week", "year"} {
			if words(r.tenure).any(unit, unit+"s") {
				r.tenureUnit = unit
			}
		}
	}
	return r
}

// setChurned takes c as the churn column if its values answer yes or no, and
// writes the condition that a person has stayed.
func (r *roles) setChurned(c rule.Column, sh query.ColumnShape, looked bool) bool {
	no := sh.No
	if !looked {
		no = map[rule.Type]string{rule.TypeNumber: "0", rule.TypeString: "No"}[c.Type]
	}
	switch {
	case c.Type == rule.TypeBool:
		r.stayed = "not " + ident(c.Name)
	case c.Type == rule.TypeNumber && no != "":
		r.stayed = ident(c.Name) + " = " + no
	case c.Type == rule.TypeString && no != "":
		r.stayed = ident(c.Name) + " = " + ruleString(no)
	default:
		return false
	}
	r.churned = c.Name
	return true
}

var (
	activity  = []string{"login", "logon", "seen", "active", "activity", "visit", "session"}
	previous  = []string{"prev", "previous", "prior"}
	dateWords = []string{"date", "time", "timestamp", "at", "on", "dt", "day"}
)

// typeWords names a type as a person would: dates, numbers, text.
func typeWords(t rule.Type) string {
	switch t {
	case rule.TypeDate, rule.TypeTimestamp:
		return "dates"
	case rule.TypeNumber:
		return "numbers"
	case rule.TypeString:
		return "text"
	case rule.TypeBool:
		return "true/false values"
	}
	return t.String() + " values"
}

// why is an Unfit for title: which columns were named for the roles it needs
// but hold the wrong type, and what it needs.
func (r roles) why(title, needs string, roleNames ...string) *Unfit {
	var notes []string
	for _, role := range roleNames {
		if note, ok := r.mistyped[role]; ok {
			notes = append(notes, note)
		}
	}
	if len(notes) > 0 {
		// The column that nearly fits comes first: it is what the analyst can fix.
		needs = strings.Join(notes, ", ") + "; it " + needs
	}
	return &Unfit{Title: title, Why: needs}
}

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

// ruleString spells a text value for a rule.
func ruleString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// stillHere adds "and not churned" when the table says who has already left:
// a campaign is for those who can still be kept.
func stillHere(r roles, cond string) string {
	if r.stayed == "" {
		return cond
	}
	return cond + " and " + r.stayed
}

// tenureAtMost is the condition "a customer for at most months", in the
// tenure column's own unit.
func (r roles) tenureAtMost(months int) string {
	col := ident(r.tenure)
	switch r.tenureUnit {
	case "day":
		return fmt.Sprintf("%s <= %d", col, months*365/12)
	case "week":
		return fmt.Sprintf("%s <= %d", col, months*52/12)
	case "year":
		if months < 12 {
			return col + " < 1"
		}
		return fmt.Sprintf("%s <= %d", col, months/12)
	}
	return fmt.Sprintf("%s <= %d", col, months)
}

func churnRisk(r roles) (Template, *Unfit) {
	if len(r.drops) == 0 {
		return churnProfile(r)
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
	}, nil
}

// churnProfile is churn risk for a table that has no usage over time but
// says what leavers usually have in common: a short tenure, a contract they
// can end any month, a bill above most people's.
func churnProfile(r roles) (Template, *Unfit) {
	type signal struct{ cond, said string }
	var signals []signal
	var cutoffs []Cutoff
	if r.tenure != "" {
		signals = append(signals, signal{r.tenureAtMost(12), "a customer for a year or less"})
	}
	if r.contract != "" {
		signals = append(signals, signal{ident(r.contract) + " ilike 'month%'", "on a month-to-month " + r.contract})
	}
	price := -1
	if r.price != "" {
		price = len(signals)
		cutoffs = append(cutoffs, Cutoff{Column: r.price, Quantile: 0.5, Value: typicalPrice})
		signals = append(signals, signal{"", "paying more than most (" + r.price + " above the median)"})
	}
	if len(signals) < 2 {
		return Template{}, r.why("Churn risk",
			"needs this period's usage beside the previous period's (watch_hours_30d and watch_hours_prev_30d), "+
				"or two of a tenure, a contract type and a monthly price",
			"tenure", "contract type", "monthly price")
	}
	said := make([]string, len(signals))
	for i, s := range signals {
		said[i] = s.said
	}
	return Template{
		Name: "churn_risk", Title: "Churn risk",
		Description: "Like those who leave: " + strings.Join(said, ", ") + ". The ones to keep before they cancel.",
		Cutoffs:     cutoffs,
		build: func(v []string) string {
			conds := make([]string, len(signals))
			for i, s := range signals {
				conds[i] = s.cond
				if i == price {
					conds[i] = fmt.Sprintf("%s >= %s", ident(r.price), v[0])
				}
			}
			return stillHere(r, strings.Join(conds, " and "))
		},
	}, nil
}

func lapsed(r roles) (Template, *Unfit) {
	var cond, desc string
	switch {
	case r.activeDays != "":
		cond = fmt.Sprintf("%s >= %d", ident(r.activeDays), lapsedDays)
		desc = fmt.Sprintf("No login for %d days or more", lapsedDays)
	case r.lastActive != "":
		cond = fmt.Sprintf("%s < ago(%d days)", ident(r.lastActive), lapsedDays)
		desc = fmt.Sprintf("No visit for %d days or more", lapsedDays)
	case r.lastPayment != "":
		cond = fmt.Sprintf("%s < ago(%d days)", ident(r.lastPayment), noPaymentDays)
		desc = fmt.Sprintf("No payment for %d days or more: a monthly bill missed", noPaymentDays)
	case r.lastOrder != "":
		cond = fmt.Sprintf("%s < ago(%d days)", ident(r.lastOrder), noOrderDays)
		desc = fmt.Sprintf("No order for %d days or more", noOrderDays)
	default:
		return Template{}, r.why("Lapsed",
			"needs the date of the last visit, login, payment or order, or the days since the last login",
			"last visit date", "last payment date", "last order date", "days since the last visit")
	}
	text := stillHere(r, cond)
	return Template{
		Name: "lapsed", Title: "Lapsed",
		Description: desc + ": a re-engagement campaign's audience.",
		build:       func([]string) string { return text },
	}, nil
}

func newcomers(r roles) (Template, *Unfit) {
	var text, desc string
	switch {
	case r.signup != "":
		text = fmt.Sprintf("%s > ago(%d days)", ident(r.signup), newDays)
		desc = fmt.Sprintf("Joined in the last %d days", newDays)
	case r.tenure != "":
		text = stillHere(r, r.tenureAtMost(3))
		desc = "A customer for three months or less (" + r.tenure + ")"
	default:
		return Template{}, r.why("New", "needs a join or signup date, or a tenure", "join date", "tenure")
	}
	return Template{
		Name: "new_customers", Title: "New",
		Description: desc + ": the first months decide whether they stay.",
		build:       func([]string) string { return text },
	}, nil
}

// Typical cutoffs, used until TuneTemplates measures the table's own.
const (
	typicalPrice  = 15
	typicalSpend  = 250
	typicalOrders = 5
	typicalScore  = 60
	typicalIncome = 50
)

func highValue(r roles) (Template, *Unfit) {
	t := Template{Name: "high_value", Title: "High value"}
	var col string
	switch {
	case r.spend != "":
		col, t.Description = r.spend, "The top quarter by what they spent ("+r.spend+")."
		t.Cutoffs = []Cutoff{{Column: col, Quantile: 0.75, Value: typicalSpend}}
	case r.price != "":
		col, t.Description = r.price, "The top quarter by what they pay ("+r.price+")."
		t.Cutoffs = []Cutoff{{Column: col, Quantile: 0.75, Value: typicalPrice}}
	case r.score != "" && r.income != "":
		t.Description = "The top quarter by " + r.score + ", with an income above the median (" + r.income + ")."
		t.Cutoffs = []Cutoff{{Column: r.score, Quantile: 0.75, Value: typicalScore}, {Column: r.income, Quantile: 0.5, Value: typicalIncome}}
		t.build = func(v []string) string {
			return stillHere(r, fmt.Sprintf("%s >= %s and %s >= %s", ident(r.score), v[0], ident(r.income), v[1]))
		}
		return t, nil
	case r.score != "":
		col, t.Description = r.score, "The top quarter by "+r.score+"."
		t.Cutoffs = []Cutoff{{Column: col, Quantile: 0.75, Value: typicalScore}}
	case r.income != "":
		col, t.Description = r.income, "The top quarter by "+r.income+"."
		t.Cutoffs = []Cutoff{{Column: col, Quantile: 0.75, Value: typicalIncome}}
	default:
		return Template{}, r.why("High value",
			"needs what customers pay or have paid (a monthly price, total spend or revenue), a spending score or an income",
			"monthly price", "total spend", "spending score", "income")
	}
	t.build = func(v []string) string { return stillHere(r, fmt.Sprintf("%s >= %s", ident(col), v[0])) }
	return t, nil
}

// rfm reports whether the table has what RFM needs: recency, frequency and
// monetary value of orders.
func (r roles) rfm() *Unfit {
	if r.lastOrder != "" && r.orders != "" && r.spend != "" {
		return nil
	}
	return r.why("RFM", "needs one row per customer with the last order's date, an order count and total spend",
		"last order date", "order count", "total spend")
}

func champions(r roles) (Template, *Unfit) {
	if why := r.rfm(); why != nil {
		return Template{}, why
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
	}, nil
}

func cannotLose(r roles) (Template, *Unfit) {
	if why := r.rfm(); why != nil {
		return Template{}, why
	}
	return Template{
		Name: "cannot_lose", Title: "RFM: can't lose them",
		Description: fmt.Sprintf("In the top quarter by spend, but no order for %d days.", noOrderDays),
		Cutoffs:     []Cutoff{{Column: r.spend, Quantile: 0.75, Value: typicalSpend}},
		build: func(v []string) string {
			return fmt.Sprintf("%s >= %s and %s < ago(%d days)", ident(r.spend), v[0], ident(r.lastOrder), noOrderDays)
		},
	}, nil
}

func oneTimeBuyers(r roles) (Template, *Unfit) {
	if why := r.rfm(); why != nil {
		return Template{}, why
	}
	text := fmt.Sprintf("%s = 1", ident(r.orders))
	return Template{
		Name: "one_time_buyers", Title: "RFM: one-time buyers",
		Description: "Ordered once: the second order is the one to earn.",
		build:       func([]string) string { return text },
	}, nil
}
