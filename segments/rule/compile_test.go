package rule_test

import (
	"testing"

	"github.com/segscope/segscope/segments/rule"
)

func TestCompile(t *testing.T) {
	tests := []struct{ src, want string }{
		{
			"plan in ('premium','family') and days_since_login > 30 and completion_rate < 0.4 and not segment('trialists')",
			`(("plan" IN ('premium', 'family')) AND ("days_since_login" > 30) AND ("completion_rate" < 0.4) AND (NOT coalesce(("plan" = 'trial'), FALSE)))`,
		},
		{"last_login < ago(30 days)", `("last_login" < CAST(current_timestamp - INTERVAL 30 DAY AS TIMESTAMP))`},
		{"signup_date >= ago(1 year)", `("signup_date" >= CAST(current_timestamp - INTERVAL 1 YEAR AS TIMESTAMP))`},
		{"last_seen > ago(2 Weeks) or last_seen > ago(3 hours)", `(("last_seen" > CAST(current_timestamp - INTERVAL 2 WEEK AS TIMESTAMP)) OR ("last_seen" > CAST(current_timestamp - INTERVAL 3 HOUR AS TIMESTAMP)))`},
		{"signup_date = date '2026-01-01'", `("signup_date" = DATE '2026-01-01')`},
		{"last_login < timestamp '2026-01-01T10:00'", `("last_login" < TIMESTAMP '2026-01-01 10:00:00')`},
		{"last_login < timestamp '2026-01-01 10:00:00.25'", `("last_login" < TIMESTAMP '2026-01-01 10:00:00.25')`},
		{"plan != 'a' and plan <> 'b'", `(("plan" <> 'a') AND ("plan" <> 'b'))`},
		{"email contains '@gmail'", `contains("email", '@gmail')`},
		{"contains(email, '@gmail')", `contains("email", '@gmail')`},
		{"name starts_with 'A'", `starts_with("name", 'A')`},
		{"name not starts_with 'A'", `(NOT starts_with("name", 'A'))`},
		{"email not like '%@gmail.com' or email ilike '%X%'", `(("email" NOT LIKE '%@gmail.com') OR ("email" ILIKE '%X%'))`},
		{"plan not in ('a')", `("plan" NOT IN ('a'))`},
		{"days_since_login not between 1 and 2", `("days_since_login" NOT BETWEEN 1 AND 2)`},
		{"tags is null or active is not null", `(("tags" IS NULL) OR ("active" IS NOT NULL))`},
		{"active", `"active"`},
		{"not active = false", `(NOT coalesce(("active" = FALSE), FALSE))`},
		{`"full name" = 'O''Brien' and "weird""score" > 1`, `(("full name" = 'O''Brien') AND ("weird""score" > 1))`},
		{"active or plan = 'a' and not active", `("active" OR (("plan" = 'a') AND (NOT coalesce("active", FALSE))))`},
		{"days_since_login * 2 + 1 > 61", `(((CAST("days_since_login" AS DOUBLE) * 2) + 1) > 61)`},
		{"1 + days_since_login * 2 > 61", `((1 + (CAST("days_since_login" AS DOUBLE) * 2)) > 61)`},
		{"-days_since_login < -40", `((- CAST("days_since_login" AS DOUBLE)) < -40)`},
		{"days_since_login - -5 > - (3)", `((CAST("days_since_login" AS DOUBLE) - -5) > -3)`},
		{"completion_rate > 1e21 or completion_rate < 0.000001 or id = 007", `(("completion_rate" > 1e+21) OR ("completion_rate" < 1e-06) OR ("id" = 7))`},
		{"id > 99999999999999999999", `("id" > 1e+20)`},
		{"round(completion_rate, 2) = 0.5 and abs(revenue) > floor(ceil(1.5))", `((round("completion_rate", 2) = 0.5) AND (abs("revenue") > floor(ceil(1.5))))`},
		{"date_diff('Days', signup_date, last_login) > 7", `(date_diff('day', "signup_date", "last_login") > 7)`},
		{"coalesce(days_since_login, 0) = least(1, 2, greatest(3, 4))", `(coalesce("days_since_login", 0) = least(1, 2, greatest(3, 4)))`},
		{"year(signup_date) = 2025 and month(last_login) = 1 and day(last_seen) = 2", `((year("signup_date") = 2025) AND (month("last_login") = 1) AND (day("last_seen") = 2))`},
		{"LOWER(Plan) = 'x' AND Upper(plan) = trim(name) AND length(NAME) > 1", `((lower("plan") = 'x') AND (upper("plan") = trim("name")) AND (length("name") > 1))`},
		{"segment('dormant_premium') or segment('gmail')", `((("last_login" < CAST(current_timestamp - INTERVAL 30 DAY AS TIMESTAMP)) AND ("plan" = 'premium')) OR contains("email", '@gmail'))`},
		{"segment('dormant') and segment('dormant_premium')", `(("last_login" < CAST(current_timestamp - INTERVAL 30 DAY AS TIMESTAMP)) AND (("last_login" < CAST(current_timestamp - INTERVAL 30 DAY AS TIMESTAMP)) AND ("plan" = 'premium')))`},
		{"signup_date between date '2025-01-01' and ago(3 months)", `("signup_date" BETWEEN DATE '2025-01-01' AND CAST(current_timestamp - INTERVAL 3 MONTH AS TIMESTAMP))`},
		{"((((active))))", `"active"`},
		{"name = 'x'' or 1=1 --'", `("name" = 'x'' or 1=1 --')`},
		{"name = '\\'", `("name" = '\')`},
		// Text and 0/1 compared with a boolean are read as true or false.
		{"active = 'Yes'", `("active" = TRUE)`},
		{"active != 'no'", `("active" <> FALSE)`},
		{"active in ('Y', 'n', 'TRUE', 'f', ' yes ')", `("active" IN (TRUE, FALSE, TRUE, FALSE, TRUE))`},
		{"'t' = active", `(TRUE = "active")`},
		{"active = 1 or active = 0 or active = 1.0", `(("active" = TRUE) OR ("active" = FALSE) OR ("active" = TRUE))`},
		{"active between 'no' and '1'", `("active" BETWEEN FALSE AND TRUE)`},
		{"coalesce('no', active) = 'yes'", `(coalesce(FALSE, "active") = TRUE)`},
		{"(plan = 'yes') = 'yes'", `(coalesce(("plan" = 'yes'), FALSE) = TRUE)`},
		// not flips membership: what it negates is never unknown. Forms that
		// are never NULL are not wrapped; x not in, not like, not between
		// and not contains are comparisons and stay as SQL has them.
		{"not (days_since_login > 30)", `(NOT coalesce(("days_since_login" > 30), FALSE))`},
		{"not not active", `(NOT (NOT coalesce("active", FALSE)))`},
		{"not (plan is null) and not true", `((NOT ("plan" IS NULL)) AND (NOT TRUE))`},
		{"not (active and plan = 'a')", `(NOT coalesce(("active" AND ("plan" = 'a')), FALSE))`},
		{"not segment('gmail')", `(NOT coalesce(contains("email", '@gmail'), FALSE))`},
		{"email not contains '@gmail' and not (email contains '@gmail')", `((NOT contains("email", '@gmail')) AND (NOT coalesce(contains("email", '@gmail'), FALSE)))`},
		{"segment('trialists') = false", `(coalesce(("plan" = 'trial'), FALSE) = FALSE)`},
		{"active in ((plan = 'a'), (days_since_login between 1 and 2))", `("active" IN (coalesce(("plan" = 'a'), FALSE), coalesce(("days_since_login" BETWEEN 1 AND 2), FALSE)))`},
		{"coalesce(days_since_login > 3, active)", `coalesce(coalesce(("days_since_login" > 3), FALSE), "active")`},
	}
	for _, tc := range tests {
		got, err := rule.Compile(tc.src, testSchema, resolve)
		if err != nil {
			t.Errorf("Compile(%q): %v", tc.src, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Compile(%q)\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	const src = "plan in ('premium','family') and days_since_login > 30 and completion_rate < 0.4 and " +
		"not segment('trialists') and (email contains '@gmail' or lower(\"full name\") like 'a%') and " +
		"last_login < ago(30 days) and date_diff('day', signup_date, last_login) between 7 and 90"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rule.Compile(src, testSchema, resolve); err != nil {
			b.Fatal(err)
		}
	}
}
