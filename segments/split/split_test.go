package split

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

func sample(t testing.TB) (*query.Workspace, *Service) {
	ws := querytest.SampleCopy(t, "subscribers")
	return ws, New(ws)
}

func define(t testing.TB, ws *query.Workspace, name, rule string) {
	t.Helper()
	if _, err := segments.NewStore(ws).Define(context.Background(), segments.Definition{Name: name, Table: "subscribers", Rule: rule}); err != nil {
		t.Fatal(err)
	}
}

func count(t testing.TB, ws *query.Workspace, q string) int64 {
	t.Helper()
	var n int64
	if err := ws.DB().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestParseArms(t *testing.T) {
	arms, err := ParseArms("control:10, treatment:89.5,extra:0.5")
	if err != nil {
		t.Fatal(err)
	}
	if len(arms) != 3 || arms[0].Share != 1000 || arms[1].Share != 8950 || arms[2].Share != 50 {
		t.Fatalf("arms = %+v", arms)
	}
	for spec, want := range map[string]string{
		"control:10,treatment:80":     "add up to 90%",
		"control:10,treatment:95":     "add up to 105%",
		"control:100":                 "at least two arms",
		"control:50,control:50":       "named twice",
		"control:50,Treatment:50":     "arm name",
		"control:50,treatment":        "NAME:PERCENT",
		"control:50,treatment:fifty":  "not a percentage",
		"control:0,treatment:100":     "not a percentage",
		"control:10.001,treatment:90": "not a percentage",
	} {
		if _, err := ParseArms(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseArms(%q) = %v, want an error saying %q", spec, err, want)
		}
	}
}

// The bucket is segscope's own definition: DuckDB's SQL and Go agree on every
// sample key, so it does not depend on what DuckDB's hash() does.
func TestBucketSQLAgreesWithGo(t *testing.T) {
	ws, _ := sample(t)
	rows, err := ws.DB().Query(`SELECT CAST(subscriber_id AS VARCHAR), ` + bucketSQL("s'alt", "subscriber_id") + ` FROM subscribers`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var key string
		var b int
		if err := rows.Scan(&key, &b); err != nil {
			t.Fatal(err)
		}
		if got := Bucket("s'alt", key); got != b {
			t.Fatalf("key %s: SQL bucket %d, Go bucket %d", key, b, got)
		}
		n++
	}
	if n != 20_000 {
		t.Fatalf("%d keys checked", n)
	}
	// A fixed point of the definition, so that a change to it cannot pass
	// unseen: md5("s:1") = b7348ffd685d297e..., and 0xb7348ffd685d297e mod
	// 10,000 = 190 (worked out with md5sum and Python, outside segscope).
	if got := Bucket("s", "1"); got != 190 {
		t.Fatalf("Bucket(s, 1) = %d, want 190", got)
	}
}

func TestSplitArmsDisjointCoverAndMatchShares(t *testing.T) {
	ws, s := sample(t)
	ctx := context.Background()
	define(t, ws, "everyone_young", "age < 60")
	arms, err := ParseArms("control:10,treatment:60,other:30")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := s.Define(ctx, "everyone_young", arms, "q4", "test", false)
	if err != nil {
		t.Fatal(err)
	}
	c, err := segments.NewStore(ws).Compile(ctx, "everyone_young")
	if err != nil {
		t.Fatal(err)
	}
	size := count(t, ws, `SELECT count(*) FROM subscribers WHERE `+c.Where)
	var preds []string
	var total int64
	sizes, err := s.Sizes(ctx, sp)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range sp.Arms {
		p, err := sp.Predicate("subscriber_id", a.Name)
		if err != nil {
			t.Fatal(err)
		}
		preds = append(preds, "CASE WHEN "+p+" THEN 1 ELSE 0 END")
		n := count(t, ws, `SELECT count(*) FROM subscribers WHERE (`+c.Where+`) AND `+p)
		if sizes[i].Members != n {
			t.Errorf("arm %s: Sizes says %d, its predicate selects %d", a.Name, sizes[i].Members, n)
		}
		// Within four standard deviations of the binomial count.
		want := float64(size) * a.Percent() / 100
		sd := math.Sqrt(want * (1 - a.Percent()/100))
		if math.Abs(float64(n)-want) > 4*sd {
			t.Errorf("arm %s holds %d of %d, expected about %.0f (sd %.0f)", a.Name, n, size, want, sd)
		}
		total += n
	}
	if total != size {
		t.Fatalf("arms hold %d members, the segment %d", total, size)
	}
	if both := count(t, ws, `SELECT count(*) FROM subscribers WHERE (`+c.Where+`) AND `+strings.Join(preds, " + ")+` <> 1`); both != 0 {
		t.Fatalf("%d members are in no arm or in two", both)
	}
	if _, err := sp.Predicate("subscriber_id", "treatmnet"); err == nil || !strings.Contains(err.Error(), `no arm "treatmnet"`) {
		t.Fatalf("unknown arm: %v", err)
	}
}

// A member who stays in the segment when its rule changes keeps their arm.
func TestSplitStableWhenRuleChanges(t *testing.T) {
	ws, s := sample(t)
	ctx := context.Background()
	define(t, ws, "lapsing", "days_since_login > 10")
	arms, _ := ParseArms("holdout:20,treatment:80")
	sp, err := s.Define(ctx, "lapsing", arms, "", "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Salt) != 16 {
		t.Fatalf("generated salt %q", sp.Salt)
	}
	armsOf := func() map[int64]string {
		sp, err := s.Get(ctx, "lapsing")
		if err != nil {
			t.Fatal(err)
		}
		c, _ := segments.NewStore(ws).Compile(ctx, "lapsing")
		p, _ := sp.Predicate(c.Key, "holdout")
		rows, err := ws.DB().Query(`SELECT subscriber_id, CASE WHEN ` + p + ` THEN 'holdout' ELSE 'treatment' END FROM subscribers WHERE ` + c.Where)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int64]string{}
		for rows.Next() {
			var k int64
			var a string
			rows.Scan(&k, &a)
			out[k] = a
		}
		return out
	}
	before := armsOf()
	define(t, ws, "lapsing", "days_since_login > 20 or plan = 'premium'")
	after := armsOf()
	stayed := 0
	for k, a := range after {
		if b, ok := before[k]; ok {
			stayed++
			if a != b {
				t.Fatalf("member %d moved from %s to %s", k, b, a)
			}
		}
	}
	if stayed < 1000 || stayed == len(after) || stayed == len(before) {
		t.Fatalf("the rule change should keep some members and change others: %d stayed of %d and %d", stayed, len(before), len(after))
	}
}

