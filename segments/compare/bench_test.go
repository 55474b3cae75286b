package compare

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	sampledata "github.com/segscope/segscope/sample-data"
)

// The benchmarks compare churned subscribers with the rest on generated data:
// 100,000 rows by default, or SEGSCOPE_BENCH_ROWS. BenchmarkRawCompare runs the
// same three queries through duckdb-go directly; the ratio of the two is what
// segscope adds (compiling the segment, reading the schema, the statistics).

func benchCSV(b *testing.B) string {
	return filepath.Join(querytest.Data(b), sampledata.SubscribersFile)
}

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

func BenchmarkCompare(b *testing.B) {
	path := benchCSV(b)
	ws, store := openWorkspace(b)
	if _, err := ws.Import(context.Background(), path, query.ImportOptions{Table: "subscribers"}); err != nil {
		b.Fatal(err)
	}
	define(b, store, "churn_risk", "subscribers", "churned = true")
	b.ResetTimer()
	for b.Loop() {
		if _, err := Segments(context.Background(), ws, store, "churn_risk", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(querytest.Rows()), "rows")
}

// The subscribers' columns as Segments sorts them: compared as numbers (the date
// in days), text counted for distinct values, and the text that passes that count.
var (
	rawNumeric = []string{`"age"::DOUBLE`, `epoch("signup_date") / 86400`, `"monthly_price"::DOUBLE`, `"devices"::DOUBLE`,
		`"watch_hours_30d"::DOUBLE`, `"watch_hours_prev_30d"::DOUBLE`, `"completion_rate_30d"::DOUBLE`,
		`"completion_rate_prev_30d"::DOUBLE`, `"days_since_login"::DOUBLE`, `"sessions_30d"::DOUBLE`, `"support_tickets_90d"::DOUBLE`}
	rawText       = []string{"email", "first_name", "last_name", "phone", "country", "state", "parental_consent", "plan", "billing_cycle", "primary_device", "favorite_genre", "acquisition_channel", "churned"}
	rawCategories = []string{"country", "state", "parental_consent", "plan", "billing_cycle", "primary_device", "favorite_genre", "acquisition_channel", "churned"}
)

const rawMembership = `coalesce(("churned" = true), false) AS a, NOT coalesce(("churned" = true), false) AS b`

func rawCensusSQL() string {
	selects := []string{"(SELECT count(*) FROM subscribers)"}
	for _, c := range rawText {
		selects = append(selects, fmt.Sprintf(`approx_count_distinct("%s"::VARCHAR)`, c))
	}
	return "SELECT " + strings.Join(selects, ", ") + " FROM subscribers USING SAMPLE 10000 ROWS"
}

func rawSidesSQL() string {
	selects := []string{"side", "count(*)", "count(*) FILTER (WHERE a AND b)"}
	inner := []string{rawMembership}
	for i, e := range rawNumeric {
		inner = append(inner, fmt.Sprintf("%s AS v%d", e, i))
		for _, agg := range []string{"count", "avg", "var_samp", "min", "max"} {
			selects = append(selects, fmt.Sprintf("%s(v%d)", agg, i))
		}
		selects = append(selects, fmt.Sprintf("quantile_cont(v%d, [0.25, 0.5, 0.75])", i))
	}
	return "WITH s AS (SELECT " + strings.Join(inner, ", ") + " FROM subscribers) SELECT " + strings.Join(selects, ", ") +
		" FROM (SELECT true AS side, * FROM s WHERE a UNION ALL SELECT false, * FROM s WHERE b) GROUP BY side"
}

func rawCategoriesSQL() string {
	inner := []string{rawMembership}
	var which, value, sets []string
	for i, c := range rawCategories {
		inner = append(inner, fmt.Sprintf(`"%s"::VARCHAR AS v%d`, c, i))
		which = append(which, fmt.Sprintf("WHEN grouping(v%d) = 0 THEN %d", i, i))
		value = append(value, fmt.Sprintf("WHEN grouping(v%d) = 0 THEN v%d", i, i))
		sets = append(sets, fmt.Sprintf("(v%d)", i))
	}
	return "SELECT CASE " + strings.Join(which, " ") + " END, CASE " + strings.Join(value, " ") + " END, " +
		"count(*) FILTER (WHERE a), count(*) FILTER (WHERE b) FROM (SELECT " + strings.Join(inner, ", ") + " FROM subscribers) " +
		"GROUP BY GROUPING SETS (" + strings.Join(sets, ", ") + ")"
}

func BenchmarkRawCompare(b *testing.B) {
	path := benchCSV(b)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE subscribers AS SELECT * FROM read_csv('` + path + `')`); err != nil {
		b.Fatal(err)
	}
	queries := []string{rawCensusSQL(), rawSidesSQL(), rawCategoriesSQL()}
	b.ResetTimer()
	for b.Loop() {
		for _, q := range queries {
			rows, err := db.Query(q)
			querytest.Drain(b, rows, err)
		}
	}
	b.ReportMetric(float64(querytest.Rows()), "rows")
}
