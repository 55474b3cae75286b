package rule_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/segments/rule"
)

// TestSchemaFromDuckDB checks that TypeFromDuckDB reads the test table the
// way testSchema describes it.
func TestSchemaFromDuckDB(t *testing.T) {
	db := openDB(t)
	rows, err := db.Query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []rule.Column
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		got = append(got, rule.Column{Name: name, Type: rule.TypeFromDuckDB(typ)})
	}
	if len(got) != len(testSchema.Columns) {
		t.Fatalf("table has %d columns, testSchema %d", len(got), len(testSchema.Columns))
	}
	for i, c := range got {
		if c != testSchema.Columns[i] {
			t.Errorf("column %d: DuckDB gives %+v, testSchema has %+v", i, c, testSchema.Columns[i])
		}
	}
}

func TestDuckDBAcceptance(t *testing.T) {
	db := openDB(t)
	tests := []struct {
		src  string
		want int
	}{
		{"plan in ('premium','family') and days_since_login > 30 and completion_rate < 0.4 and not segment('trialists')", 1},
		{"plan = 'premium'", 2},
		{"plan != 'premium'", 4},
		{"plan <> 'premium'", 4},
		{"days_since_login >= 31", 3},
		{"days_since_login between 10 and 45", 3},
		{"days_since_login not between 10 and 45", 2},
		{"completion_rate < 0.4", 3},
		{"revenue > 100", 2},
		{"revenue = 0", 1},
		{"revenue between 50 and 150", 3},
		{"active", 3},
		{"not active", 3}, // with row 6, where active is NULL
		{"active = false", 2},
		{"not (days_since_login > 30)", 3},
		{"days_since_login <= 30", 2},
		{"days_since_login not between 31 and 1000", 2},
		{"not (days_since_login between 31 and 1000)", 3},
		{"email not contains '@gmail'", 2},
		{"not (email contains '@gmail')", 3},
		{"not segment('gmail')", 3},
		{"not (segment('gmail') or active)", 1},
		{"not (not (days_since_login > 30))", 3},
		{"(days_since_login > 30) = false", 3},
		{"active = false", 2},
		{"active is null", 1},
		{"active = 'Yes'", 3},
		{"active != 'no'", 3},
		{"active in ('Y')", 3},
		{"active = 'true'", 3},
		{"active = 0", 2},
		{"active = 'F'", 2},
		{"active not in ('yes')", 2},
		{"signup_date >= date '2026-01-01'", 2},
		{"signup_date < date '2025-01-01'", 1},
		{"signup_date > ago(100 years)", 5},
		{"last_login < ago(30 days)", 3},
		{"last_seen > ago(2 weeks)", 2},
		{"last_login >= timestamp '2000-01-01 00:00:00'", 5},
		{"last_seen < timestamp '2999-01-01' and last_seen > date '2000-01-01'", 5},
		{`"full name" starts_with 'A'`, 1},
		{`"Full Name" = 'Ann Lee'`, 1},
		{`"full name" like '% %'`, 5},
		{`"full name" is null`, 1},
		{`"weird""score" >= 30`, 3},
		{"email contains '@gmail'", 3},
		{"contains(email, '@gmail') and active", 1},
		{"email not like '%@gmail.com'", 2},
		{"email ilike '%@GMAIL.COM'", 3},
		{"name = 'O''Brien'", 1},
		{"name = 'x'' or 1=1 --'", 1},
		{"lower(plan) = 'premium' and upper(plan) = 'PREMIUM'", 2},
		{"length(name) = 3", 4},
		{"trim('  premium ') = plan", 2},
		{"abs(days_since_login - 40) <= 5", 1},
		{"round(completion_rate * 10) = 9", 1},
		{"floor(completion_rate * 10) = 3", 1},
		{"ceil(completion_rate) = 1", 5},
		{"year(signup_date) = 2025", 2},
		{"month(signup_date) = 1 and day(signup_date) = 15", 1},
		{"date_diff('day', signup_date, date '2026-01-01') > 300", 2},
		{"date_diff('hour', last_login, last_seen) = 0", 5},
		{"coalesce(days_since_login, 0) = 0", 1},
		{"least(days_since_login, 20) = 20", 4}, // least and greatest skip NULLs
		{"greatest(signup_date, date '2025-06-01') = date '2025-06-01'", 4},
		{"days_since_login * 2 + 1 > 61", 3},
		{"-days_since_login < -40", 2},
		{"days_since_login / 2 = 5", 1},
		{"plan not in ('premium', 'family')", 2},
		{"id in (1, 3, 5)", 3},
		{"(plan = 'premium' or plan = 'trial') and not (days_since_login < 10)", 2},
		{"days_since_login > 30 and days_since_login < 60", 2},
		{"tags is null", 4},
		{"tags is not null", 2},
		{"segment('dormant_premium')", 1},
		{"segment('gmail') or segment('trialists')", 4},
		{"PLAN = 'premium' AND Active", 2},
		{"email is not null and \"full name\" is null", 0},
		{"id = 1 or id = 2 or id = 3", 3},
		{"starts_with(plan, 'fam')", 2},
		{"not (plan = 'basic')", 5},
		{"plan = 'a' or 1 = 1", 6},
		{"true", 6},
		{"false or id * 1000000000 * 1000000000 * 1000000000 > 0", 6}, // overflows BIGINT; DOUBLE does not
		{"revenue * revenue * revenue * revenue > 0", 4},
		{"days_since_login / 0 > 0", 5},
		{"date_diff('minute', date '0001-01-01', date '9999-12-31') > 0 and last_login > ago(1000 years)", 5},
	}
	for _, tc := range tests {
		sql, err := rule.Compile(tc.src, testSchema, resolve)
		if err != nil {
			t.Errorf("Compile(%q): %v", tc.src, err)
			continue
		}
		n, err := count(db, sql)
		if err != nil {
			t.Errorf("DuckDB rejects %q compiled to %s: %v", tc.src, sql, err)
			continue
		}
		if n != tc.want {
			t.Errorf("%q (%s) matches %d rows, want %d", tc.src, sql, n, tc.want)
		}
		checkPartition(t, db, tc.src)
	}
}

