package rule_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments/rule"
)

// FuzzCompile checks that nothing panics, that errors are well-formed, and
// that whatever compiles is SQL DuckDB accepts and runs on the test table,
// and that a generated rule and its negation split the table between them.
// Seeds are in testdata/fuzz/FuzzCompile.
//
// Byte mutations rarely produce a valid rule, so the same input also drives
// a generator of well-typed rules: those must compile, and DuckDB must run
// them, which is what exercises literal edge cases, type mixes and nesting.
func FuzzCompile(f *testing.F) {
	db := openDB(f)
	f.Fuzz(func(t *testing.T, src string) {
		end := 0
		for _, tok := range rule.Tokens(src) {
			if tok.Pos < end || tok.End <= tok.Pos || src[tok.Pos:tok.End] != tok.Text {
				t.Fatalf("bad token %+v after offset %d", tok, end)
			}
			end = tok.End
		}
		sql, err := rule.Compile(src, testSchema, resolve)
		if err != nil {
			var rerr *rule.Error
			if !errors.As(err, &rerr) {
				t.Fatalf("error %v is a %T, not a *rule.Error", err, err)
			}
			if rerr.Pos < 0 || rerr.End < rerr.Pos || rerr.End > len(src) || rerr.Msg == "" {
				t.Fatalf("malformed error %#v for %q", rerr, src)
			}
		} else if _, err := count(db, sql); err != nil {
			t.Fatalf("rule %q compiled to %s, which DuckDB rejects: %v", src, sql, err)
		}

		g := &generator{recipe: []byte(src)}
		generated := g.expr(rule.TypeBool)
		sql, err = rule.Compile(generated, testSchema, resolve)
		if err != nil {
			t.Fatalf("generated rule %q does not compile: %v", generated, err)
		}
		if _, err := count(db, sql); err != nil {
			t.Fatalf("generated rule %q compiled to %s, which DuckDB rejects: %v", generated, sql, err)
		}
		checkPartition(t, db, generated)
	})
}

// generator writes a rule of a requested type, taking its choices from the
// recipe bytes; an exhausted recipe picks the first, simplest choice.
type generator struct {
	recipe []byte
	depth  int
}

func (g *generator) pick(n int) int {
	if len(g.recipe) == 0 {
		return 0
	}
	v := int(g.recipe[0]) % n
	g.recipe = g.recipe[1:]
	return v
}

func (g *generator) one(options ...string) string { return options[g.pick(len(options))] }

var genLiterals = map[rule.Type][]string{
	rule.TypeNumber: {"1", "0", "-1", "0.4", "9223372036854775807", "-9223372036854775807", "99999999999999999999",
		"1e308", "1e-300", "0.12345678901234568", "-0.0", "3.5e2"},
	rule.TypeString: {"'premium'", "''", "'O''Brien'", "'%'", "'_'", `'a\'`, "'Zoë'", "'--'", "'/*'", "';'", `'"'`},
	rule.TypeDate:   {"date '2026-01-01'", "date '0001-01-01'", "date '9999-12-31'", "date '2024-02-29'"},
	rule.TypeTimestamp: {"timestamp '2026-01-01 10:00:00'", "timestamp '0001-01-01 00:00:00'", "timestamp '9999-12-31 23:59:59.999999'",
		"ago(30 days)", "ago(0 minutes)", "ago(1000 years)", "ago(525600000 minutes)", "ago(12000 months)", "ago(52000 weeks)", "ago(8760000 hours)"},
}

var genColumns = map[rule.Type][]string{
	rule.TypeNumber:    {"id", "days_since_login", "completion_rate", "revenue", `"weird""score"`},
	rule.TypeString:    {"plan", "email", "name", `"full name"`},
	rule.TypeDate:      {"signup_date"},
	rule.TypeTimestamp: {"last_login", "last_seen"},
	rule.TypeBool:      {"active", "true", "false"},
}

