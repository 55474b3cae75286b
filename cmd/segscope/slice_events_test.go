package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestSliceByAMeasureOfEvents groups the sample's subscribers by their
// number of views, and checks each range against SQL written by hand.
func TestSliceByAMeasureOfEvents(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	got := csvRecords(t, mustRun(t, ws, "slice", "subscribers", "--by", "count(views)", "--rule", "plan = 'basic'", "--format", "csv"))
	if strings.Join(got[0], ",") != "count(views),count,share" || len(got) < 4 {
		t.Fatalf("slice by count(views):\n%v", got)
	}
	var total int
	for _, r := range got[1:] {
		var lo, hi float64
		if _, err := fmt.Sscanf(strings.Replace(r[0], "–", " ", 1), "%g %g", &lo, &hi); err != nil {
			t.Fatalf("group %q: %v", r[0], err)
		}
		want := csvValue(t, ws, fmt.Sprintf(`select count(*) from subscribers s left join
			(select subscriber_id, count(*) as n from views group by subscriber_id) v using (subscriber_id)
			where plan = 'basic' and coalesce(n, 0) >= %g and coalesce(n, 0) < %g`, lo, hi))
		if r[1] != want {
			t.Errorf("group %s: %s subscribers, SQL says %s", r[0], r[1], want)
		}
		n, _ := strconv.Atoi(r[1])
		total += n
	}
	if want := csvValue(t, ws, "select count(*) from subscribers where plan = 'basic'"); strconv.Itoa(total) != want {
		t.Fatalf("the groups hold %d subscribers, the rule selects %s", total, want)
	}
	_, errOut, err := run(t, ws, "slice", "subscribers", "--by", "count(orders)")
	if err == nil || !strings.Contains(errOut, "orders is not an event table of subscribers (its event tables: views)") {
		t.Fatalf("a measure of a table that is not an event table: %v\n%s", err, errOut)
	}
}