// checkPartition checks that a rule and its negation split the test table,
// which has a NULL in every column: membership is never unknown.
func checkPartition(t *testing.T, db *sql.DB, src string) {
	t.Helper()
	total := 0
	for _, r := range []string{src, "not (" + src + ")"} {
		where, err := rule.Compile(r, testSchema, resolve)
		if err != nil {
			t.Errorf("Compile(%q): %v", r, err)
			return
		}
		n, err := count(db, where)
		if err != nil {
			t.Errorf("DuckDB rejects %q compiled to %s: %v", r, where, err)
			return
		}
		total += n
	}
	if total != tableRows {
		t.Errorf("%q and its negation match %d rows between them, want all %d", src, total, tableRows)
	}
}

// TestDuckDBDepth compiles the deepest rule the limits allow, with segments
// nested to the limit, and checks that DuckDB still plans it (it refuses
// expressions nested more than 1000 deep).
func TestDuckDBDepth(t *testing.T) {
	db := openDB(t)
	// Each level reaches the next segment through as many nots as allowed.
	level := func(next string) string {
		return strings.Repeat("not ", rule.MaxDepth-1) + "segment('" + next + "')"
	}
	// The last one nests arithmetic, which also gains a DOUBLE cast per call.
	n := rule.MaxDepth/2 - 1
	last := strings.Repeat("abs(", n) + "days_since_login" + strings.Repeat(" + 1)", n) + " > 0"
	segs := map[string]string{}
	name := func(i int) string { return "s" + strings.Repeat("x", i) }
	for i := range rule.MaxSegmentDepth - 1 {
		segs[name(i)] = level(name(i + 1))
	}
	segs[name(rule.MaxSegmentDepth-1)] = last
	res := func(n string) (string, error) { return segs[n], nil }
	sql, err := rule.Compile(level(name(0)), testSchema, res)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := count(db, sql); err != nil {
		t.Fatalf("DuckDB rejects the deepest rule: %v", err)
	}
	if _, err := rule.Compile(strings.Repeat("(", rule.MaxDepth)+"active"+strings.Repeat(")", rule.MaxDepth), testSchema, nil); err != nil {
		t.Errorf("MaxDepth parentheses should be allowed: %v", err)
	}
}

