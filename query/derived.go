package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/segscope/segscope/query/pii"
)

// ResultPII says which columns of a person's query result hold personal data,
// so the SQL screen and the query command mask them like a table's columns.
//
// A column is personal when its value comes from a personal-data column of a
// workspace table (by name or content, see PersonalData), followed through the
// parse tree DuckDB gives for the statement: aliases, subqueries, CTEs, joins,
// * expansions and scalar subqueries in the select list. A bare reference keeps
// its column's kind (and its part-revealing mask); anything computed from one
// (replace(email,'@',' at '), first_name||last_name) is pii.Derived, masked
// whole. It fails closed: a column whose source cannot be traced (a recursive
// CTE, a PIVOT, COLUMNS(*), a name that resolves nowhere) is masked as possible
// personal data whenever the statement reads any table holding personal data.
// Computed values of types that cannot show personal data (numbers with a
// fraction, booleans, dates) and counts or lengths are left alone, and text
// columns the lineage clears are still checked by content, as the console's
// grid does.
func (w *Workspace) ResultPII(ctx context.Context, text string, res *Result) []pii.Kind {
	kinds := make([]pii.Kind, len(res.Columns))
	cols, exact, touches, err := w.lineage(ctx, text)
	for i := range kinds {
		switch {
		case err != nil:
			kinds[i] = pii.Derived(pii.None)
		case !touches:
			// Nothing personal is read: whatever could not be traced is not personal.
		case exact && len(cols) == len(kinds):
			kinds[i] = cols[i].kind
		default:
			kinds[i] = pii.Derived(pii.None)
		}
		if kinds[i].IsDerived() && !pii.CanHold(res.Columns[i].Type) {
			kinds[i] = pii.None
		}
	}
	detectByContent(res, kinds)
	return kinds
}

// detectByContent flags text result columns not already flagged whose first
// values look like emails, phone numbers or IP addresses.
func detectByContent(res *Result, kinds []pii.Kind) {
	for i, c := range res.Columns {
		if kinds[i] != pii.None || !strings.EqualFold(c.Type, "VARCHAR") {
			continue
		}
		var sample []string
		for _, row := range res.Rows[:min(len(res.Rows), personalSample)] {
			if s, ok := row[i].(string); ok {
				sample = append(sample, s)
			}
		}
		kinds[i] = pii.FromValues(sample)
	}
}

// lineCol is an output column of a query node: its name (as later references
// see it; "" when DuckDB makes one up) and the personal data it carries.
type lineCol struct {
	name string
	kind pii.Kind
}

// source is a relation in a FROM clause.
type source struct {
	alias string
	cols  []lineCol
	// known means cols is the relation's full column list, in order; otherwise
	// any name may be one of its columns, and kind is what such a column holds.
	known bool
	kind  pii.Kind
	// hidden columns are left out of an unqualified * (the right side of USING).
	hidden map[string]bool
	// starUnknown marks a side whose * expansion cannot be worked out (NATURAL joins).
	starUnknown bool
}

// find looks a column name up: definite when the source has it; otherwise,
// for a source of unknown shape, possible with the kind any of its columns
// may hold.
func (s *source) find(name string) (k pii.Kind, definite, possible bool) {
	for _, c := range s.cols {
		if c.name != "" && foldName(c.name) == foldName(name) {
			return c.kind, true, false
		}
	}
	if !s.known {
		return s.kind, false, true
	}
	return pii.None, false, false
}

// cteScope is the chain of CTEs visible at a point, with their output columns.
type cteScope struct {
	name   string
	cols   []lineCol
	exact  bool
	parent *cteScope
}

func (c *cteScope) find(name string) (*cteScope, bool) {
	for ; c != nil; c = c.parent {
		if foldName(c.name) == foldName(name) {
			return c, true
		}
	}
	return nil, false
}

