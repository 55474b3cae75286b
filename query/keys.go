package query

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/segscope/segscope/query/colname"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
)

// SurrogateKey names the column segscope adds to a table with no key of its own:
// the row's position in the source file, so the same file gives the same keys.
const SurrogateKey = "row_id"

// ActionKeyChange is the audit action for choosing another key column.
const ActionKeyChange = "table.key"

// KeyCandidate is one column considered as a table's key, and the verdict.
type KeyCandidate struct {
	Column string `json:"column"`
	Type   string `json:"type"`
	Chosen bool   `json:"chosen"`
	Usable bool   `json:"usable"`
	Reason string `json:"reason"`
}

// keyNameRank says how much a column's name looks like a person key: 0 not at
// all, then 1 (plain id) is best. Names are read as words, so customer_id,
// CustomerID, customerID, "Customer ID" and USERID all read alike.
func keyNameRank(name string) int {
	words := colname.Words(name)
	if len(words) == 0 {
		return 0
	}
	joined := strings.Join(words, "")
	last := words[len(words)-1]
	switch {
	case joined == "id":
		return 1
	case last == "id" || last == "uuid" || last == "guid":
		if personWords[words[0]] {
			return 2
		}
		return 3
	case strings.HasSuffix(joined, "id") && personWords[strings.TrimSuffix(joined, "id")]:
		return 2 // USERID, customerid
	case len(words) > 1 && personWords[words[0]] && (last == "number" || last == "no" || last == "key" || last == "code"):
		return 3
	case len(words) == 1 && personWords[joined]:
		return 4
	case joined == "no" || joined == "sno" || joined == "index" || joined == "rownumber" || joined == "number":
		return 5 // a numbered list: the number is the only identifier it has
	}
	return 0
}

var personWords = map[string]bool{
	"customer": true, "user": true, "subscriber": true, "member": true, "client": true, "account": true,
	"person": true, "contact": true, "profile": true, "cust": true, "sub": true, "viewer": true, "player": true,
}

// keyTypeProblem says why a column of this type can't be a key ("" if it can).
// Floating-point values are approximate, so two distinct identifiers could meet.
func keyTypeProblem(duckType string) string {
	t := strings.ToUpper(duckType)
	switch {
	case t == "VARCHAR" || t == "UUID" || WholeNumber(t):
		return ""
	case t == "DOUBLE" || t == "FLOAT" || strings.HasPrefix(t, "DECIMAL"):
		return "decimal numbers may be rounded, so they can't identify people"
	case t == "BOOLEAN":
		return "a yes/no column can't identify people"
	case strings.HasPrefix(t, "DATE") || strings.HasPrefix(t, "TIME"):
		return "dates and times can't identify people"
	}
	return "a " + strings.ToLower(t) + " column can't be a key"
}

// looksLikeID is what a value of a content-detected key looks like: one token of
// letters, digits and separators with at least one digit (not a word or a name).
var looksLikeID = lazyRegexp(`^[A-Za-z0-9][A-Za-z0-9_\-.:]{0,63}$`)

type keyColumnStats struct {
	rows, nonNull, distinct int64
}

func (s keyColumnStats) problem() string {
	switch {
	case s.nonNull < s.rows:
		return fmt.Sprintf("%s empty", counts.Of(s.rows-s.nonNull, "value is", "values are"))
	case s.distinct < s.rows:
		return fmt.Sprintf("not unique: %s in %s", counts.Of(s.distinct, "different value", "different values"), counts.Of(s.rows, "row", "rows"))
	}
	return ""
}

