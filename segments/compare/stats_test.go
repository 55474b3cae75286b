package compare

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query/querytest"
)

// person is a row of the small table whose statistics the tests work out by hand.
type person struct {
	grp    string
	x      float64
	y      float64 // NaN is NULL
	color  string
	flag   bool
	joined string
}

var people = []person{
	{"a", 12.1, 5, "red", true, "2025-03-01"}, {"a", 14.3, 7, "red", true, "2025-02-11"},
	{"a", 11.8, 6, "blue", false, "2025-04-20"}, {"a", 15.2, 8, "green", true, "2025-01-05"},
	{"a", 13.9, 5, "red", true, "2025-03-30"}, {"a", 12.7, 6, "blue", false, "2024-12-24"},
	{"a", 16.1, 7, "red", true, "2025-05-17"}, {"a", 14.8, math.NaN(), "green", true, "2025-02-28"},
	{"a", 13.3, 6, "red", false, "2025-03-03"}, {"a", 15.6, 7, "red", true, "2025-06-09"},
	{"b", 10.2, 6, "blue", false, "2024-01-15"}, {"b", 11.9, 5, "blue", true, "2024-03-02"},
	{"b", 12.4, 7, "green", false, "2023-11-30"}, {"b", 9.8, 6, "red", false, "2024-06-06"},
	{"b", 11.1, 6, "blue", true, "2024-02-29"}, {"b", 12.8, 5, "green", false, "2024-04-01"},
	{"b", 10.7, 7, "blue", false, "2023-12-12"}, {"b", 11.5, 6, "green", true, "2024-05-05"},
	{"b", 13.0, 5, "blue", false, "2024-07-21"}, {"b", 10.9, 6, "red", false, "2024-01-01"},
	{"b", 12.2, 7, "blue", true, "2024-08-08"}, {"b", 11.3, 6, "green", false, "2024-02-02"},
}

func peopleCSV() string {
	var b strings.Builder
	b.WriteString("id,grp,x,y,color,flag,joined\n")
	for i, p := range people {
		y := ""
		if !math.IsNaN(p.y) {
			y = fmt.Sprint(p.y)
		}
		fmt.Fprintf(&b, "%d,%s,%v,%s,%s,%v,%s\n", i+1, p.grp, p.x, y, p.color, p.flag, p.joined)
	}
	return b.String()
}

// The expectations below use textbook formulas written out independently of the
// package: two-pass variance, quantiles by linear interpolation, the t
// distribution's tail by Simpson integration of its density, and the chi-square
// tail in closed form for 1 and 2 degrees of freedom.

func values(grp string, f func(person) float64) []float64 {
	var out []float64
	for _, p := range people {
		if v := f(p); p.grp == grp && !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

func meanVar(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs)-1)
}

func quantile(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	pos := q * float64(len(s)-1)
	lo := math.Floor(pos)
	if int(lo) == len(s)-1 {
		return s[len(s)-1]
	}
	return s[int(lo)] + (pos-lo)*(s[int(lo)+1]-s[int(lo)])
}

// tTwoSided is 1 - 2∫₀^|t| of Student's t density, by Simpson's rule.
func tTwoSided(t, df float64) float64 {
	lg1, _ := math.Lgamma((df + 1) / 2)
	lg2, _ := math.Lgamma(df / 2)
	c := math.Exp(lg1-lg2) / math.Sqrt(df*math.Pi)
	density := func(x float64) float64 { return c * math.Pow(1+x*x/df, -(df+1)/2) }
	const n = 200_000
	h := math.Abs(t) / n
	sum := density(0) + density(math.Abs(t))
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * density(float64(i)*h)
	}
	return 1 - 2*sum*h/3
}

func chiTail(x float64, df int) float64 {
	switch df {
	case 1:
		return math.Erfc(math.Sqrt(x / 2))
	case 2:
		return math.Exp(-x / 2)
	}
	panic("no closed form in this test")
}

type expectedNumeric struct {
	meanA, meanB, varA, varB, t, df, p, d float64
	nA, nB                                int
}

func expectNumeric(f func(person) float64) expectedNumeric {
	a, b := values("a", f), values("b", f)
	e := expectedNumeric{nA: len(a), nB: len(b)}
	e.meanA, e.varA = meanVar(a)
	e.meanB, e.varB = meanVar(b)
	na, nb := float64(e.nA), float64(e.nB)
	se2 := e.varA/na + e.varB/nb
	e.t = (e.meanA - e.meanB) / math.Sqrt(se2)
	e.df = se2 * se2 / (math.Pow(e.varA/na, 2)/(na-1) + math.Pow(e.varB/nb, 2)/(nb-1))
	e.p = tTwoSided(e.t, e.df)
	e.d = (e.meanA - e.meanB) / math.Sqrt(((na-1)*e.varA+(nb-1)*e.varB)/(na+nb-2))
	return e
}

type expectedCategorical struct {
	chi2, p, v float64
	df         int
}