// TestNestingStaysLinear guards against checks that re-examine operands:
// each of these would take 2^60 steps if any level looked at its operand
// twice.
func TestNestingStaysLinear(t *testing.T) {
	n := rule.MaxDepth - 4
	rules := []string{
		strings.Repeat("coalesce(", n) + "days_since_login" + strings.Repeat(", 1)", n) + " > 0",
		strings.Repeat("least(", n) + "days_since_login" + strings.Repeat(", 1, 2)", n) + " > 0",
		strings.Repeat("(", n) + "active" + strings.Repeat(" between false and true)", n),
		strings.Repeat("(", n) + "active" + strings.Repeat(" in (true, false))", n),
		strings.Repeat("(", n) + "active" + strings.Repeat(" = true)", n),
	}
	for _, src := range rules {
		start := time.Now()
		if _, err := rule.Compile(src, testSchema, nil); err != nil {
			t.Errorf("Compile(%.60q...): %v", src, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Compile(%.60q...) took %v", src, d)
		}
	}
}

// TestInjection tries to get something other than a predicate over t into
// the SQL. Each attempt is either rejected with a clear error or taken
// literally; the literal ones run against DuckDB, which must still have the
// table and all its rows afterwards.
func TestInjection(t *testing.T) {
	db := openDB(t)
	tests := []struct {
		name   string
		src    string
		reject string // a piece of the error, or "" when the rule is literal
		rows   int    // rows matched when literal
	}{
		{"stacked statement", "id = 1; drop table t", "';'", 0},
		{"stacked with comment", "plan = 'a'; DROP TABLE t; --", "';'", 0},
		{"newline then statement", "plan = 'a'\n; delete from t", "';'", 0},
		{"line comment", "plan = 'premium' -- and active", "comments are not allowed", 0},
		{"block comment", "plan = 'premium' /* or true */", "comments are not allowed", 0},
		{"comment glued to minus", "days_since_login--1 > 0", "comments are not allowed", 0},
		{"doubled quote", "name = 'O''Brien'", "", 1},
		{"quote and comment in value", "name = 'x'' or 1=1 --'", "", 1},
		{"tautology in value", "name = 'x'' OR ''1''=''1'", "", 0},
		{"statement in value", "name = ''';drop table t;--'", "", 0},
		{"backslash is literal", `name = 'a\' or 1=1 --'`, "comments are not allowed", 0},
		{"backslash value", `name like '%\'`, "", 0},
		{"escape string prefix", `name = E'\x27'`, "unexpected string", 0},
		{"dollar quoting", "name = $$x$$", "unexpected character '$'", 0},
		{"quote in column name", `"weird""score" = 10`, "", 1},
		{"breaking out of a column name", `"plan"" = 1 or ""x" = 'y'`, `unknown column "plan"" = 1 or ""x"`, 0},
		{"statement in column name", `"plan""; drop table t; --" = 'a'`, "unknown column", 0},
		{"read_csv", "read_csv('/etc/passwd') is not null", `unknown function "read_csv"`, 0},
		{"read_text", "read_text('/etc/passwd') = 'x'", `unknown function "read_text"`, 0},
		{"read_blob", "length(read_blob('/etc/passwd')) > 0", `unknown function "read_blob"`, 0},
		{"glob", "glob('/*') is null", "unknown function", 0},
		{"query", "query('select 1') is null", `unknown function "query"`, 0},
		{"query_table", "query_table('t') is null", "unknown function", 0},
		{"subquery", "plan in (select plan from t)", `unexpected "plan"`, 0},
		{"exists", "exists(select 1)", "unknown function", 0},
		{"install", "install httpfs", `unexpected "httpfs"`, 0},
		{"load", "load('httpfs') is null", "unknown function", 0},
		{"install call", "active or install('httpfs')", "unknown function", 0},
		{"setting", "current_setting('home_directory') = 'x'", "unknown function", 0},
		{"getenv", "getenv('HOME') = 'x'", "unknown function", 0},
		{"cast syntax", "plan::varchar = 'a'", "unexpected character ':'", 0},
		{"union", "plan = 'a' union select 1", `unexpected "union"`, 0},
		{"curly quotes", "plan = ’premium’ or 1=1", "U+2019", 0},
		{"left quote", "plan = ‘premium’", "U+2018", 0},
		{"curly double quotes", "“plan” = 'premium'", "U+201C", 0},
		{"fullwidth quote", "plan = ＇a＇", "U+FF07", 0},
		{"look-alike inside a string is literal", "name = 'O’Brien'", "", 0},
		{"NUL byte", "plan = 'a\x00'; drop table t", "NUL bytes", 0},
		{"segment name", "segment('x''); drop table t; --')", "no such segment", 0},
		{"1MB rule", "plan = '" + strings.Repeat("a", 1<<20) + "'", "a rule can be at most 10,000 characters", 0},
		{"100k-deep parentheses", strings.Repeat("(", 100_000) + "active" + strings.Repeat(")", 100_000), "a rule can be at most 10,000 characters", 0},
		{"4k-deep parentheses", strings.Repeat("(", 4_000) + "active" + strings.Repeat(")", 4_000), "nested too deeply", 0},
		{"4k-deep minus", "id > " + strings.Repeat("- ", 4_000) + "1", "nested too deeply", 0},
		{"100k-item in list", "id in (" + strings.Repeat("1,", 100_000) + "1)", "a rule can be at most 10,000 characters", 0},
		{"1001-item in list", "id in (" + strings.Repeat("1,", rule.MaxInList) + "1)", "too many items", 0},
		{"1000-item in list", "id in (" + strings.Repeat("1,", rule.MaxInList-1) + "2)", "", 2},
		// The limit counts characters, not bytes: these 9,000 are 18,000 bytes.
		{"9k characters of é", "name = '" + strings.Repeat("é", 9_000) + "'", "", 0},
		{"long string of quotes", "name = '" + strings.Repeat("''", 4_000) + "'", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sql, err := rule.Compile(tc.src, testSchema, resolve)
			if tc.reject != "" {
				var rerr *rule.Error
				if !errors.As(err, &rerr) {
					t.Fatalf("accepted, compiled to %.200s", sql)
				}
				if !strings.Contains(err.Error(), tc.reject) {
					t.Errorf("error %.300q does not mention %q", err, tc.reject)
				}
				return
			}
			if err != nil {
				t.Fatalf("rejected: %v", err)
			}
			n, err := count(db, sql)
			if err != nil {
				t.Fatalf("DuckDB rejects %s: %v", sql, err)
			}
			if n != tc.rows {
				t.Errorf("matched %d rows, want %d (%s)", n, tc.rows, sql)
			}
		})
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != tableRows {
		t.Errorf("after the injection attempts t has %d rows (%v), want %d", n, err, tableRows)
	}
}
