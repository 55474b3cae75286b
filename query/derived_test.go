package query

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/pii"
)

// contactsCSV has personal data found by name (email, names, phone) and by
// content only (contact holds emails), beside columns that are not personal.
func contactsCSV() string {
	var b strings.Builder
	b.WriteString("person_id,email,first_name,last_name,phone,contact,plan,age,score\n")
	for i := range 20 {
		fmt.Fprintf(&b, "%d,user%d@example.com,Ann%d,Lee%d,+44 20 7946 %04d,c%d@mail.example.org,gold,%d,%d.5\n", i+1, i, i, i, i, i, 20+i, i)
	}
	return b.String()
}

func peopleWorkspace(t *testing.T) *Workspace {
	t.Helper()
	// A file workspace: user SQL then runs on its private, locked-down instance
	// while the lineage is read from the workspace's own catalog.
	w, err := Open(context.Background(), filepath.Join(t.TempDir(), "crm.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	mustImport(t, w, writeFile(t, t.TempDir(), "people.csv", contactsCSV()), ImportOptions{})
	mustImport(t, w, writeFile(t, t.TempDir(), "plans.csv", "plan,price\ngold,9.5\nsilver,4.5\n"), ImportOptions{})
	return w
}

func TestPersonalDataByNameAndContent(t *testing.T) {
	t.Parallel()
	w := peopleWorkspace(t)
	kinds, err := w.PersonalData(context.Background(), "people")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pii.Kind{"person_id": pii.None, "email": pii.Email, "first_name": pii.Name, "last_name": pii.Name,
		"phone": pii.Phone, "contact": pii.Email, "plan": pii.None, "age": pii.None, "score": pii.None}
	for col, k := range want {
		if kinds[col] != k {
			t.Errorf("%s: %v, want %v", col, kinds[col], k)
		}
	}
}

// Every result column computed from personal data is masked; what is not
// personal stays readable.
func TestResultPIIFollowsTheStatement(t *testing.T) {
	t.Parallel()
	w := peopleWorkspace(t)
	masked := func(k pii.Kind) bool { return k != pii.None }
	for _, c := range []struct {
		sql  string
		want []bool // per result column: masked?
	}{
		{`SELECT email, plan FROM people`, []bool{true, false}},
		{`SELECT replace(email, '@', ' at ') FROM people`, []bool{true}},
		{`SELECT first_name || last_name AS who FROM people`, []bool{true}},
		{`SELECT upper(email) AS x, age FROM people`, []bool{true, false}},
		{`SELECT upper(contact) AS x FROM people`, []bool{true}},
		{`SELECT (SELECT email FROM people LIMIT 1) AS e, 1 AS one`, []bool{true, false}},
		{`SELECT p.plan, (SELECT max(q.email) FROM people q WHERE q.plan = p.plan) FROM plans p`, []bool{false, true}},
		{`SELECT * FROM people`, []bool{false, true, true, true, true, true, false, false, false}},
		{`SELECT * EXCLUDE (email, phone) FROM people`, []bool{false, true, true, true, false, false, false}},
		{`SELECT * REPLACE (plan || email AS plan) FROM people`, []bool{false, true, true, true, true, true, true, false, false}},
		{`SELECT p.* FROM plans x JOIN people p USING (plan)`, []bool{false, true, true, true, true, true, false, false, false}},
		{`SELECT * FROM plans JOIN people USING (plan)`, []bool{false, false, false, false, true, true, true, true, true, false, false}},
		{`WITH c AS (SELECT email AS e, plan FROM people) SELECT e, plan FROM c`, []bool{true, false}},
		{`WITH c(a, b) AS (SELECT first_name, plan FROM people) SELECT b, lower(a) FROM c`, []bool{false, true}},
		{`SELECT x FROM (SELECT last_name AS x FROM people) t`, []bool{true}},
		{`SELECT t.y FROM (SELECT plan, phone FROM people) t(x, y)`, []bool{true}},
		{`SELECT email FROM people UNION ALL SELECT plan FROM plans`, []bool{true}},
		{`SELECT plan, count(*), count(DISTINCT email), avg(age) FROM people GROUP BY ALL`, []bool{false, false, false, false}},
		{`SELECT email LIKE '%@example.com' AS ok, length(email) FROM people`, []bool{false, false}},
		{`SELECT string_agg(first_name, ',') FROM people`, []bool{true}},
		{`SELECT list_transform([email], x -> upper(x)) FROM people`, []bool{true}},
		{`SELECT struct_pack(e := email).e FROM people`, []bool{true}},
		{`SELECT CASE WHEN age > 30 THEN email ELSE 'young' END FROM people`, []bool{true}},
		// COLUMNS(*) is not followed: every column that can show text is masked.
		{`SELECT min(COLUMNS(*)) FROM people`, []bool{true, true, true, true, true, true, true, true, false}},
		{`WITH RECURSIVE r(n, e) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, e FROM r WHERE n < 2) SELECT r.e, p.email FROM r, people p`, []bool{true, true}},
		{`SELECT unnest(list(email)) FROM people`, []bool{true}},
		{`SELECT plan, price FROM plans`, []bool{false, false}},
		{`SELECT * FROM range(3)`, []bool{false}},
		{`SELECT e FROM (SELECT email AS e FROM people), range(2)`, []bool{true}},
		{`SELECT (SELECT email) FROM people`, []bool{true}},
		{`SELECT column_name FROM duckdb_columns() WHERE table_name = 'people'`, []bool{false}},
	} {
		res, err := w.Query(context.Background(), c.sql, 5)
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if len(res.PII) != len(c.want) {
			t.Errorf("%s: %d columns %v, want %d", c.sql, len(res.PII), res.Columns, len(c.want))
			continue
		}
		for i, k := range res.PII {
			if masked(k) != c.want[i] {
				t.Errorf("%s: column %d (%s) is %q, want masked=%v", c.sql, i, res.Columns[i].Name, k, c.want[i])
			}
		}
	}
}

// A bare reference keeps its column's mask; a computed value shows nothing.
func TestResultPIIKinds(t *testing.T) {
	t.Parallel()
	w := peopleWorkspace(t)
	res, err := w.Query(context.Background(), `SELECT email, replace(email, '@', ' at '), first_name || email FROM people`, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.PII[0] != pii.Email || res.PII[1] != pii.Derived(pii.Email) || res.PII[2] != pii.Derived(pii.Email) {
		t.Errorf("kinds %v", res.PII)
	}
	if got := pii.Mask(res.PII[1], query1(res, 1)); strings.Contains(got, "user0") || strings.Contains(got, "example") {
		t.Errorf("derived mask leaks: %q", got)
	}
}

func query1(res *Result, col int) string { return FormatValue(res.Rows[0][col]) }
