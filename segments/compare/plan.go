package compare

import (
	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/rule"
)

// planned is a column to compare and the SQL expression of its values: DOUBLE for
// numeric and date columns, VARCHAR for categorical ones.
type planned struct {
	name string
	kind Kind
	expr string
}

// plan sorts a table's columns by how they are compared. Categorical columns are
// candidates until the scans have counted their values.
type plan struct {
	numeric     []planned
	categorical []planned
	skipped     []Skipped
}

// personal says which columns hold personal data (query.Workspace.PersonalData).
func newPlan(cols []query.Column, personal map[string]pii.Kind, key string) plan {
	var p plan
	for _, c := range cols {
		col := query.QuoteIdent(c.Name)
		if c.Name == key {
			p.skip(c.Name, "key column")
			continue
		}
		// What tells two segments apart is behaviour, not who the people are; and
		// a comparison must not put names or addresses on screen.
		if personal[c.Name] != pii.None {
			p.skip(c.Name, "personal data")
			continue
		}
		switch rule.TypeFromDuckDB(c.Type) {
		case rule.TypeNumber:
			p.numeric = append(p.numeric, planned{c.Name, Numeric, col + "::DOUBLE"})
		case rule.TypeDate, rule.TypeTimestamp:
			p.numeric = append(p.numeric, planned{c.Name, Date, "epoch(" + col + ") / 86400"})
		case rule.TypeString, rule.TypeBool:
			p.categorical = append(p.categorical, planned{c.Name, Categorical, col + "::VARCHAR"})
		default:
			p.skip(c.Name, "type "+c.Type+" is not compared")
		}
	}
	return p
}

func (p *plan) skip(column, reason string) {
	p.skipped = append(p.skipped, Skipped{Column: column, Reason: reason})
}
