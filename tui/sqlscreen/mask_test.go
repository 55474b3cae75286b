package sqlscreen

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
)

// Result columns computed from personal data are masked on the screen like the
// columns themselves: no value of them is drawn until revealed.
func TestSQLScreenMasksDerivedColumns(t *testing.T) {
	m := newScreen(t, "subscribers")
	// Aliased, so that neither the column's name nor its content gives it away:
	// only the statement's lineage does.
	for _, sql := range []string{
		`select replace(email, '@', ' at ') as x from subscribers order by subscriber_id limit 5`,
		`select first_name || last_name as who from subscribers order by subscriber_id limit 5`,
		`select upper(email) as x from subscribers order by subscriber_id limit 5`,
		`select (select last_name from subscribers s2 where s2.subscriber_id = s.subscriber_id + 1) as y from subscribers s order by subscriber_id limit 5`,
		`select * from subscribers order by subscriber_id limit 5`,
		`with c as (select first_name as e from subscribers) select lower(e) as z from c limit 5`,
	} {
		msg := runSQL(m, sql)
		if msg.err != nil {
			t.Fatalf("%s: %v", sql, msg.err)
		}
		view := ansi.Strip(m.View())
		for i, col := range m.grid.Columns() {
			personal := col.Name == "email" || strings.HasSuffix(col.Name, "name") || col.Name == "phone" || i == 0 && !strings.HasPrefix(sql, "select *")
			if personal && !col.Masked() {
				t.Errorf("%s: column %s is not masked", sql, col.Name)
			}
			if !col.Masked() {
				continue
			}
			for _, row := range msg.res.Rows {
				if v := query.FormatValue(row[i]); len(v) > 3 && strings.Contains(view, v) {
					t.Errorf("%s: the screen shows %q of masked column %s", sql, v, col.Name)
				}
			}
		}
	}
}
