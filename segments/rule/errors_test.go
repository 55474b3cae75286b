package rule_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments/rule"
)

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		at   string   // the error is at the first occurrence of this text in src,
		pos  int      // or, when not 0, at this byte offset
		want []string // pieces of Error()
	}{
		// Lexical.
		{"unexpected char", "plan = 'a' # x", "#", 0, []string{`unexpected character '#'`}},
		{"unexpected char at", "plan @ 'a'", "@", 0, []string{`unexpected character '@'`}},
		{"semicolon", "plan = 'a'; drop table t", ";", 0, []string{`unexpected character ';'`, "statements are not allowed"}},
		{"unterminated string", "plan = 'abc", "'abc", 0, []string{"unterminated string", "''"}},
		{"unterminated column", `"full name = 'a'`, `"full`, 0, []string{"unterminated quoted column name"}},
		{"empty column", `"" = 'a'`, `""`, 0, []string{"empty column name"}},
		{"line comment", "plan = 'a' -- hi", "--", 0, []string{"comments are not allowed"}},
		{"block comment", "plan = /* x */ 'a'", "/*", 0, []string{"comments are not allowed"}},
		{"right single quote", "plan = ’premium’", "’", 0, []string{"unexpected character '’' (U+2019)", "plain '"}},
		{"left single quote", "plan = ‘premium’", "‘", 0, []string{"U+2018", "plain '"}},
		{"fullwidth quote", "plan = ＇a＇", "＇", 0, []string{"U+FF07", "plain '"}},
		{"curly double quotes", "“full name” = 'a'", "“", 0, []string{"U+201C", `plain "`}},
		{"backtick", "`plan` = 'a'", "`", 0, []string{"unexpected character '`'", `plain "`}},
		{"double equals", "plan == 'a'", "==", 0, []string{`unexpected "=="`, "use = to compare"}},
		{"pipes", "active || plan = 'a'", "||", 0, []string{"use or"}},
		{"bang", "!active", "!", 0, []string{"use not"}},
		{"cast", "plan::varchar = 'a'", ":", 0, []string{`unexpected character ':'`}},
		{"malformed number", "days_since_login > 30days", "30days", 0, []string{`malformed number "30days"`}},
		{"number out of range", "completion_rate < 1e400", "1e400", 0, []string{"number out of range"}},
		{"NUL in string", "plan = 'a\x00b'", "\x00", 0, []string{"NUL bytes are not allowed"}},
		{"NUL outside", "plan = 'a'\x00", "\x00", 0, []string{"unexpected character", "U+0000"}},
		{"invalid UTF-8", "plan = 'a\xffb'", "\xff", 0, []string{"invalid UTF-8 byte 0xff"}},
		{"errors in text order", "plan = = 'unterminated", "= '", 0, []string{`unexpected "="`}},

		// Syntax.
		{"end of rule", "plan = ", "", 0, []string{"unexpected end of rule", "expected a column, a value or"}},
		{"dangling and", "plan = 'a' and", "", 0, []string{"unexpected end of rule"}},
		{"missing paren", "(plan = 'a'", "", 0, []string{`expected an operator or ")"`}},
		{"unmatched paren", "plan = 'a')", ")", 0, []string{`unmatched ")"`}},
		{"in without list", "plan in 'a'", "'a'", 0, []string{"unexpected string 'a'", `expected "(" and a list of values`}},
		{"empty in", "plan in ()", ")", 0, []string{"empty in list"}},
		{"in missing comma", "plan in ('a' 'b')", "'b'", 0, []string{`expected "," or ")"`}},
		{"between without and", "days_since_login between 1 or 2", "or", 0, []string{`expected and, as in "between 1 and 10"`}},
		{"is without null", "plan is 'x'", "'x'", 0, []string{"expected null or not null"}},
		{"misspelt keyword", "plan = 'a' adn active", "adn", 0, []string{`unexpected "adn"`, `did you mean "and"?`}},
		{"chained comparison", "days_since_login > 1 < 5", "<", 0, []string{"comparisons cannot be chained", "combine them with and"}},
		{"keyword as operand", "plan = and", "and", 0, []string{`unexpected "and"`}},
		{"null compare", "plan = null", "null", 0, []string{"null can only be tested with is null"}},
		{"subquery", "plan in (select plan from t)", "plan from", 0, []string{`unexpected "plan"`, `expected "," or ")"`}},
		{"trailing comma", "lower(plan,) = 'a'", ")", 0, []string{`unexpected ")", expected a column`}},
		{"no arguments", "lower() = 'a'", "lower", 0, []string{"lower takes 1 argument, got 0"}},
		{"unary plus", "days_since_login > +1", "+", 0, []string{`unexpected "+"`}},

		// Names.
		{"unknown column", "day_since_login > 3", "day_since_login", 0, []string{`unknown column "day_since_login"`, `did you mean "days_since_login"?`}},
		{"unknown column fragment", "since_login > 3", "since_login", 0, []string{`did you mean "days_since_login"?`}},
		{"unknown quoted column", `"fullname" = 'a'`, `"fullname"`, 0, []string{`unknown column "fullname"`, `did you mean "full name"?`}},
		{"unknown function", "lowr(plan) = 'a'", "lowr", 0, []string{`unknown function "lowr"`, `did you mean "lower"?`}},
		{"transposed function", "lenght(plan) > 3", "lenght", 0, []string{`did you mean "length"?`}},
		{"file function", "read_csv('/etc/passwd') is null", "read_csv", 0, []string{`unknown function "read_csv"`}},
		{"arity", "lower(plan, plan) = 'a'", "lower", 0, []string{"lower takes 1 argument, got 2"}},
		{"variadic arity", "coalesce(plan) = 'a'", "coalesce", 0, []string{"coalesce takes at least 2 arguments, got 1"}},
		{"date_diff unit", "date_diff('fortnight', signup_date, last_login) > 1", "'fortnight'", 0, []string{"date_diff needs a unit", "'day'"}},
		{"date_diff unit typo", "date_diff('dya', signup_date, last_login) > 1", "'dya'", 0, []string{`did you mean "day"?`}},
		{"round digits", "round(completion_rate, 1.5) = 1", "1.5", 0, []string{"round needs a number of digits"}},
		{"ago unit", "last_login < ago(30 dayz)", "dayz", 0, []string{`unknown unit "dayz"`, `did you mean "days"?`}},
		{"ago amount", "last_login < ago(1.5 days)", "1.5", 0, []string{"ago needs a whole number"}},
		{"ago no amount", "last_login < ago(days)", "days", 0, []string{"expected a whole number and a unit"}},
		{"ago too far", "last_login < ago(2000 years)", "2000", 0, []string{"ago reaches too far back", "1000 years"}},
		{"segment needs string", "segment(trialists)", "trialists", 0, []string{"expected the segment's name as a string"}},

		// Literals.
		{"bad date", "signup_date = date '2026-02-30'", "'2026", 0, []string{"invalid date '2026-02-30'", "YYYY-MM-DD"}},
		{"bad month", "signup_date = date '2026-13-01'", "'2026", 0, []string{"invalid date"}},
		{"date format", "signup_date = date '01/02/2026'", "'01", 0, []string{"invalid date"}},
		{"bad timestamp", "last_login > timestamp '2026-01-01 25:00:00'", "'2026", 0, []string{"invalid timestamp"}},
		{"year zero", "signup_date > date '0000-01-01'", "'0000", 0, []string{"year out of range"}},
		{"nanoseconds", "last_login > timestamp '2026-01-01 10:00:00.1234567'", "'2026", 0, []string{"microsecond"}},

		// Types.
		{"string vs number", "plan = 1", "=", 0, []string{`cannot compare "plan" (string) with 1 (number)`}},
		{"number vs quoted number", "days_since_login = '30'", "=", 0, []string{"write numbers without quotes"}},
		{"date vs string", "signup_date = '2026-01-01'", "=", 0, []string{"(date) with '2026-01-01' (string)", "write date '2026-01-01'"}},
		{"bool vs number", "active = 2", "2", 0, []string{"active is true/false, not 2 — write active = true or active = false"}},
		{"bool vs text", "active = 'maybe'", "'maybe'", 0, []string{"active is true/false, not 'maybe' — write active = true or active = false"}},
		{"bool in list", "active in ('yes', 'yess')", "'yess'", 0, []string{"active is true/false, not 'yess'"}},
		{"bool condition vs text", "(plan = 'a') = 'sure'", "'sure'", 0, []string{"is true/false, not 'sure' — compare it with true or false"}},
		{"bool vs text column", "active = plan", "=", 0, []string{`cannot compare "active" (boolean) with "plan" (string)`}},
		{"bool vs unquoted word", "active = Yes", "Yes", 0, []string{`unknown column "Yes" — active is true/false: write active = true`}},
		{"in list item", "plan in ('a', 2)", "in", 0, []string{"cannot compare"}},
		{"between bound", "days_since_login between 1 and 'x'", "between", 0, []string{"cannot compare"}},
		{"like number", "plan like 1", "1", 0, []string{"like needs a string, but 1 is a number"}},
		{"arithmetic string", "plan + 1 > 2", "plan", 0, []string{`"+" needs a number, but "plan" is a string`}},
		{"arithmetic date", "signup_date + 1 > 3", "signup_date", 0, []string{`"+" needs a number`}},
		{"and string", "plan and active", "plan", 0, []string{`and needs a boolean, but "plan" is a string`}},
		{"not number", "not days_since_login", "days_since_login", 0, []string{"not needs a boolean"}},
		{"minus string", "-plan > 1", "plan", 0, []string{"minus needs a number"}},
		{"rule not boolean", "days_since_login", "days_since_login", 0, []string{"a rule must be a condition", `"days_since_login" is a number`}},
		{"rule is arithmetic", "days_since_login + 1", "days_since_login", 0, []string{"a rule must be a condition"}},
		{"unsupported column", "tags = 'a'", "tags", 0, []string{`"tags" has a type rules cannot use`}},
		{"function arg", "lower(days_since_login) = 'a'", "days_since_login", 0, []string{"lower needs a string"}},
		{"year of string", "year(plan) = 2025", "plan", 0, []string{"year needs a date or timestamp"}},
		{"coalesce mixed", "coalesce(plan, 1) = 'a'", "1", 0, []string{"cannot compare"}},
		{"contains number", "email contains 1", "1", 0, []string{"contains needs a string"}},
		{"boolean ordered", "active > 1", ">", 0, []string{`"active" is true/false, which has no order`, "active = true or active = false"}},

		// Limits.
		{"too long", "plan = '" + strings.Repeat("x", rule.MaxRuleChars) + "'", "", rule.MaxRuleChars, []string{"a rule can be at most 10,000 characters; this one is 10,009"}},
		{"too long in characters", "plan = '" + strings.Repeat("é", rule.MaxRuleChars) + "'", "", len("plan = '") + 2*(rule.MaxRuleChars-len("plan = '")), []string{"this one is 10,009"}},
		{"deep parens", strings.Repeat("(", 100) + "active" + strings.Repeat(")", 100), "", rule.MaxDepth, []string{"nested too deeply", "64"}},
		{"deep not", strings.Repeat("not ", 100) + "active", "", 4 * rule.MaxDepth, []string{"nested too deeply"}},
		{"long arithmetic chain", "days_since_login" + strings.Repeat(" + 1", 100) + " > 0", "days_since_login", 0, []string{"nested too deeply"}},
		{"in list size", "id in (" + strings.Repeat("1, ", rule.MaxInList) + "1)", "", len("id in (") + 3*rule.MaxInList, []string{"in list has too many items", "1000"}},

		// Segments.
		{"cycle", "segment('cycle_a')", "segment", 0, []string{"segment cycle: cycle_a → cycle_b → cycle_c → cycle_a"}},
		{"self cycle", "segment('self')", "segment", 0, []string{"segment cycle: self → self"}},
		{"unknown segment", "segment('nope')", "segment", 0, []string{"segment 'nope': no such segment"}},
		{"broken segment", "active and segment('broken_parent')", "segment", 0, []string{"in segment broken_parent → broken: at column 6: cannot compare"}},
		{"segment depth", "segment('deep1')", "segment", 0, []string{"segment references are nested too deeply (the limit is 5): deep1 → deep2 → deep3 → deep4 → deep5 → deep6"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rule.Compile(tc.src, testSchema, resolve)
			var rerr *rule.Error
			if !errors.As(err, &rerr) {
				t.Fatalf("Compile(%q) = %v, want a *rule.Error", tc.src, err)
			}
			wantPos := len(tc.src)
			switch {
			case tc.pos != 0:
				wantPos = tc.pos
			case tc.at != "":
				wantPos = strings.Index(tc.src, tc.at)
			}
			if rerr.Pos != wantPos {
				t.Errorf("Pos = %d, want %d (%v)", rerr.Pos, wantPos, err)
			}
			if rerr.End < rerr.Pos || rerr.End > len(tc.src) {
				t.Errorf("End = %d outside [%d, %d]", rerr.End, rerr.Pos, len(tc.src))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct{ src, want string }{
		{"active and day_since_login > 3", `at column 12: unknown column "day_since_login" — did you mean "days_since_login"?`},
		{"plan = 'a'\n  and x = 1", `at line 2, column 7: unknown column "x"`},
		{"name = 'Zoë' and nme = 'x'", `at column 18: unknown column "nme" — did you mean "name"?`},
		{"plan = ", `at column 8: unexpected end of rule, expected a column, a value or "("`},
		{"plan = premium", `at column 8: unknown column "premium" — for the text 'premium', put it in single quotes`},
	}
	for _, tc := range tests {
		_, err := rule.Compile(tc.src, testSchema, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Compile(%q) error\n got %v\nwant %s", tc.src, err, tc.want)
		}
	}
	var rerr *rule.Error
	_, err := rule.Compile("plan = 1", testSchema, nil)
	if !errors.As(err, &rerr) || rerr.Token != "=" || rerr.Line != 1 || rerr.Col != 6 {
		t.Errorf("type error = %#v, want Token \"=\" at line 1 column 6", err)
	}
	_, err = rule.Compile("lowr(plan) = 'a'", testSchema, nil)
	if !errors.As(err, &rerr) || rerr.Token != "lowr" || rerr.Suggestion != "lower" {
		t.Errorf("unknown function error = %#v", err)
	}
}

func TestSegmentsUnavailable(t *testing.T) {
	_, err := rule.Compile("active and segment('trialists')", testSchema, nil)
	if err == nil || !strings.Contains(err.Error(), "at column 12: segment references are not available here") {
		t.Errorf("got %v", err)
	}
}

func TestCompileNamedCycle(t *testing.T) {
	// Editing trialists to refer to a segment that refers back to it.
	res := func(name string) (string, error) {
		if name == "vip" {
			return "segment('trialists') and active", nil
		}
		return resolve(name)
	}
	_, err := rule.CompileNamed("trialists", "segment('vip')", testSchema, res)
	if err == nil || !strings.Contains(err.Error(), "segment cycle: trialists → vip → trialists") {
		t.Errorf("got %v", err)
	}
}

func TestCheckWithoutSource(t *testing.T) {
	e, err := rule.Parse("plan = 1")
	if err != nil {
		t.Fatal(err)
	}
	err = rule.Check(e, testSchema)
	if err == nil || err.Error() != `at column 6: cannot compare "plan" (string) with 1 (number)` {
		t.Errorf("Check error = %v", err)
	}
}

func TestColumns(t *testing.T) {
	e, err := rule.Parse(`plan = 'a' and ("full name" like 'A%' or lower(plan) = 'b') and days_since_login in (1, id) and not segment('x')`)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rule.Columns(e), "|")
	if want := "plan|full name|days_since_login|id"; got != want {
		t.Errorf("Columns = %s, want %s", got, want)
	}
}

func TestTypeFromDuckDB(t *testing.T) {
	tests := map[string]rule.Type{
		"BIGINT": rule.TypeNumber, "integer": rule.TypeNumber, "DOUBLE": rule.TypeNumber, "DECIMAL(18,3)": rule.TypeNumber,
		"HUGEINT": rule.TypeNumber, "UBIGINT": rule.TypeNumber, "FLOAT": rule.TypeNumber,
		"VARCHAR": rule.TypeString, "VARCHAR(20)": rule.TypeString, "ENUM('a', 'b')": rule.TypeString,
		"BOOLEAN": rule.TypeBool, "DATE": rule.TypeDate,
		"TIMESTAMP": rule.TypeTimestamp, "TIMESTAMP WITH TIME ZONE": rule.TypeTimestamp, "TIMESTAMP_NS": rule.TypeTimestamp,
		"VARCHAR[]": rule.TypeOther, "INTEGER[3]": rule.TypeOther, "STRUCT(a INTEGER)": rule.TypeOther,
		"MAP(VARCHAR, INTEGER)": rule.TypeOther, "BLOB": rule.TypeOther, "INTERVAL": rule.TypeOther, "TIME": rule.TypeOther,
		"UUID": rule.TypeOther, "": rule.TypeUnknown,
	}
	for name, want := range tests {
		if got := rule.TypeFromDuckDB(name); got != want {
			t.Errorf("TypeFromDuckDB(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLookupPrefersExactCase(t *testing.T) {
	s := rule.Schema{Columns: []rule.Column{{Name: "Plan", Type: rule.TypeString}, {Name: "plan", Type: rule.TypeNumber}}}
	if sql, err := rule.Compile("plan = 1 and Plan = 'x'", s, nil); err != nil || sql != `(("plan" = 1) AND ("Plan" = 'x'))` {
		t.Errorf("got %q, %v", sql, err)
	}
	_, err := rule.Compile("PLAN = 1", s, nil)
	if err == nil || !strings.Contains(err.Error(), `ambiguous column "PLAN": the table has "Plan" and "plan"`) {
		t.Errorf("got %v", err)
	}
}

func TestTokens(t *testing.T) {
	src := `date > date '2026-01-01' and "full name" contains 'A' and lower(plan) in (1, -2.5) and x < ago(3 days) ’`
	var got []string
	for _, tok := range rule.Tokens(src) {
		if src[tok.Pos:tok.End] != tok.Text {
			t.Errorf("token %+v does not match the source", tok)
		}
		got = append(got, tok.Kind.String()+":"+tok.Text)
	}
	want := []string{
		"identifier:date", "operator:>", "keyword:date", "string:'2026-01-01'", "keyword:and",
		`identifier:"full name"`, "keyword:contains", "string:'A'", "keyword:and",
		"function:lower", "punct:(", "identifier:plan", "punct:)", "keyword:in", "punct:(", "number:1", "punct:,",
		"operator:-", "number:2.5", "punct:)", "keyword:and", "identifier:x", "operator:<", "function:ago", "punct:(",
		"number:3", "keyword:days", "punct:)", "error:’",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Tokens:\n got %v\nwant %v", got, want)
	}
	// Tolerant: scanning continues after bad input.
	toks := rule.Tokens("plan = 'oops -- x\n and ’ ; \xff active")
	if len(toks) == 0 || toks[len(toks)-1].Kind != rule.TokenError {
		t.Errorf("unterminated string should run to the end as an error token: %+v", toks)
	}
	toks = rule.Tokens("a ; b \xff c")
	var kinds []string
	for _, tok := range toks {
		kinds = append(kinds, tok.Kind.String())
	}
	if got := strings.Join(kinds, " "); got != "identifier error identifier error identifier" {
		t.Errorf("kinds = %s", got)
	}
}

// TestBoolHintNames checks that the fix offered for a boolean compared with
// a word that is not true or false names the column as it must be typed.
func TestBoolHintNames(t *testing.T) {
	s := rule.Schema{Columns: []rule.Column{
		{Name: "Churn", Type: rule.TypeBool}, {Name: "Is Senior", Type: rule.TypeBool},
		{Name: "in", Type: rule.TypeBool}, {Name: "2fa", Type: rule.TypeBool},
	}}
	tests := []struct{ src, want string }{
		{"Churn = 'maybe'", "Churn is true/false, not 'maybe' — write Churn = true or Churn = false"},
		{`"Is Senior" = 'maybe'`, `"Is Senior" is true/false, not 'maybe' — write "Is Senior" = true or "Is Senior" = false`},
		{`"in" = 'maybe'`, `write "in" = true`},
		{`"2fa" = 'maybe'`, `write "2fa" = true`},
		{"Churn = No", "Churn is true/false: write Churn = false"},
	}
	for _, tc := range tests {
		_, err := rule.Compile(tc.src, s, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Compile(%q) error %v, want it to contain %q", tc.src, err, tc.want)
		}
	}
}