// frame is the name scope of one SELECT: its FROM sources, its select list so
// far (DuckDB lets later items name earlier aliases), lambda parameters, and the
// enclosing query for correlated references.
type frame struct {
	sources []*source
	aliases []lineCol
	lambdas map[string]bool
	ctes    *cteScope
	parent  *frame
	inexact bool
}

type lineageWalk struct {
	ctx     context.Context
	w       *Workspace
	rels    map[relation][]catalogColumn
	current string
	loaded  bool
	touches bool
	err     error
}

// lineage works out the output columns of a statement: exact is false when
// their number or order could not be followed; touches reports whether it reads
// a relation with personal data (or one it cannot see into).
func (w *Workspace) lineage(ctx context.Context, text string) (cols []lineCol, exact, touches bool, err error) {
	var serialized string
	if err := w.db.QueryRowContext(ctx, `SELECT json_serialize_sql(?::VARCHAR)::VARCHAR`, text).Scan(&serialized); err != nil {
		return nil, false, false, fmt.Errorf("parse the query: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(serialized))
	dec.UseNumber()
	var tree struct {
		Error      bool `json:"error"`
		Statements []struct {
			Node map[string]any `json:"node"`
		} `json:"statements"`
	}
	if err := dec.Decode(&tree); err != nil {
		return nil, false, false, fmt.Errorf("read the parse tree: %w", err)
	}
	if tree.Error || len(tree.Statements) != 1 {
		return nil, false, false, errors.New("the query does not parse as one statement")
	}
	l := &lineageWalk{ctx: ctx, w: w}
	cols, exact = l.node(tree.Statements[0].Node, nil, nil)
	return cols, exact, l.touches, l.err
}

// node follows a query node (SELECT, set operation) to its output columns.
func (l *lineageWalk) node(n map[string]any, outer *frame, ctes *cteScope) ([]lineCol, bool) {
	if cteMap, ok := n["cte_map"].(map[string]any); ok {
		entries, _ := cteMap["map"].([]any)
		for _, e := range entries {
			entry, _ := e.(map[string]any)
			name, _ := entry["key"].(string)
			value, _ := entry["value"].(map[string]any)
			q, _ := value["query"].(map[string]any)
			body, _ := q["node"].(map[string]any)
			cols, exact := l.node(body, outer, ctes)
			renamed(cols, value["aliases"])
			ctes = &cteScope{name: name, cols: cols, exact: exact, parent: ctes}
		}
	}
	switch n["type"] {
	case "SELECT_NODE":
		return l.selectNode(n, outer, ctes)
	case "SET_OPERATION_NODE":
		left, _ := n["left"].(map[string]any)
		right, _ := n["right"].(map[string]any)
		lc, lexact := l.node(left, outer, ctes)
		rc, rexact := l.node(right, outer, ctes)
		if op, _ := n["setop_type"].(string); strings.Contains(op, "BY_NAME") || len(lc) != len(rc) {
			return untraced(append(lc, rc...)), false
		}
		for i := range lc {
			lc[i].kind = pii.Stronger(lc[i].kind, rc[i].kind)
		}
		return lc, lexact && rexact
	}
	// A recursive CTE's rows feed back into themselves; other nodes are rare.
	// Neither is followed: their columns are untraced.
	l.touches = true
	return nil, false
}

// untraced is the kind of every column of a list that could not be followed.
func untraced(cols []lineCol) []lineCol {
	k := pii.Derived(pii.None)
	for _, c := range cols {
		k = pii.Stronger(k, c.kind)
	}
	return []lineCol{{kind: k}}
}

// renamed applies a column alias list (t(a, b), WITH c(a) AS ...) to cols.
func renamed(cols []lineCol, aliases any) {
	names, _ := aliases.([]any)
	for i, a := range names {
		if s, ok := a.(string); ok && i < len(cols) {
			cols[i].name = s
		}
	}
}

func (l *lineageWalk) selectNode(n map[string]any, outer *frame, ctes *cteScope) ([]lineCol, bool) {
	f := &frame{ctes: ctes, parent: outer}
	from, _ := n["from_table"].(map[string]any)
	f.sources = l.sources(from, f)
	items, _ := n["select_list"].([]any)
	var out []lineCol
	for _, it := range items {
		item, _ := it.(map[string]any)
		if item["class"] == "STAR" {
			cols, ok := l.expandStar(item, f)
			if !ok {
				f.inexact = true
			}
			out = append(out, cols...)
			continue
		}
		col := lineCol{kind: l.expr(item, f)}
		col.name, _ = item["alias"].(string)
		if col.name == "" && item["class"] == "COLUMN_REF" {
			names := columnNames(item)
			col.name = names[len(names)-1]
		}
		out = append(out, col)
		f.aliases = append(f.aliases, col)
	}
	return out, !f.inexact
}

// sources lists the relations of a FROM clause, in the order * expands them.
func (l *lineageWalk) sources(t map[string]any, f *frame) []*source {
	if t == nil {
		return nil
	}
	alias, _ := t["alias"].(string)
	switch t["type"] {
	case "EMPTY":
		return nil
	case "BASE_TABLE":
		var r relation
		r.catalog, _ = t["catalog_name"].(string)
		r.schema, _ = t["schema_name"].(string)
		r.table, _ = t["table_name"].(string)
		if alias == "" {
			alias = r.table
		}
		s := &source{alias: alias}
		if cte, ok := f.ctes.find(r.table); ok && r.catalog == "" && r.schema == "" {
			s.cols = append([]lineCol(nil), cte.cols...)
			s.known = cte.exact
			s.kind = untraced(cte.cols)[0].kind
		} else {
			s.cols, s.known = l.relation(r)
			s.kind = pii.Derived(pii.None)
		}
		renamed(s.cols, t["column_name_alias"])
		return []*source{s}
	case "SUBQUERY":
		sub, _ := t["subquery"].(map[string]any)
		body, _ := sub["node"].(map[string]any)
		// A subquery in FROM sees the enclosing query's names (LATERAL), not its
		// siblings'; reading it as seeing both only masks more.
		cols, exact := l.node(body, f, f.ctes)
		renamed(cols, t["column_name_alias"])
		return []*source{{alias: alias, cols: cols, known: exact, kind: untraced(cols)[0].kind}}
	case "JOIN":
		left, _ := t["left"].(map[string]any)
		right, _ := t["right"].(map[string]any)
		ls := l.sources(left, f)
		rs := l.sources(right, f)
		using, _ := t["using_columns"].([]any)
		natural := t["ref_type"] == "NATURAL"
		for _, s := range rs {
			s.starUnknown = s.starUnknown || natural
			for _, u := range using {
				if name, ok := u.(string); ok {
					if s.hidden == nil {
						s.hidden = map[string]bool{}
					}
					s.hidden[foldName(name)] = true
				}
			}
		}
		return append(ls, rs...)
	case "TABLE_FUNCTION":
		fn, _ := t["function"].(map[string]any)
		if alias == "" {
			alias, _ = fn["function_name"].(string)
		}
		// What a table function returns is computed from its arguments.
		s := &source{alias: alias, kind: l.expr(fn, f)}
		if names, ok := t["column_name_alias"].([]any); ok {
			for _, n := range names {
				if name, ok := n.(string); ok {
					s.cols = append(s.cols, lineCol{name: name, kind: s.kind})
				}
			}
		}
		return []*source{s}
	case "EXPRESSION_LIST":
		return []*source{{alias: alias, kind: l.walk(t, f)}}
	}
	// PIVOT and the like read a relation this walk does not follow.
	l.touches = true
	return []*source{{alias: alias, kind: pii.Derived(pii.None)}}
}

// relation is a workspace table or view's columns with what they hold, known
// when DuckDB's catalog lists it. One it cannot see is an unknown source.
func (l *lineageWalk) relation(r relation) ([]lineCol, bool) {
	if err := l.loadRelations(); err != nil {
		l.err = err
		return nil, false
	}
	c, s, t := foldName(r.catalog), foldName(r.schema), foldName(r.table)
	var candidates []relation
	switch {
	case c != "":
		candidates = []relation{{c, s, t}}
	case s != "":
		candidates = []relation{{"temp", s, t}, {l.current, s, t}, {"system", s, t}, {s, "main", t}}
	default:
		candidates = []relation{{"temp", "main", t}, {l.current, "main", t}, {"system", "main", t}, {"system", "pg_catalog", t}}
	}
	for _, cand := range candidates {
		cols, ok := l.rels[cand]
		if !ok {
			continue
		}
		var kinds map[string]pii.Kind
		var err error
		if cand.catalog == l.current && cand.schema == "main" {
			kinds, err = l.w.PersonalData(l.ctx, cols[0].tableName)
		} else {
			kinds, err = detectPersonal(l.ctx, l.w.db, QuoteIdent(cols[0].catalog)+"."+QuoteIdent(cols[0].schema)+"."+QuoteIdent(cols[0].tableName), columnsOf(cols))
		}
		if err != nil {
			l.err = err
			return nil, false
		}
		out := make([]lineCol, len(cols))
		for i, col := range cols {
			out[i] = lineCol{name: col.Name, kind: kinds[col.Name]}
			if out[i].kind != pii.None {
				l.touches = true
			}
		}
		return out, true
	}
	l.touches = true
	return nil, false
}

// catalogColumn is a column as duckdb_columns() lists it, with its relation's
// names as spelled in the catalog.
type catalogColumn struct {
	Column
	catalog, schema, tableName string
}

func columnsOf(cols []catalogColumn) []Column {
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = c.Column
	}
	return out
}

func (l *lineageWalk) loadRelations() error {
	if l.loaded {
		return nil
	}
	if err := l.w.db.QueryRowContext(l.ctx, `SELECT current_database()`).Scan(&l.current); err != nil {
		return fmt.Errorf("find the workspace name: %w", err)
	}
	l.current = foldName(l.current)
	rows, err := l.w.db.QueryContext(l.ctx, `SELECT database_name, schema_name, table_name, column_name, data_type
		FROM duckdb_columns() ORDER BY database_name, schema_name, table_name, column_index`)
	if err != nil {
		return fmt.Errorf("list workspace columns: %w", err)
	}
	defer rows.Close()
	l.rels = map[relation][]catalogColumn{}
	for rows.Next() {
		var c catalogColumn
		if err := rows.Scan(&c.catalog, &c.schema, &c.tableName, &c.Name, &c.Type); err != nil {
			return fmt.Errorf("list workspace columns: %w", err)
		}
		key := relation{foldName(c.catalog), foldName(c.schema), foldName(c.tableName)}
		l.rels[key] = append(l.rels[key], c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list workspace columns: %w", err)
	}
	l.loaded = true
	return nil
}

// expandStar follows * (or t.*) in a select list to the columns it stands for,
// with EXCLUDE, REPLACE and RENAME applied. ok is false when the expansion
// cannot be worked out (COLUMNS(...), a source of unknown shape).
func (l *lineageWalk) expandStar(item map[string]any, f *frame) ([]lineCol, bool) {
	var cols []lineCol
	ok := item["columns"] != true && item["expr"] == nil && isEmpty(item["qualified_exclude_list"])
	rel, _ := item["relation_name"].(string)
	matched := false
	for _, s := range f.sources {
		if rel != "" && foldName(rel) != foldName(s.alias) {
			continue
		}
		matched = true
		if !s.known || rel == "" && s.starUnknown {
			ok = false
			cols = append(cols, untraced(s.cols)[0])
			if s.kind != pii.None {
				cols[len(cols)-1].kind = pii.Stronger(cols[len(cols)-1].kind, s.kind)
			}
			continue
		}
		for _, c := range s.cols {
			if rel == "" && s.hidden[foldName(c.name)] {
				continue
			}
			cols = append(cols, c)
		}
	}
	if !matched {
		l.touches = true
		return []lineCol{{kind: pii.Derived(pii.None)}}, false
	}
	excluded := map[string]bool{}
	if list, _ := item["exclude_list"].([]any); list != nil {
		for _, e := range list {
			if name, isName := e.(string); isName {
				excluded[foldName(name)] = true
			} else {
				ok = false // a qualified exclusion: which side it leaves out is not followed
			}
		}
	}
	replaced := map[string]pii.Kind{}
	if list, _ := item["replace_list"].([]any); list != nil {
		for _, e := range list {
			entry, _ := e.(map[string]any)
			name, _ := entry["key"].(string)
			value, _ := entry["value"].(map[string]any)
			replaced[foldName(name)] = l.expr(value, f)
		}
	}
	renames := map[string]string{}
	if list, _ := item["rename_list"].([]any); list != nil {
		for _, e := range list {
			entry, _ := e.(map[string]any)
			from, _ := entry["key"].(string)
			to, isName := entry["value"].(string)
			if !isName {
				ok = false
				continue
			}
			renames[foldName(from)] = to
		}
	}
	out := cols[:0:0]
	for _, c := range cols {
		key := foldName(c.name)
		if c.name != "" && excluded[key] {
			continue
		}
		if k, isReplaced := replaced[key]; isReplaced && c.name != "" {
			c.kind = k
		}
		if to, isRenamed := renames[key]; isRenamed && c.name != "" {
			c.name = to
		}
		out = append(out, c)
	}
	return out, ok
}

func isEmpty(v any) bool {
	list, _ := v.([]any)
	return len(list) == 0
}

// valueFree functions return a count or a size, never any of their argument's text.
var valueFree = map[string]bool{
	"count": true, "count_star": true, "approx_count_distinct": true, "length": true, "len": true,
	"strlen": true, "octet_length": true, "bit_length": true, "array_length": true, "typeof": true,
	"row_number": true, "rank": true, "dense_rank": true, "percent_rank": true, "cume_dist": true, "ntile": true,
}

// expr is the personal data an expression's value carries: a bare column
// reference carries its column's kind; anything computed from personal data
// carries a derived kind.
func (l *lineageWalk) expr(e map[string]any, f *frame) pii.Kind {
	if e == nil {
		return pii.None
	}
	var k pii.Kind
	switch e["class"] {
	case "COLUMN_REF":
		return l.resolve(columnNames(e), f)
	case "CONSTANT", "PARAMETER", "DEFAULT":
		return pii.None
	case "SUBQUERY":
		sub, _ := e["subquery"].(map[string]any)
		body, _ := sub["node"].(map[string]any)
		cols, exact := l.node(body, f, f.ctes)
		for _, c := range cols {
			k = pii.Stronger(k, c.kind)
		}
		if !exact {
			k = pii.Stronger(k, pii.Derived(pii.None))
		}
		child, _ := e["child"].(map[string]any)
		k = pii.Stronger(k, l.expr(child, f))
	case "LAMBDA":
		inner := &frame{lambdas: map[string]bool{}, ctes: f.ctes, parent: f}
		lhs, _ := e["lhs"].(map[string]any)
		for _, name := range lambdaParams(lhs) {
			inner.lambdas[foldName(name)] = true
		}
		body, _ := e["expr"].(map[string]any)
		k = l.expr(body, inner)
		f.inexact = f.inexact || inner.inexact
	case "FUNCTION", "WINDOW":
		if name, _ := e["function_name"].(string); valueFree[strings.ToLower(name)] {
			return pii.None
		}
		children, _ := e["children"].([]any)
		for _, c := range children {
			child, _ := c.(map[string]any)
			k = pii.Stronger(k, l.expr(child, f))
		}
	case "STAR":
		// * inside an expression (struct_pack(*), min(COLUMNS(*))) takes in
		// every column it names; COLUMNS(...) also multiplies the select list.
		if e["columns"] == true {
			f.inexact = true
		}
		cols, _ := l.expandStar(e, f)
		for _, c := range cols {
			k = pii.Stronger(k, c.kind)
		}
	default:
		k = l.walk(e, f)
	}
	if k != pii.None {
		k = pii.Derived(k)
	}
	return k
}

// walk combines the kinds of every expression nested anywhere in v (CASE
// branches, comparison sides, casts, VALUES rows).
func (l *lineageWalk) walk(v any, f *frame) pii.Kind {
	var k pii.Kind
	switch n := v.(type) {
	case []any:
		for _, c := range n {
			k = pii.Stronger(k, l.walk(c, f))
		}
	case map[string]any:
		for key, c := range n {
			if child, ok := c.(map[string]any); ok && child["class"] != nil {
				k = pii.Stronger(k, l.expr(child, f))
			} else if key != "type" {
				k = pii.Stronger(k, l.walk(c, f))
			}
		}
	}
	return k
}

func columnNames(e map[string]any) []string {
	raw, _ := e["column_names"].([]any)
	names := make([]string, 0, len(raw))
	for _, r := range raw {
		if s, ok := r.(string); ok {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		return []string{""}
	}
	return names
}

// lambdaParams are the names a lambda binds: x -> ..., or (x, i) -> ....
func lambdaParams(lhs map[string]any) []string {
	if lhs == nil {
		return nil
	}
	if lhs["class"] == "COLUMN_REF" {
		names := columnNames(lhs)
		return names[len(names)-1:]
	}
	var out []string
	children, _ := lhs["children"].([]any)
	for _, c := range children {
		child, _ := c.(map[string]any)
		out = append(out, lambdaParams(child)...)
	}
	return out
}

// resolve finds what a column reference names, as DuckDB's binder would: a
// column of this SELECT's sources (t.col, or col.field of a struct), a lambda
// parameter, an earlier select-list alias, or a column of an enclosing query.
// A source of unknown shape may hold any name, so the search goes on outward
// and the kinds it may be are combined. A name that resolves nowhere is
// untraced.
func (l *lineageWalk) resolve(names []string, f *frame) pii.Kind {
	var maybe pii.Kind
	possible := false
	for ; f != nil; f = f.parent {
		if len(names) == 1 && f.lambdas[foldName(names[0])] {
			return maybe
		}
		var k pii.Kind
		found := false
		for _, s := range f.sources {
			kind, definite, could := s.column(names)
			switch {
			case definite:
				k, found = pii.Stronger(k, kind), true
			case could:
				maybe, possible = pii.Stronger(maybe, kind), true
			}
		}
		if found {
			return pii.Stronger(k, maybe)
		}
		for i := len(f.aliases) - 1; i >= 0; i-- {
			if a := f.aliases[i]; a.name != "" && foldName(a.name) == foldName(names[0]) {
				return pii.Stronger(a.kind, maybe)
			}
		}
	}
	if possible {
		return maybe
	}
	return pii.Derived(pii.None)
}

// column looks a reference up in one source: col, alias.col, or
// catalog.schema.alias.col, each possibly followed by struct fields.
func (s *source) column(names []string) (k pii.Kind, definite, possible bool) {
	for i := range min(len(names), 3) {
		if i > 0 && foldName(names[i-1]) != foldName(s.alias) {
			continue
		}
		k, definite, p := s.find(names[i])
		if definite {
			return k, true, false
		}
		possible = possible || p
	}
	if possible {
		return s.kind, false, true
	}
	return pii.None, false, false
}