// keyStats counts rows, non-null and distinct values of each column in one scan.
func keyStats(ctx context.Context, q querier, table string, columns []string) (map[string]keyColumnStats, error) {
	if len(columns) == 0 {
		return nil, nil
	}
	exprs := []string{"count(*)"}
	for _, c := range columns {
		exprs = append(exprs, "count("+QuoteIdent(c)+")", "count(DISTINCT "+QuoteIdent(c)+")")
	}
	vals := make([]int64, len(exprs))
	ptrs := make([]any, len(exprs))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := q.QueryRowContext(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM main.`+QuoteIdent(table)).Scan(ptrs...); err != nil {
		return nil, fmt.Errorf("check key columns of %s: %w", table, err)
	}
	stats := make(map[string]keyColumnStats, len(columns))
	for i, c := range columns {
		stats[c] = keyColumnStats{rows: vals[0], nonNull: vals[1+2*i], distinct: vals[2+2*i]}
	}
	return stats, nil
}

// keyVerdicts judges every column of a table as a key, in preference order: named
// like a key first (best rank first), then the others in table order. Columns
// whose values look like identifiers are checked for uniqueness only when asked
// (all) or when no named column qualifies; checking every column is a full scan each.
type keyVerdict struct {
	col       Column
	rank      int
	problem   string // why it can't be the key; "" and checked: it can
	checked   bool   // uniqueness and emptiness were counted
	contentOK bool   // values look like identifiers
}

func (v keyVerdict) usable() bool { return v.checked && v.problem == "" }

// check counts a column not yet counted, for a key asked for by name.
func (v *keyVerdict) check(ctx context.Context, q querier, table string) error {
	if v.checked || v.problem != "" {
		return nil
	}
	stats, err := keyStats(ctx, q, table, []string{v.col.Name})
	if err != nil {
		return err
	}
	v.problem, v.checked = stats[v.col.Name].problem(), true
	return nil
}

func judgeKeys(ctx context.Context, q querier, table string, cols []Column, all bool) ([]keyVerdict, error) {
	verdicts := make([]keyVerdict, 0, len(cols))
	for _, c := range cols {
		v := keyVerdict{col: c, rank: keyNameRank(c.Name)}
		if k := pii.ForColumn(c.Name, c.Type); k != pii.None {
			v.problem = fmt.Sprintf("personal data (%s): a key goes into every export", k)
		} else {
			v.problem = keyTypeProblem(c.Type)
		}
		verdicts = append(verdicts, v)
	}
	slices.SortStableFunc(verdicts, func(a, b keyVerdict) int {
		ra, rb := a.rank, b.rank
		if ra == 0 {
			ra = 100
		}
		if rb == 0 {
			rb = 100
		}
		return ra - rb
	})
	if err := sampleKeyValues(ctx, q, table, verdicts); err != nil {
		return nil, err
	}
	var check []string
	named := false
	for _, v := range verdicts {
		if v.problem == "" && v.rank > 0 {
			check = append(check, v.col.Name)
			named = true
		}
	}
	// Content-detected keys are a fallback: a few leading columns. Asked for all,
	// every column that could be a key is counted, so each gets a real reason.
	limit := 3
	for _, v := range verdicts {
		if v.problem == "" && v.rank == 0 && (all || v.contentOK && !named && limit > 0) {
			check = append(check, v.col.Name)
			limit--
		}
	}
	stats, err := keyStats(ctx, q, table, check)
	if err != nil {
		return nil, err
	}
	for i := range verdicts {
		v := &verdicts[i]
		if v.problem != "" {
			continue
		}
		if s, ok := stats[v.col.Name]; ok {
			v.problem, v.checked = s.problem(), true
		}
	}
	return verdicts, nil
}

// sampleKeyValues marks the columns whose first values look like identifiers,
// and catches personal data a column's name doesn't reveal (a "contact" of emails).
func sampleKeyValues(ctx context.Context, q querier, table string, verdicts []keyVerdict) error {
	var names []string
	for _, v := range verdicts {
		if v.problem == "" {
			names = append(names, v.col.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "CAST(" + QuoteIdent(n) + " AS VARCHAR)"
	}
	rows, err := q.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM main.`+QuoteIdent(table)+` LIMIT 200`)
	if err != nil {
		return fmt.Errorf("sample key columns of %s: %w", table, err)
	}
	defer rows.Close()
	samples := make([][]string, len(names))
	for rows.Next() {
		vals := make([]sql.NullString, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("sample key columns of %s: %w", table, err)
		}
		for i, v := range vals {
			if v.Valid {
				samples[i] = append(samples[i], v.String)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sample key columns of %s: %w", table, err)
	}
	for i, n := range names {
		for j := range verdicts {
			if verdicts[j].col.Name != n {
				continue
			}
			// Long numeric identifiers read like phone numbers; a name that says "id" settles it.
			if k := pii.FromValues(samples[i]); k != pii.None && (k != pii.Phone || verdicts[j].rank == 0) {
				verdicts[j].problem = fmt.Sprintf("its values are personal data (%s): a key goes into every export", k)
				continue
			}
			// Only text identifiers are found by content: a unique column of small
			// numbers (age in a short file) is a coincidence, not a key.
			ok := len(samples[i]) > 0 && verdicts[j].col.Type == "VARCHAR"
			for _, s := range samples[i] {
				ok = ok && looksLikeID().MatchString(s) && strings.ContainsAny(s, "0123456789")
			}
			verdicts[j].contentOK = ok
		}
	}
	return nil
}

// keyChoice is the key an import settled on and why.
type keyChoice struct {
	column    string
	reason    string
	surrogate bool // the column must be added
}

// chooseKey picks a table's key: the override if given (checked), else the key of
// the table this import replaces if it still qualifies, else the best column named
// like a key, else a column whose values look like identifiers, else a surrogate.
func chooseKey(ctx context.Context, q querier, table string, cols []Column, override, previous string) (keyChoice, []string, error) {
	if override == SurrogateKey && !hasColumn(cols, SurrogateKey) {
		return keyChoice{column: SurrogateKey, surrogate: true, reason: "asked for: the row's position in the file"}, nil, nil
	}
	verdicts, err := judgeKeys(ctx, q, table, cols, false)
	if err != nil {
		return keyChoice{}, nil, err
	}
	find := func(name string) *keyVerdict {
		for i := range verdicts {
			if verdicts[i].col.Name == name {
				return &verdicts[i]
			}
		}
		return nil
	}
	var notes []string
	if override != "" {
		v := find(override)
		if v == nil {
			return keyChoice{}, nil, fmt.Errorf("key column %q is not a column of %s (columns: %s)", override, table, columnList(cols))
		}
		if err := v.check(ctx, q, table); err != nil {
			return keyChoice{}, nil, err
		}
		if v.problem != "" {
			return keyChoice{}, nil, fmt.Errorf("key column %q can't be the key: %s", override, v.problem)
		}
		return keyChoice{column: override, reason: "asked for"}, nil, nil
	}
	if previous != "" {
		if previous == SurrogateKey && !hasColumn(cols, SurrogateKey) {
			return keyChoice{column: SurrogateKey, surrogate: true, reason: "kept from the previous import: the row's position in the file"}, nil, nil
		}
		if v := find(previous); v != nil {
			if err := v.check(ctx, q, table); err != nil {
				return keyChoice{}, nil, err
			}
			if v.problem == "" {
				return keyChoice{column: previous, reason: "kept from the previous import"}, nil, nil
			}
			notes = append(notes, fmt.Sprintf("the previous key %s can't be the key any more (%s)", previous, v.problem))
		} else {
			notes = append(notes, fmt.Sprintf("the previous key %s is no longer a column", previous))
		}
	}
	for _, v := range verdicts {
		if v.usable() && v.rank > 0 {
			return keyChoice{column: v.col.Name, reason: "unique, never empty, named like an ID"}, notes, nil
		}
	}
	for _, v := range verdicts {
		if v.usable() {
			return keyChoice{column: v.col.Name, reason: "unique, never empty, values look like identifiers"}, notes, nil
		}
	}
	name := SurrogateKey
	for i := 2; hasColumn(cols, name); i++ {
		name = fmt.Sprintf("%s_%d", SurrogateKey, i)
	}
	return keyChoice{column: name, surrogate: true, reason: "no column is a unique, never-empty identifier, so segscope added " + name + ": the row's position in the file"}, notes, nil
}

func hasColumn(cols []Column, name string) bool {
	return slices.ContainsFunc(cols, func(c Column) bool { return strings.EqualFold(c.Name, name) })
}

func columnList(cols []Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// addSurrogate puts the row's position first in the table. The table was just
// written in the file's order, and DuckDB numbers rows in a streaming pass that
// keeps that order (rowid can't serve: inside the import's transaction it counts
// from a transaction-local offset, and a user column called rowid would hide it).
func addSurrogate(ctx context.Context, tx *sql.Tx, table, column string) error {
	t := "main." + QuoteIdent(table)
	_, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE `+t+` AS SELECT CAST(row_number() OVER () AS BIGINT) AS `+QuoteIdent(column)+`, * FROM `+t)
	if err != nil {
		return fmt.Errorf("add the %s key: %w", column, err)
	}
	return nil
}

// KeyCandidates judges every column of a table as its key, the chosen one first,
// then the usable ones, then the rest with the reason each can't be the key. The
// surrogate is offered when the table doesn't have it yet.
func (w *Workspace) KeyCandidates(ctx context.Context, table string) ([]KeyCandidate, error) {
	info, err := w.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	cols, err := w.Columns(ctx, table)
	if err != nil {
		return nil, err
	}
	var verdicts []keyVerdict
	if info.Attached && info.Rows > attachKeyCheckRows {
		// Every column counted over 100M rows would take minutes: a sample.
		verdicts, err = w.judgeSample(ctx, table, cols)
	} else {
		verdicts, err = judgeKeys(ctx, w.db, table, cols, true)
	}
	if err != nil {
		return nil, err
	}
	var out []KeyCandidate
	for _, v := range verdicts {
		c := KeyCandidate{Column: v.col.Name, Type: v.col.Type, Chosen: v.col.Name == info.Key, Usable: v.usable(), Reason: v.problem}
		switch {
		case !v.checked && c.Reason == "":
			c.Reason = "its values don't look like identifiers"
		case c.Usable && c.Column == SurrogateKey && info.Key == SurrogateKey:
			c.Reason = "the row's position in the file, added by segscope"
		case c.Usable:
			c.Reason = "unique and never empty"
			if v.rank > 0 {
				c.Reason += ", named like an ID"
			}
		}
		out = append(out, c)
	}
	if !hasColumn(cols, SurrogateKey) && !info.Attached {
		out = append(out, KeyCandidate{Column: SurrogateKey, Type: "BIGINT", Usable: true, Reason: "added by segscope: the row's position in the file"})
	}
	slices.SortStableFunc(out, func(a, b KeyCandidate) int {
		rank := func(c KeyCandidate) int {
			switch {
			case c.Chosen:
				return 0
			case c.Usable:
				return 1
			}
			return 2
		}
		return rank(a) - rank(b)
	})
	return out, nil
}

// SetKey makes column the table's key, checking it as an import would; SurrogateKey
// adds the row-position column when the table lacks one. The segments of the table
// follow the new key, and the change is audited.
func (w *Workspace) SetKey(ctx context.Context, table, column string) error {
	err := w.WriteTx(ctx, func(tx *sql.Tx) error {
		var previous string
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(key_column), '') FROM segscope.tables WHERE table_name = ?`, table).Scan(&previous); err != nil {
			return err
		}
		cols, err := tableColumns(ctx, tx, table)
		if err != nil {
			return err
		}
		var choice keyChoice
		if rows, attached, err := w.AttachedRows(ctx, table); err != nil {
			return err
		} else if attached {
			// As at attach: no row positions, a sample above ten million rows.
			att, err := w.attachments(ctx)
			if err != nil {
				return err
			}
			res := ImportResult{Rows: rows}
			if err := attachKey(ctx, tx, table, cols, column, "", att[table], &res); err != nil {
				return err
			}
			choice.column = res.Key
		} else if choice, _, err = chooseKey(ctx, tx, table, cols, column, ""); err != nil {
			return err
		}
		if choice.surrogate {
			if err := addSurrogate(ctx, tx, table, choice.column); err != nil {
				return err
			}
		}
		if err := recordKey(ctx, tx, table, choice.column); err != nil {
			return err
		}
		_, err = w.AppendAudit(ctx, tx, ActionKeyChange, table, map[string]any{"key_column": choice.column, "previous": previous})
		return err
	})
	if err != nil {
		return fmt.Errorf("set the key of %s: %w", table, err)
	}
	w.TablesChanged()
	return nil
}

