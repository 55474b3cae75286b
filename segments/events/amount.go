package events

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/rule"
)

// amountSQL compiles an amount, written in the rule language's arithmetic
// (Quantity * UnitPrice), into SQL over the event table's columns. Only column
// names, numbers, parentheses, + - * / and a leading minus are accepted, and
// every column must hold numbers: the text a person typed never reaches SQL
// except as quoted identifiers and re-formatted numbers. The arithmetic is
// done in DOUBLE, as the rule language does it, so a product of two large
// integers cannot overflow.
func amountSQL(expr, table string, cols []query.Column) (string, error) {
	if strings.TrimSpace(expr) == "" {
		return "", fmt.Errorf("the amount is empty: give an expression over the event table's number columns, such as Quantity * UnitPrice")
	}
	e, err := rule.Parse(expr)
	if err != nil {
		return "", fmt.Errorf("amount %q: %w", expr, err)
	}
	var b strings.Builder
	if err := emitAmount(&b, e, expr, table, cols); err != nil {
		return "", fmt.Errorf("amount %q: %w", expr, err)
	}
	return b.String(), nil
}

func emitAmount(b *strings.Builder, e rule.Expr, src, table string, cols []query.Column) error {
	switch e := e.(type) {
	case *rule.Ident:
		// orders.Quantity, as event conditions write it, is Quantity here.
		if e.Table != "" && !strings.EqualFold(e.Table, table) {
			return fmt.Errorf("%s.%s is not a column of %s: an amount adds up the event table's own columns", e.Table, e.Name, table)
		}
		c, err := findColumn(cols, e.Name)
		if err != nil {
			return err
		}
		if !query.Numeric(c.Type) {
			return fmt.Errorf("%s holds %s, not numbers: an amount adds up number columns only", c.Name, typeWords(c.Type))
		}
		b.WriteString("CAST(" + query.QuoteIdent(c.Name) + " AS DOUBLE)")
		return nil
	case *rule.Number:
		if e.IsInt {
			b.WriteString(strconv.FormatInt(e.Int, 10))
		} else {
			b.WriteString(strconv.FormatFloat(e.Value, 'g', -1, 64))
		}
		return nil
	case *rule.Unary:
		if e.Op != "-" {
			break
		}
		b.WriteString("(-")
		if err := emitAmount(b, e.X, src, table, cols); err != nil {
			return err
		}
		b.WriteString(")")
		return nil
	case *rule.Binary:
		if e.Op != "+" && e.Op != "-" && e.Op != "*" && e.Op != "/" {
			break
		}
		b.WriteString("(")
		if err := emitAmount(b, e.L, src, table, cols); err != nil {
			return err
		}
		b.WriteString(" " + e.Op + " ")
		if err := emitAmount(b, e.R, src, table, cols); err != nil {
			return err
		}
		b.WriteString(")")
		return nil
	}
	span := e.Bounds()
	return fmt.Errorf("%q is not arithmetic: an amount is number columns and numbers joined by + - * / (such as Quantity * UnitPrice)", src[span.Pos:span.End])
}

// findColumn finds a column by name as DuckDB does, ignoring case but
// preferring an exact match; an unknown name is an error that lists the
// columns and suggests the closest.
func findColumn(cols []query.Column, name string) (query.Column, error) {
	var folded []query.Column
	for _, c := range cols {
		if c.Name == name {
			return c, nil
		}
		if strings.EqualFold(c.Name, name) {
			folded = append(folded, c)
		}
	}
	if len(folded) == 1 {
		return folded[0], nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	if len(folded) > 1 {
		return query.Column{}, fmt.Errorf("%q matches several columns that differ only in case (%s): write it exactly", name, strings.Join(names, ", "))
	}
	msg := fmt.Sprintf("there is no column %q", name)
	if s := rule.Closest(name, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	return query.Column{}, fmt.Errorf("%s; the columns are %s", msg, strings.Join(names, ", "))
}

// typeWords says what a column of a DuckDB type holds, for people.
func typeWords(duckType string) string {
	switch t := strings.ToUpper(duckType); {
	case t == "VARCHAR":
		return "text (VARCHAR)"
	case query.WholeNumber(t):
		return "whole numbers (" + t + ")"
	case query.Numeric(t):
		return "numbers (" + t + ")"
	case t == "DATE":
		return "dates (DATE)"
	case strings.HasPrefix(t, "TIMESTAMP"):
		return "times (" + t + ")"
	case t == "BOOLEAN":
		return "yes/no values (BOOLEAN)"
	default:
		return t + " values"
	}
}
