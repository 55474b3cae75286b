package events_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/events"
)

// oddKey is a person whose key would end a statement it was written into.
const oddKey = "o'brien'); DROP TABLE people; --"

// peopleAndVisits is an audience of 40 people and their visits: person i has
// (i*i)%23 visits (some none), a day apart, with an amount; three visits have
// no person and two belong to someone not in people.
func peopleAndVisits(t *testing.T) *query.Workspace {
	t.Helper()
	ws := querytest.Empty(t)
	var people, visits strings.Builder
	people.WriteString("person_id,name\n")
	visits.WriteString("person_id,at,amount\n")
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := 1; i <= 40; i++ {
		key := fmt.Sprintf("p%02d", i)
		if i == 9 {
			key = oddKey
		}
		fmt.Fprintf(&people, "%q,name %d\n", key, i)
		for j := range (i * i) % 23 {
			fmt.Fprintf(&visits, "%q,%s,%d.5\n", key, start.Add(time.Duration(i*j)*24*time.Hour).Format("2006-01-02 15:04:05"), j)
		}
	}
	visits.WriteString(",2026-02-01 00:00:00,1\n,2026-02-02 00:00:00,1\n,2026-02-03 00:00:00,1\n")
	visits.WriteString("stranger,2026-02-01 00:00:00,1\nstranger,2026-02-05 00:00:00,1\n")
	querytest.ImportCSV(t, ws, "people", people.String())
	querytest.ImportCSV(t, ws, "visits", visits.String())
	if err := ws.SetKey(context.Background(), "people", "person_id"); err != nil {
		t.Fatal(err)
	}
	_, err := events.Setup(context.Background(), ws, events.Config{Table: "visits", Key: "person_id", Time: "at", Audience: "people", Amount: "amount"}, events.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func entry(t *testing.T, ws *query.Workspace, table string) events.Entry {
	t.Helper()
	e, err := events.Get(context.Background(), ws, table)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPerPersonMatchesHandWrittenSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := peopleAndVisits(t)
	d, err := events.PerPerson(ctx, ws, entry(t, ws, "visits"))
	if err != nil {
		t.Fatal(err)
	}
	const per = `(SELECT person_id, count(*) AS n FROM visits WHERE person_id IS NOT NULL GROUP BY person_id)`
	var people, evs, none, hi int64
	var med float64
	err = ws.DB().QueryRowContext(ctx, `SELECT count(*), sum(n), max(n), median(n),
		(SELECT count(*) FROM people WHERE person_id NOT IN (SELECT person_id FROM visits WHERE person_id IS NOT NULL)) FROM `+per).
		Scan(&people, &evs, &hi, &med, &none)
	if err != nil {
		t.Fatal(err)
	}
	if d.People != people || d.Events != evs || d.Max != hi || d.Median != med || d.None != none {
		t.Fatalf("distribution %+v, want people %d events %d max %d median %v none %d", d, people, evs, hi, med, none)
	}
	if none == 0 || people != 40-none+1 {
		// 40 people, those without visits, and the stranger who has some.
		t.Fatalf("fixture: %d people with visits, %d without", people, none)
	}
	var sum int64
	for i, b := range d.Bins {
		var want int64
		if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+per+` WHERE n >= ? AND n < ?`, b.Low, b.High).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if b.Count != want {
			t.Errorf("bin %v–%v holds %d people, want %d", b.Low, b.High, b.Count, want)
		}
		if i > 0 && b.Low != d.Bins[i-1].High {
			t.Errorf("bin %d starts at %v, after a bin ending at %v", i, b.Low, d.Bins[i-1].High)
		}
		if w := b.High - b.Low; w != 1 && w != 2 && w != 5 && w != 10 {
			t.Errorf("bin %d is %v wide, not a round width", i, w)
		}
		sum += b.Count
	}
	if sum != people || len(d.Bins) < 5 || len(d.Bins) > 25 {
		t.Fatalf("%d bins hold %d people, want all %d in 5 to 25 bins", len(d.Bins), sum, people)
	}
}

func TestPerPersonOfNoEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := querytest.Empty(t)
	querytest.ImportCSV(t, ws, "people", "person_id,name\na,x\nb,y\n")
	querytest.ImportCSV(t, ws, "visits", "person_id,at\n,2026-01-01\n")
	if _, err := events.Setup(ctx, ws, events.Config{Table: "visits", Key: "person_id", Audience: "people"}, events.Options{}); err != nil {
		t.Fatal(err)
	}
	d, err := events.PerPerson(ctx, ws, entry(t, ws, "visits"))
	if err != nil {
		t.Fatal(err)
	}
	if d.People != 0 || d.Events != 0 || d.None != 2 || len(d.Bins) != 0 {
		t.Fatalf("no keyed events: %+v, want no people, no bins and both of people without", d)
	}
}

