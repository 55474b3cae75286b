package query

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// telcoCSV writes a churn export shaped like the well-known telco file: 7,043
// customers with unique ids like 7590-VHVEG, a three-valued Contract, a tenure in
// months and a monthly charge with cents. It returns the file and the tenures,
// so the test can work the quartiles out on its own.
func telcoCSV(t *testing.T) (string, []float64) {
	t.Helper()
	const n = 7043
	contracts := []string{"Month-to-month", "One year", "Two year"}
	var b strings.Builder
	b.WriteString("customerID,gender,Contract,tenure,MonthlyCharges\n")
	tenures := make([]float64, 0, n)
	for i := range n {
		tenure := (i * 37) % 73 // 0..72 months, scattered
		if i%500 == 7 {
			fmt.Fprintf(&b, "%04d-%c%c%c%c%c,%s,%s,,%d.%02d\n", i, 'A'+i%26, 'B'+i%23, 'C'+i%19, 'D'+i%17, 'E'+i%13,
				[]string{"Female", "Male"}[i%2], contracts[i%3], 18+i%100, i%100)
			continue
		}
		tenures = append(tenures, float64(tenure))
		fmt.Fprintf(&b, "%04d-%c%c%c%c%c,%s,%s,%d,%d.%02d\n", i, 'A'+i%26, 'B'+i%23, 'C'+i%19, 'D'+i%17, 'E'+i%13,
			[]string{"Female", "Male"}[i%2], contracts[i%3], tenure, 18+i%100, i%100)
	}
	return writeFile(t, t.TempDir(), "telco.csv", b.String()), tenures
}

// quantile is quantile_cont worked out by hand: linear interpolation between the
// two nearest ranks of the sorted values.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := math.Floor(pos)
	return sorted[int(lo)] + (pos-lo)*(sorted[int(math.Ceil(pos))]-sorted[int(lo)])
}

func TestProfileTableIsExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	path, tenures := telcoCSV(t)
	mustImport(t, w, path, ImportOptions{Table: "telco"})
	profiles, err := w.ProfileTable(ctx, "telco")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ColumnProfile{}
	for _, p := range profiles {
		byName[p.Name] = p
		if p.Count != 7043 {
			t.Errorf("%s: %d rows, want 7043", p.Name, p.Count)
		}
	}
	if got := byName["customerID"].Distinct; got != 7043 {
		t.Errorf("customerID: %d distinct, want 7043", got)
	}
	if got := byName["Contract"].Distinct; got != 3 {
		t.Errorf("Contract: %d distinct, want 3", got)
	}
	if got := byName["gender"].Distinct; got != 2 {
		t.Errorf("gender: %d distinct, want 2", got)
	}
	tenure := byName["tenure"]
	slices.Sort(tenures)
	if tenure.Nulls != int64(7043-len(tenures)) || tenure.Distinct != 73 || tenure.Min != "0" || tenure.Max != "72" {
		t.Errorf("tenure: %d nulls (want %d), %d distinct, min %s, max %s", tenure.Nulls, 7043-len(tenures), tenure.Distinct, tenure.Min, tenure.Max)
	}
	for _, q := range []struct {
		name string
		got  *float64
		at   float64
	}{{"q25", tenure.Q25, 0.25}, {"median", tenure.Median, 0.5}, {"q75", tenure.Q75, 0.75}} {
		if want := quantile(tenures, q.at); q.got == nil || math.Abs(*q.got-want) > 1e-9 {
			t.Errorf("tenure %s = %v, want %v", q.name, q.got, want)
		}
	}

	// The whole-table profile and the one-column profile agree on every statistic.
	for _, p := range profiles {
		one, err := w.ProfileColumn(ctx, "telco", p.Name, "")
		if err != nil {
			t.Fatal(err)
		}
		one.Top, one.Bins = nil, nil
		if fmt.Sprint(derefs(one)) != fmt.Sprint(derefs(p)) {
			t.Errorf("%s: table profile %v, column profile %v", p.Name, derefs(p), derefs(one))
		}
	}
}

// derefs makes a profile printable with its statistics' values, not pointers.
func derefs(p ColumnProfile) []any {
	v := []any{p.Name, p.Type, p.Count, p.Nulls, p.Distinct, p.Min, p.Max}
	for _, f := range []*float64{p.Mean, p.Std, p.Q25, p.Median, p.Q75} {
		if f == nil {
			v = append(v, nil)
		} else {
			v = append(v, *f)
		}
	}
	return v
}

// Columns of every kind an import can make, and a table with no rows, profile
// without an error; DECIMAL and HUGEINT statistics are numbers.
func TestProfileTableKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := openMemory(t)
	_, err := w.DB().ExecContext(ctx, `CREATE TABLE kinds AS SELECT
		i AS "rowid", (i * 1.25)::DECIMAL(18,2) AS price, (i::HUGEINT * 10000000000000000000) AS big,
		i % 2 = 0 AS flag, DATE '2024-01-01' + i::INTEGER AS day, {'a': i % 3} AS nested, [i, i % 2] AS list,
		MAP {'k': i % 4} AS map, NULL::VARCHAR AS empty, 'select' AS "select"
		FROM range(1, 101) t(i)`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `CREATE TABLE nothing AS SELECT * FROM kinds LIMIT 0`); err != nil {
		t.Fatal(err)
	}
	profiles, err := w.ProfileTable(ctx, "kinds")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"rowid": 100, "price": 100, "big": 100, "flag": 2, "day": 100, "nested": 3, "list": 100, "map": 4, "empty": 0, "select": 1}
	for _, p := range profiles {
		if p.Distinct != want[p.Name] || p.Count != 100 {
			t.Errorf("%s: %d distinct of %d rows, want %d of 100", p.Name, p.Distinct, p.Count, want[p.Name])
		}
	}
	price := profiles[1]
	if price.Median == nil || *price.Median != 63.125 || price.Mean == nil || math.Abs(*price.Mean-63.125) > 1e-9 {
		t.Errorf("price: median %v, mean %v, want 63.125", price.Median, price.Mean)
	}
	if big := profiles[2]; big.Q75 == nil || *big.Q75 != 75.25e19 {
		t.Errorf("big q75 = %v", big.Q75)
	}
	if empty := profiles[8]; empty.Nulls != 100 || empty.Min != "" {
		t.Errorf("empty column %+v", empty)
	}
	none, err := w.ProfileTable(ctx, "nothing")
	if err != nil || len(none) != len(profiles) || none[1].Count != 0 || none[1].Median != nil {
		t.Fatalf("empty table: %+v, %v", none, err)
	}
	if _, err := w.ProfileTable(ctx, "missing"); err == nil {
		t.Fatal("profiled a missing table")
	}
}