func expectCategorical(f func(person) string) expectedCategorical {
	counts := map[string][2]float64{}
	var sides [2]float64
	for _, p := range people {
		side := 0
		if p.grp == "b" {
			side = 1
		}
		c := counts[f(p)]
		c[side]++
		counts[f(p)] = c
		sides[side]++
	}
	n := sides[0] + sides[1]
	var e expectedCategorical
	for _, c := range counts {
		for s := range c {
			exp := sides[s] * (c[0] + c[1]) / n
			e.chi2 += (c[s] - exp) * (c[s] - exp) / exp
		}
	}
	e.df = len(counts) - 1
	e.p = chiTail(e.chi2, e.df)
	e.v = math.Sqrt(e.chi2 / n)
	return e
}

func days(date string) float64 {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return float64(t.Unix()) / 86400
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

func TestStatisticsMatchHandComputedValues(t *testing.T) {
	ctx := context.Background()
	ws, store := openWorkspace(t)
	querytest.ImportCSV(t, ws, "people", peopleCSV())
	define(t, store, "grp_a", "people", "grp = 'a'")
	define(t, store, "grp_b", "people", "grp = 'b'")

	res, err := Segments(ctx, ws, store, "grp_a", "grp_b")
	if err != nil {
		t.Fatal(err)
	}
	if res.BaseRows != 22 || res.A.Size != 10 || res.B.Size != 12 || res.Rest {
		t.Fatalf("sizes: %+v", res)
	}
	near(t, "A share", res.A.Share, 10.0/22, 1e-12)
	if o := res.Overlap; o == nil || *o != (Overlap{Both: 0, AOnly: 10, BOnly: 12, Jaccard: 0}) {
		t.Fatalf("overlap %+v", res.Overlap)
	}
	if len(res.Skipped) != 1 || res.Skipped[0] != (Skipped{"id", "key column"}) {
		t.Errorf("skipped %+v", res.Skipped)
	}

	numeric := map[string]func(person) float64{
		"x":      func(p person) float64 { return p.x },
		"y":      func(p person) float64 { return p.y },
		"joined": func(p person) float64 { return days(p.joined) },
	}
	categorical := map[string]func(person) string{
		"grp":   func(p person) string { return p.grp },
		"color": func(p person) string { return p.color },
		"flag":  func(p person) string { return fmt.Sprint(p.flag) },
	}
	if len(res.Columns) != len(numeric)+len(categorical) {
		t.Fatalf("compared %d columns, want %d", len(res.Columns), len(numeric)+len(categorical))
	}
	p := map[string]float64{}
	for name, f := range numeric {
		e := expectNumeric(f)
		c, ok := res.Column(name)
		if !ok || c.Numeric == nil {
			t.Fatalf("column %s: %+v", name, c)
		}
		n := c.Numeric
		near(t, name+" mean A", n.A.Mean, e.meanA, 1e-9)
		near(t, name+" mean B", n.B.Mean, e.meanB, 1e-9)
		near(t, name+" std A", n.A.Std, math.Sqrt(e.varA), 1e-9)
		near(t, name+" std B", n.B.Std, math.Sqrt(e.varB), 1e-9)
		near(t, name+" median A", n.A.Median, quantile(values("a", f), 0.5), 1e-9)
		near(t, name+" q25 B", n.B.Q25, quantile(values("b", f), 0.25), 1e-9)
		near(t, name+" q75 A", n.A.Q75, quantile(values("a", f), 0.75), 1e-9)
		near(t, name+" t", n.T, e.t, 1e-9)
		near(t, name+" df", n.DF, e.df, 1e-9)
		near(t, name+" d", n.D, e.d, 1e-9)
		near(t, name+" p", c.P, e.p, 1e-6)
		near(t, name+" effect", c.Effect, math.Abs(e.d)/math.Sqrt(e.d*e.d+4), 1e-9)
		if n.A.N != int64(e.nA) || n.B.N != int64(e.nB) || n.A.Nulls+n.A.N != 10 || n.B.Nulls+n.B.N != 12 {
			t.Errorf("%s counts: A %+v, B %+v", name, n.A, n.B)
		}
		p[name] = e.p
	}
	if y, _ := res.Column("y"); y.Kind != Numeric || y.Numeric.A.Nulls != 1 {
		t.Errorf("y: %+v", y)
	}
	if j, _ := res.Column("joined"); j.Kind != Date {
		t.Errorf("joined kind %s", j.Kind)
	}
	for name, f := range categorical {
		e := expectCategorical(f)
		c, ok := res.Column(name)
		if !ok || c.Categorical == nil {
			t.Fatalf("column %s: %+v", name, c)
		}
		near(t, name+" chi-square", c.Categorical.ChiSquare, e.chi2, 1e-9)
		near(t, name+" Cramér's V", c.Categorical.CramersV, e.v, 1e-9)
		near(t, name+" p", c.P, e.p, 1e-6)
		if c.Categorical.DF != e.df || c.Effect != c.Categorical.CramersV {
			t.Errorf("%s: df %d (want %d), effect %g", name, c.Categorical.DF, e.df, c.Effect)
		}
		p[name] = e.p
	}

	// Holm, stated as a maximum rather than the package's running one: the adjusted
	// p of a test is the largest min(1, (m - rank + 1) p) among the tests with a p
	// no larger than its own.
	sorted := slices.Sorted(func(yield func(float64) bool) {
		for _, v := range p {
			yield(v)
		}
	})
	for _, c := range res.Columns {
		want := 0.0
		for rank, q := range sorted {
			if q <= p[c.Name] {
				want = math.Max(want, math.Min(1, float64(len(sorted)-rank)*q))
			}
		}
		near(t, c.Name+" adjusted p", c.PAdjusted, want, 1e-6)
		if c.Mark != mark(want) {
			t.Errorf("%s mark %q for adjusted p %g", c.Name, c.Mark, want)
		}
	}
	for i := 1; i < len(res.Columns); i++ {
		if res.Columns[i].Effect > res.Columns[i-1].Effect {
			t.Errorf("columns not ranked by effect: %s (%g) after %s (%g)", res.Columns[i].Name, res.Columns[i].Effect, res.Columns[i-1].Name, res.Columns[i-1].Effect)
		}
	}

	color, _ := res.Column("color")
	var shares []string
	for _, v := range color.Categorical.Values {
		shares = append(shares, fmt.Sprintf("%s %d/%d %.4f/%.4f %.2f", v.Value, v.CountA, v.CountB, v.ShareA, v.ShareB, *v.Index))
	}
	// Blue and red tie on 8 rows, so they come in value order.
	if want := []string{"blue 2/6 0.2000/0.5000 40.00", "red 6/2 0.6000/0.1667 360.00", "green 2/4 0.2000/0.3333 60.00"}; !slices.Equal(shares, want) {
		t.Errorf("color values %q, want %q", shares, want)
	}
}

func TestRestIsTheComplement(t *testing.T) {
	ctx := context.Background()
	ws, store := openWorkspace(t)
	querytest.ImportCSV(t, ws, "people", peopleCSV())
	define(t, store, "grp_a", "people", "grp = 'a'")
	define(t, store, "grp_b", "people", "grp = 'b'")
	pair, err := Segments(ctx, ws, store, "grp_a", "grp_b")
	if err != nil {
		t.Fatal(err)
	}
	rest, err := Segments(ctx, ws, store, "grp_a", "")
	if err != nil {
		t.Fatal(err)
	}
	if !rest.Rest || rest.Overlap != nil || rest.B.Name != "rest of people" || rest.B.Size != 12 {
		t.Fatalf("rest: %+v", rest)
	}
	// Every row is in grp_a or grp_b, so the rest of grp_a is grp_b.
	for i, c := range rest.Columns {
		if c.Name != pair.Columns[i].Name || c.P != pair.Columns[i].P || c.Effect != pair.Columns[i].Effect {
			t.Errorf("column %d: %+v against the rest, %+v against grp_b", i, c, pair.Columns[i])
		}
	}
}

func TestHolm(t *testing.T) {
	for _, c := range []struct {
		name    string
		p, want []float64
	}{
		// Sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 give 0.02, 0.03, 0.06,
		// 0.04; the last is raised to 0.06 to keep the order.
		{"order kept", []float64{0.01, 0.04, 0.03, 0.005}, []float64{0.03, 0.06, 0.06, 0.02}},
		// 0.6 × 2 caps at 1, and 0.7 × 1 is raised to it.
		{"capped", []float64{0.7, 0.6}, []float64{1, 1}},
		{"one test", []float64{0.2}, []float64{0.2}},
		{"none", []float64{}, []float64{}},
	} {
		got := holm(c.p)
		if len(got) != len(c.want) {
			t.Fatalf("%s: %v", c.name, got)
		}
		for i := range c.want {
			near(t, fmt.Sprintf("%s [%d]", c.name, i), got[i], c.want[i], 1e-12)
		}
	}
}

func TestMark(t *testing.T) {
	for p, want := range map[float64]string{0: "***", 0.0009: "***", 0.001: "**", 0.0099: "**", 0.01: "*", 0.0499: "*", 0.05: "", 1: ""} {
		if got := mark(p); got != want {
			t.Errorf("mark(%g) = %q, want %q", p, got, want)
		}
	}
}

func TestTooFewValues(t *testing.T) {
	ws, store := openWorkspace(t)
	querytest.ImportCSV(t, ws, "people", peopleCSV())
	define(t, store, "first", "people", "id = 1")
	res, err := Segments(context.Background(), ws, store, "first", "")
	if err != nil {
		t.Fatal(err)
	}
	var numeric []Skipped
	for _, s := range res.Skipped {
		if s.Column != "id" {
			numeric = append(numeric, s)
		}
	}
	want := []Skipped{{"x", "fewer than 2 values in first"}, {"y", "fewer than 2 values in first"}, {"joined", "fewer than 2 values in first"}}
	if !slices.Equal(numeric, want) {
		t.Errorf("skipped %+v, want %+v", numeric, want)
	}
	// One row is enough for a chi-square test of the categories.
	if c, ok := res.Column("color"); !ok || c.Categorical.Values[0].CountA+c.Categorical.Values[1].CountA+c.Categorical.Values[2].CountA != 1 {
		t.Errorf("color: %+v", c)
	}
}
