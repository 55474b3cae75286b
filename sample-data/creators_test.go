package sampledata

import (
	"slices"
	"strconv"
	"testing"
)

func TestCreators(t *testing.T) {
	tb := parse(t, CreatorsFile)
	if len(tb.col) != len(creatorHeader) || len(tb.rows) != DefaultOptions().Creators {
		t.Fatalf("got %d columns × %d rows, want %d × %d", len(tb.col), len(tb.rows), len(creatorHeader), DefaultOptions().Creators)
	}
	emails := make(map[string]bool)
	for i, row := range tb.rows {
		if id := tb.get(row, "customer_id"); id != strconv.Itoa(i+1) {
			t.Fatalf("row %d has customer_id %s", i+1, id)
		}
		e := normalizeEmail(tb.get(row, "email"))
		if emails[e] {
			t.Errorf("duplicate email %q", e)
		}
		emails[e] = true
		if o, _ := strconv.Atoi(tb.get(row, "orders")); o < 1 {
			t.Errorf("row %d: orders %d", i+1, o)
		}
		if num(t, tb.get(row, "total_spent")) <= 0 {
			t.Errorf("row %d: total_spent %s", i+1, tb.get(row, "total_spent"))
		}
		// ISO dates compare correctly as strings.
		if tb.get(row, "last_order_date") < tb.get(row, "signup_date") {
			t.Errorf("row %d: last order before signup", i+1)
		}
		if v := tb.get(row, "email_opt_in"); !slices.Contains([]string{"yes", "no", ""}, v) {
			t.Errorf("row %d: email_opt_in %q", i+1, v)
		}
		if v := tb.get(row, "sms_opt_in"); !slices.Contains([]string{"true", "false", ""}, v) {
			t.Errorf("row %d: sms_opt_in %q", i+1, v)
		}
	}
}