var genTypes = []rule.Type{rule.TypeNumber, rule.TypeString, rule.TypeDate, rule.TypeTimestamp, rule.TypeBool}

func (g *generator) leaf(t rule.Type) string {
	options := append(append([]string{}, genColumns[t]...), genLiterals[t]...)
	return options[g.pick(len(options))]
}

// temporal returns a date or timestamp expression: they mix freely.
func (g *generator) temporal() string {
	return g.expr(genTypes[2+g.pick(2)])
}

func (g *generator) expr(t rule.Type) string {
	g.depth++
	defer func() { g.depth-- }()
	if g.depth > 6 || g.pick(3) == 0 {
		return g.leaf(t)
	}
	switch t {
	case rule.TypeBool:
		return g.boolean()
	case rule.TypeNumber:
		switch g.pick(8) {
		case 0:
			return fmt.Sprintf("(%s %s %s)", g.expr(t), g.one("+", "-", "*", "/"), g.expr(t))
		case 1:
			return "(- " + g.expr(t) + ")"
		case 2:
			return fmt.Sprintf("%s(%s)", g.one("abs", "floor", "ceil", "round"), g.expr(t))
		case 3:
			return fmt.Sprintf("round(%s, %d)", g.expr(t), g.pick(77)-38)
		case 4:
			return fmt.Sprintf("length(%s)", g.expr(rule.TypeString))
		case 5:
			return fmt.Sprintf("%s(%s)", g.one("year", "month", "day"), g.temporal())
		case 6:
			return fmt.Sprintf("date_diff('%s', %s, %s)", g.one("day", "week", "month", "year", "hour", "minute"), g.temporal(), g.temporal())
		}
		return g.variadic(t)
	case rule.TypeString:
		if g.pick(2) == 0 {
			return fmt.Sprintf("%s(%s)", g.one("lower", "upper", "trim"), g.expr(t))
		}
		return g.variadic(t)
	}
	if g.pick(2) == 0 {
		return g.variadic(t)
	}
	return g.expr(t)
}

func (g *generator) variadic(t rule.Type) string {
	args := []string{g.expr(t), g.expr(t)}
	for g.pick(3) == 1 {
		args = append(args, g.expr(t))
	}
	return fmt.Sprintf("%s(%s)", g.one("coalesce", "least", "greatest"), strings.Join(args, ", "))
}

func (g *generator) boolean() string {
	t := genTypes[g.pick(len(genTypes))]
	operand := func() string {
		if t == rule.TypeDate || t == rule.TypeTimestamp {
			return g.temporal()
		}
		return g.expr(t)
	}
	not := g.one("", "not ")
	switch g.pick(10) {
	case 0:
		return fmt.Sprintf("(%s %s %s)", operand(), g.one("=", "!=", "<>", "<", "<=", ">", ">="), operand())
	case 1:
		items := []string{operand()}
		for g.pick(2) == 1 {
			items = append(items, operand())
		}
		return fmt.Sprintf("(%s %sin (%s))", operand(), not, strings.Join(items, ", "))
	case 2:
		return fmt.Sprintf("(%s %sbetween %s and %s)", operand(), not, operand(), operand())
	case 3:
		return fmt.Sprintf("(%s is %snull)", operand(), not)
	case 4:
		s := rule.TypeString
		return fmt.Sprintf("(%s %s%s %s)", g.expr(s), not, g.one("like", "ilike", "contains", "starts_with"), g.expr(s))
	case 5:
		return fmt.Sprintf("%s(%s, %s)", g.one("contains", "starts_with"), g.expr(rule.TypeString), g.expr(rule.TypeString))
	case 6:
		return fmt.Sprintf("(%s %s %s)", g.expr(rule.TypeBool), g.one("and", "or"), g.expr(rule.TypeBool))
	case 7:
		return "(not " + g.expr(rule.TypeBool) + ")"
	case 8:
		return fmt.Sprintf("segment('%s')", g.one("trialists", "dormant", "dormant_premium", "gmail"))
	}
	return "(tags is " + not + "null)"
}