func TestDefineAuditedAndGuarded(t *testing.T) {
	ws, s := sample(t)
	ctx := context.Background()
	define(t, ws, "lapsing", "days_since_login > 10")
	arms, _ := ParseArms("control:50,treatment:50")
	if _, err := s.Get(ctx, "lapsing"); !errors.Is(err, ErrNoSplit) {
		t.Fatalf("before any split: %v", err)
	}
	if _, err := s.Define(ctx, "nope", arms, "", "", false); !errors.Is(err, segments.ErrNotFound) {
		t.Fatalf("unknown segment: %v", err)
	}
	if _, err := s.Define(ctx, "lapsing", arms, "a", "first", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Define(ctx, "lapsing", arms, "b", "again", false); err == nil || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("a second split without replace: %v", err)
	}
	if sp, _ := s.Get(ctx, "lapsing"); sp.Salt != "a" {
		t.Fatalf("the refused split changed the salt to %q", sp.Salt)
	}
	if _, err := s.Define(ctx, "lapsing", arms, "b", "again", true); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ws, `SELECT count(*) FROM segscope.audit WHERE action = 'split.define' AND subject = 'lapsing'`); n != 2 {
		t.Fatalf("%d audit entries", n)
	}
	if n := count(t, ws, `SELECT count(*) FROM segscope.audit WHERE action = 'split.define' AND details LIKE '%"previous"%"salt":"a"%'`); n != 1 {
		t.Fatalf("the replacing entry does not record the previous split")
	}
}

