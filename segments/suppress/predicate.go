package suppress

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/colname"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments/identifier"
)

// Predicate returns a trusted predicate over table's rows that is true for
// every row whose key, email or phone is on a suppression list, and false (never
// NULL) for the rest; "" when no list holds anything that could match. It is
// worked out against the lists and columns as they are now, so a table imported
// again is matched afresh: entries belong to no table.
//
// The salt is read by a subquery rather than written into the text, so the
// predicate can be recorded (in a manifest) without it.
func (s *Service) Predicate(ctx context.Context, table string) (string, error) {
	where, err := s.predicate(ctx, table)
	if err != nil {
		return "", fmt.Errorf("suppression lists for %s: %w", table, err)
	}
	return where, nil
}

func (s *Service) predicate(ctx context.Context, table string) (string, error) {
	db := s.ws.DB()
	ok, err := hasTable(ctx, db, "suppressions")
	if err != nil || !ok {
		return "", err
	}
	kinds, err := listedKinds(ctx, db)
	if err != nil || len(kinds) == 0 {
		return "", err
	}
	exprs, err := s.identifiers(ctx, table, kinds)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, e := range exprs {
		parts = append(parts, lookup(e.kind, e.sql))
	}
	if len(parts) == 0 {
		return "", nil
	}
	return "coalesce(" + strings.Join(parts, " OR ") + ", false)", nil
}

// Match returns a trusted predicate over table's rows that is true for every
// row holding the identifier, normalized as Normalize gives it, in a column of
// its kind (the key, or any column of emails or phone numbers); "" when the
// table has no such column. It is how a person is found by what a suppression
// list would know them by.
func (s *Service) Match(ctx context.Context, table string, k Kind, normalized string) (string, error) {
	exprs, err := s.identifiers(ctx, table, []Kind{k})
	if err != nil {
		return "", fmt.Errorf("find %s in %s: %w", k, table, err)
	}
	var parts []string
	for _, e := range exprs {
		parts = append(parts, e.sql+" = "+query.QuoteString(normalized))
	}
	if len(parts) == 0 {
		return "", nil
	}
	return "coalesce(" + strings.Join(parts, " OR ") + ", false)", nil
}

// idColumn is a table's column normalized in SQL as Normalize normalizes its kind.
type idColumn struct {
	kind Kind
	sql  string
}

// identifiers lists the normalized columns of table for the kinds asked: its
// key, the columns Workspace.PersonalData says hold emails or phone numbers.
func (s *Service) identifiers(ctx context.Context, table string, kinds []Kind) ([]idColumn, error) {
	info, err := s.ws.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	cols, err := s.ws.Columns(ctx, table)
	if err != nil {
		return nil, err
	}
	personal, err := s.ws.PersonalData(ctx, table)
	if err != nil {
		return nil, err
	}
	var out []idColumn
	if slices.Contains(kinds, Key) && info.Key != "" {
		out = append(out, idColumn{Key, keySQL(query.QuoteIdent(info.Key))})
	}
	country := countryColumn(cols)
	for _, c := range cols {
		col := "CAST(" + query.QuoteIdent(c.Name) + " AS VARCHAR)"
		switch {
		case personal[c.Name] == pii.Email && slices.Contains(kinds, Email):
			out = append(out, idColumn{Email, "lower(" + keySQL(col) + ")"})
		case personal[c.Name] == pii.Phone && slices.Contains(kinds, Phone):
			if err := registerE164(ctx, s.ws.DB()); err != nil {
				return nil, err
			}
			region := "NULL"
			if country != "" {
				region = "CAST(" + query.QuoteIdent(country) + " AS VARCHAR)"
			}
			out = append(out, idColumn{Phone, e164Function + "(" + col + ", " + region + ")"})
		}
	}
	return out, nil
}

// keySQL trims a text expression as keyText does.
func keySQL(expr string) string {
	return "trim(CAST(" + expr + " AS VARCHAR), " + query.QuoteString(whitespace) + ")"
}

// lookup is true when the normalized value's hash is listed for kind; NULL for a
// NULL value. hashSQL of Hash.
func lookup(k Kind, normalized string) string {
	return "sha256((SELECT salt FROM segscope.suppression_salt) || " + query.QuoteString(":"+string(k)+":") + " || " + normalized +
		") IN (SELECT hash FROM segscope.suppressions WHERE kind = " + query.QuoteString(string(k)) + ")"
}

func listedKinds(ctx context.Context, db *sql.DB) ([]Kind, error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT kind FROM segscope.suppressions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Kind
	for rows.Next() {
		var k Kind
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// countryColumn is the column a table's phone numbers without a country code are
// read in: country, country_code or country_iso, as customer-match files find it.
func countryColumn(cols []query.Column) string {
	for _, c := range cols {
		w := colname.Words(c.Name)
		if len(w) > 0 && w[0] == "country" && (len(w) == 1 || len(w) == 2 && (w[1] == "code" || w[1] == "iso")) {
			return c.Name
		}
	}
	return ""
}

// e164Function normalizes a phone number in DuckDB as identifier.E164 does in
// Go (it is that function): libphonenumber is not in DuckDB. NULL when invalid.
const e164Function = "segscope_e164"

type e164UDF struct{}

func (e164UDF) Config() duckdb.ScalarFuncConfig {
	text, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	// SpecialNullHandling, so a number with no country beside it is still read.
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{text, text}, ResultTypeInfo: text, SpecialNullHandling: true}
}

func (e164UDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		raw, _ := values[0].(string)
		region, _ := values[1].(string)
		if n, ok := identifier.E164(raw, region); ok {
			return n, nil
		}
		return nil, nil
	}}
}

// registering serialises the check-then-register of the function, which lives
// in the database's catalog.
var registering sync.Mutex

func registerE164(ctx context.Context, db *sql.DB) error {
	registering.Lock()
	defer registering.Unlock()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_functions() WHERE function_name = ?`, e164Function).Scan(&exists); err != nil || exists {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := duckdb.RegisterScalarUDF(conn, e164Function, &e164UDF{}); err != nil {
		return fmt.Errorf("prepare phone matching: %w", err)
	}
	return nil
}