// recordKey writes column as table's key in segscope's metadata, and makes the
// table's segments follow it.
func recordKey(ctx context.Context, tx *sql.Tx, table, column string) error {
	var known bool
	if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM segscope.tables WHERE table_name = ?`, table).Scan(&known); err != nil {
		return err
	}
	var err error
	if known {
		_, err = tx.ExecContext(ctx, `UPDATE segscope.tables SET key_column = ? WHERE table_name = ?`, column, table)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO segscope.tables VALUES (?, ?, NULL)`, table, column)
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE segscope.segments SET key_column = ? WHERE table_name = ?`, column, table)
	return err
}

// RecordKey makes column the key of a table segscope itself made inside tx (an
// audience derived from events, one row per key), in the same transaction that
// made it, so that the table and its key commit together. The column is not
// checked as SetKey checks one: the caller made it unique and never empty. The
// caller audits the change with the rest of it, and calls TablesChanged once
// the transaction has committed.
func (w *Workspace) RecordKey(ctx context.Context, tx *sql.Tx, table, column string) error {
	if err := recordKey(ctx, tx, table, column); err != nil {
		return fmt.Errorf("record %s as the key of %s: %w", column, table, err)
	}
	return nil
}

// TablesChanged forgets what the workspace keeps about its tables (columns,
// personal data, row counts, orderings and Memo's values), as an import does:
// a change that makes or replaces a table outside Import and SetKey, or
// changes metadata a Memo holds, calls it after it commits.
func (w *Workspace) TablesChanged() {
	w.generation.Add(1)
	w.columns.Clear()
	w.memo.Clear()
}

// Memo returns what load returns for key, loading it once per generation of
// the workspace's tables (imports, SetKey and TablesChanged start a new one):
// for metadata read on every rule's compilation that changes only with them.
// An error is not kept. The value is shared: callers must not change it.
func (w *Workspace) Memo(key string, load func() (any, error)) (any, error) {
	// The generation is read before loading, so a value loaded across a
	// change is kept under the generation that change ended.
	k := fmt.Sprintf("%d\x00%s", w.generation.Load(), key)
	if v, ok := w.memo.Load(k); ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return nil, err
	}
	w.memo.Store(k, v)
	return v, nil
}
