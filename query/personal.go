package query

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/segscope/segscope/query/pii"
)

// personalSample is how many non-empty values of a text column are read to
// tell by content whether it holds personal data.
const personalSample = 200

// PersonalData says which columns of a table hold personal data, and of what
// kind: by name, whatever the column's type (a birth_date DATE is personal), and
// for text columns whose name says nothing, by content (a "contact" column full
// of emails). Every place that decides what personal data is — masking on screen
// and in the CLI, export minimisation, compare — asks here, so they agree.
//
// The answer is kept until the table is imported again or gets another key.
func (w *Workspace) PersonalData(ctx context.Context, table string) (map[string]pii.Kind, error) {
	key := fmt.Sprintf("%d\x00%s", w.generation.Load(), table)
	if kinds, ok := w.personal.Load(key); ok {
		return maps.Clone(kinds.(map[string]pii.Kind)), nil
	}
	cols, err := w.Columns(ctx, table)
	if err != nil {
		return nil, err
	}
	kinds, err := detectPersonal(ctx, w.db, "main."+QuoteIdent(table), cols)
	if err != nil {
		return nil, fmt.Errorf("personal data in %s: %w", table, err)
	}
	w.personal.Store(key, kinds)
	return maps.Clone(kinds), nil
}

// detectPersonal classifies the columns of relation (a quoted, qualified name)
// by name, then samples the text columns left over in one query.
func detectPersonal(ctx context.Context, q querier, relation string, cols []Column) (map[string]pii.Kind, error) {
	kinds := make(map[string]pii.Kind, len(cols))
	var sampled []string
	for _, c := range cols {
		if k := pii.FromName(c.Name); k != pii.None {
			kinds[c.Name] = k
			continue
		}
		kinds[c.Name] = pii.None
		if strings.EqualFold(c.Type, "VARCHAR") {
			sampled = append(sampled, c.Name)
		}
	}
	if len(sampled) == 0 {
		return kinds, nil
	}
	// One scalar subquery per column: each stops at its sample size, and a
	// mostly empty column still gets its values from further down the table.
	parts := make([]string, len(sampled))
	for i, name := range sampled {
		col := QuoteIdent(name)
		parts[i] = fmt.Sprintf(`(SELECT list(v) FROM (SELECT %s AS v FROM %s WHERE trim(%s) <> '' LIMIT %d))`,
			col, relation, col, personalSample)
	}
	row := q.QueryRowContext(ctx, `SELECT `+strings.Join(parts, ", "))
	lists := make([]any, len(sampled))
	ptrs := make([]any, len(sampled))
	for i := range lists {
		ptrs[i] = &lists[i]
	}
	if err := row.Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("sample text columns: %w", err)
	}
	for i, name := range sampled {
		list, _ := lists[i].([]any)
		values := make([]string, 0, len(list))
		for _, v := range list {
			if s, ok := v.(string); ok {
				values = append(values, s)
			}
		}
		k := pii.FromValues(values)
		// Long numeric identifiers read like phone numbers; a name that says
		// it is an id settles it, as it does for keys.
		if k == pii.Phone && keyNameRank(name) > 0 {
			k = pii.None
		}
		kinds[name] = k
	}
	return kinds, nil
}

// PersonalColumns lists the names of the columns kinds marks as personal data,
// in the order of cols.
func PersonalColumns(cols []Column, kinds map[string]pii.Kind) []string {
	var out []string
	for _, c := range cols {
		if kinds[c.Name] != pii.None {
			out = append(out, c.Name)
		}
	}
	return out
}