func TestTimelineIsOnePersonNewestFirstInPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := peopleAndVisits(t)
	e := entry(t, ws, "visits")
	rows, err := ws.DB().QueryContext(ctx, `SELECT "at" FROM visits WHERE person_id = ? ORDER BY "at" DESC`, oddKey)
	if err != nil {
		t.Fatal(err)
	}
	var want []time.Time
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			t.Fatal(err)
		}
		want = append(want, at)
	}
	rows.Close()
	if len(want) < 4 {
		t.Fatalf("fixture: %s has %d visits", oddKey, len(want))
	}
	var got []time.Time
	for offset := int64(0); ; offset += 3 {
		page, total, err := events.Timeline(ctx, ws, e, oddKey, offset, 3)
		if err != nil {
			t.Fatal(err)
		}
		if total != int64(len(want)) {
			t.Fatalf("total %d, want %d", total, len(want))
		}
		if len(page.Rows) == 0 {
			break
		}
		col := map[string]int{}
		for i, c := range page.Columns {
			col[c.Name] = i
		}
		for _, r := range page.Rows {
			if r[col["person_id"]] != oddKey {
				t.Fatalf("a row of %v in %s's timeline", r[col["person_id"]], oddKey)
			}
			got = append(got, r[col["at"]].(time.Time))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("timeline\n%v\nwant\n%v", got, want)
	}
	var n int64
	if err := ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM people`).Scan(&n); err != nil || n != 40 {
		t.Fatalf("people after the odd key: %d rows, %v", n, err)
	}
}

func TestGroupByMeasureMatchesHandWrittenSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := peopleAndVisits(t)
	a, err := events.ForAudience(ctx, ws, "people")
	if err != nil {
		t.Fatal(err)
	}
	var specs []string
	for _, c := range events.Measures(a) {
		specs = append(specs, c.Spec)
	}
	if got := strings.Join(specs, " "); got != "count(visits) amount(visits) days_since_last(visits)" {
		t.Fatalf("measures of people: %s", got)
	}
	res, err := events.Group(ctx, ws, query.Grouping{Table: "people", By: []string{"count(Visits)"}, Where: `name <> 'name 2'`})
	if err != nil {
		t.Fatal(err)
	}
	if res.Columns[0].Name != "count(visits)" {
		t.Fatalf("the groups' column is %q, want the measure as the registry spells it", res.Columns[0].Name)
	}
	// Each group is a range of visit counts: compare it with the people whose
	// count, with no visits counting 0, falls in it.
	const hand = `SELECT count(*) FROM people p LEFT JOIN (SELECT person_id, count(*) AS n FROM visits GROUP BY person_id) v USING (person_id)
		WHERE name <> 'name 2' AND coalesce(n, 0) >= ? AND coalesce(n, 0) < ?`
	var total int64
	for _, r := range res.Rows {
		var lo, hi float64
		if _, err := fmt.Sscanf(strings.Replace(r[0].(string), "–", " ", 1), "%g %g", &lo, &hi); err != nil {
			t.Fatalf("group %q: %v", r[0], err)
		}
		var want int64
		if err := ws.DB().QueryRowContext(ctx, hand, lo, hi).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if r[1].(int64) != want {
			t.Errorf("group %s: %d people, want %d", r[0], r[1], want)
		}
		total += want
	}
	if total != 39 {
		t.Fatalf("groups hold %d people, want 39 (40 less the one filtered out)", total)
	}

	if _, err := events.Group(ctx, ws, query.Grouping{Table: "people", By: []string{"count(visits)", "amount(visits)"}}); err == nil ||
		!strings.Contains(err.Error(), "by one measure of events at a time") {
		t.Fatalf("two measures at once: %v", err)
	}
	p, err := events.Measure(ctx, ws, "people", "amount(visits)")
	if err != nil {
		t.Fatal(err)
	}
	res, err = ws.Group(ctx, query.Grouping{Table: "people", By: []string{p.Name}, PerPerson: &p, Measure: query.Measure{Func: "sum", Column: p.Name}})
	if err != nil {
		t.Fatal(err)
	}
	var got, want float64
	for _, r := range res.Rows {
		got += r[3].(float64)
	}
	if err := ws.DB().QueryRowContext(ctx, `SELECT sum(amount) FROM visits WHERE person_id IN (SELECT person_id FROM people)`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > 1e-9 {
		t.Fatalf("amounts summed over the groups: %v, want %v", got, want)
	}
}

func TestMeasureErrorsInPlainWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := peopleAndVisits(t)
	querytest.ImportCSV(t, ws, "clicks", "person_id,page\np01,home\n")
	if _, err := events.Setup(ctx, ws, events.Config{Table: "clicks", Key: "person_id", Audience: "people"}, events.Options{}); err != nil {
		t.Fatal(err)
	}
	for spec, want := range map[string]string{
		"count(orders)":           "orders is not an event table of people (its event tables: clicks, visits)",
		"median(visits)":          `"median" is not a measure of events`,
		"visits":                  "write count(TABLE)",
		"amount(clicks)":          "clicks was set up without an amount",
		"days_since_last(clicks)": "clicks was set up without a time column",
	} {
		_, err := events.Measure(ctx, ws, "people", spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Measure(%q) = %v, want an error saying %q", spec, err, want)
		}
	}
	if _, err := events.Measure(ctx, ws, "visits", "count(visits)"); err == nil || !strings.Contains(err.Error(), "visits has no event tables") {
		t.Errorf("a measure of a table without event tables: %v", err)
	}
}
