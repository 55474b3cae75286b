package compare

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// welch returns Welch's t statistic for the difference of the means (A minus B),
// its Welch–Satterthwaite degrees of freedom and the two-sided p-value. Each side
// needs at least two values, and one side some spread.
func welch(a, b Summary) (t, df, p float64) {
	na, nb := float64(a.N), float64(b.N)
	sa, sb := a.Std*a.Std/na, b.Std*b.Std/nb
	se2 := sa + sb
	t = (a.Mean - b.Mean) / math.Sqrt(se2)
	df = se2 * se2 / (sa*sa/(na-1) + sb*sb/(nb-1))
	// The survival function keeps its precision far into the tail, where 1 - CDF
	// would round to zero.
	p = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t))
	return t, df, math.Min(p, 1)
}

// cohensD is the difference of the means (A minus B) over the pooled standard deviation.
func cohensD(a, b Summary) float64 {
	na, nb := float64(a.N), float64(b.N)
	pooled := math.Sqrt(((na-1)*a.Std*a.Std + (nb-1)*b.Std*b.Std) / (na + nb - 2))
	return (a.Mean - b.Mean) / pooled
}

// dToEffect puts Cohen's d on the scale of Cramér's V: the correlation between
// side and value that d implies for two equal groups. Using equal groups keeps
// the effect independent of the sides' sizes, as d itself is.
func dToEffect(d float64) float64 {
	return math.Abs(d) / math.Sqrt(d*d+4)
}

// chiSquare tests the independence of side and value in a 2 × k table of counts
// (k ≥ 2, every value and both sides with some rows). It returns the statistic,
// its degrees of freedom, the p-value and Cramér's V, which for two sides is
// sqrt(χ² / N).
func chiSquare(counts [][2]int64) (chi2 float64, df int, p, v float64) {
	var sides [2]float64
	for _, c := range counts {
		sides[0] += float64(c[0])
		sides[1] += float64(c[1])
	}
	n := sides[0] + sides[1]
	for _, c := range counts {
		total := float64(c[0] + c[1])
		for s, observed := range c {
			expected := sides[s] * total / n
			diff := float64(observed) - expected
			chi2 += diff * diff / expected
		}
	}
	df = len(counts) - 1
	p = distuv.ChiSquared{K: float64(df)}.Survival(chi2)
	return chi2, df, p, math.Sqrt(chi2 / n)
}

// holm adjusts p-values for testing them together (Holm–Bonferroni): the i-th
// smallest of m is multiplied by m - i + 1, then made non-decreasing in that
// order and capped at 1.
func holm(p []float64) []float64 {
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(p[x], p[y]) })
	adjusted := make([]float64, len(p))
	running := 0.0
	for rank, i := range order {
		running = math.Max(running, math.Min(1, float64(len(p)-rank)*p[i]))
		adjusted[i] = running
	}
	return adjusted
}

// mark is the conventional significance mark for an adjusted p-value.
func mark(p float64) string {
	switch {
	case p < 0.001:
		return "***"
	case p < 0.01:
		return "**"
	case p < 0.05:
		return "*"
	}
	return ""
}