// The calculator against the worked examples published with R's power.prop.test
// (stats package, "Examples": https://www.rdocumentation.org/packages/stats/versions/3.3/topics/power.prop.test):
// n = 50 per arm, p1 = .50, p2 = .75 gives power 0.740; p1 = .50, p2 = .75 at
// power .90 needs n = 76.7 per arm; n = 50, p1 = .5 at power .90 detects p2 = 0.8026.
func TestMDEPublishedExample(t *testing.T) {
	if p := Power(0.5, 0.75, 50, 50, 0.05); math.Abs(p-0.740) > 0.0005 {
		t.Errorf("power = %.6f, R gives 0.740", p)
	}
	n, err := SampleSize(0.5, 0.75, 0.05, 0.9)
	if err != nil || math.Abs(n-76.7) > 0.05 {
		t.Errorf("sample size = %.4f (%v), R gives 76.7", n, err)
	}
	d, err := MDE(0.5, 50, 50, 0.05, 0.9)
	if err != nil || math.Abs(d.Rate-0.8026) > 0.00005 {
		t.Errorf("detectable rate = %.6f (%v), R gives 0.8026", d.Rate, err)
	}
	if math.Abs(d.Absolute-0.3026) > 0.0001 || math.Abs(d.Relative-0.6052) > 0.0002 {
		t.Errorf("lift %+v", d)
	}
	// Unequal arms: a small holdout detects less than equal arms of the same total.
	small, _ := MDE(0.05, 1000, 9000, 0.05, 0.8)
	equal, _ := MDE(0.05, 5000, 5000, 0.05, 0.8)
	if !(small.Absolute > equal.Absolute) {
		t.Errorf("10/90 arms detect %.4f, 50/50 %.4f", small.Absolute, equal.Absolute)
	}
	if math.Abs(Power(0.05, small.Rate, 1000, 9000, 0.05)-0.8) > 1e-6 {
		t.Errorf("power at the detectable rate is not the power asked")
	}
	for _, bad := range []func() error{
		func() error { _, err := MDE(0, 10, 10, 0.05, 0.8); return err },
		func() error { _, err := MDE(0.5, 10, 10, 1.5, 0.8); return err },
		func() error { _, err := MDE(0.5, 10, 10, 0.05, 1); return err },
		func() error { _, err := MDE(0.5, 1, 10, 0.05, 0.8); return err },
		func() error { _, err := MDE(0.9, 5, 5, 0.05, 0.99); return err },
	} {
		if err := bad(); err == nil {
			t.Error("bad input accepted")
		}
	}
}

// A re-import of the table, its rows in another order, leaves every member in
// their arm: the arm depends on the salt and the key's text alone.
func TestSplitStableAcrossReimport(t *testing.T) {
	ws := querytest.Empty(t)
	s := New(ws)
	ctx := context.Background()
	var rows, reversed []string
	for i := 1; i <= 400; i++ {
		rows = append(rows, fmt.Sprintf("%d,%d", i, i%5))
	}
	for i := len(rows) - 1; i >= 0; i-- {
		reversed = append(reversed, rows[i])
	}
	querytest.ImportCSV(t, ws, "people", "id,n\n"+strings.Join(rows, "\n")+"\n")
	define2 := func() {
		if _, err := segments.NewStore(ws).Define(ctx, segments.Definition{Name: "some", Table: "people", Rule: "n > 0"}); err != nil {
			t.Fatal(err)
		}
	}
	define2()
	arms, _ := ParseArms("a:30,b:70")
	sp, err := s.Define(ctx, "some", arms, "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	armOf := func() map[string]bool {
		p, _ := sp.Predicate("id", "a")
		out := map[string]bool{}
		rows, err := ws.DB().Query(`SELECT CAST(id AS VARCHAR), ` + p + ` FROM people WHERE n > 0`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var in bool
			rows.Scan(&k, &in)
			out[k] = in
		}
		return out
	}
	before := armOf()
	querytest.ImportCSV(t, ws, "people", "id,n\n"+strings.Join(reversed, "\n")+"\n")
	define2()
	if after := armOf(); !maps.Equal(before, after) || len(after) != 320 {
		t.Fatalf("arms moved on re-import: %d members before, %d after", len(before), len(after))
	}
}
