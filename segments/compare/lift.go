package compare

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Difference is an estimated difference between two groups (A minus B) with its
// confidence interval and two-sided p-value: the lift of a test arm over its
// control after a campaign.
type Difference struct {
	Estimate float64 `json:"estimate"`
	Low      float64 `json:"ci_low"`
	High     float64 `json:"ci_high"`
	// Level is the interval's confidence, e.g. 0.95.
	Level float64 `json:"level"`
	P     float64 `json:"p"`
	// Test names the test behind P and the interval.
	Test string `json:"test"`
}

// MeanDifference is the difference of two means (A minus B) with Welch's
// t-test and its confidence interval at level, on Welch–Satterthwaite degrees of
// freedom. Each side needs at least two values, and one side some spread.
func MeanDifference(a, b Summary, level float64) Difference {
	_, df, p := welch(a, b)
	diff := a.Mean - b.Mean
	se := math.Sqrt(a.Std*a.Std/float64(a.N) + b.Std*b.Std/float64(b.N))
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - (1-level)/2)
	return Difference{Estimate: diff, Low: diff - q*se, High: diff + q*se, Level: level, P: p, Test: "Welch's t-test"}
}

// ProportionDifference is the difference of two proportions (xa of na minus xb
// of nb): the p-value of the two-proportion z-test (pooled variance, as the null
// hypothesis of no difference has it) and the Wald interval at level (unpooled).
// Each side needs at least one row.
func ProportionDifference(xa, na, xb, nb int64, level float64) Difference {
	pa, pb := float64(xa)/float64(na), float64(xb)/float64(nb)
	diff := pa - pb
	pooled := float64(xa+xb) / float64(na+nb)
	se0 := math.Sqrt(pooled * (1 - pooled) * (1/float64(na) + 1/float64(nb)))
	p := 1.0
	if se0 > 0 {
		p = 2 * distuv.UnitNormal.Survival(math.Abs(diff)/se0)
	}
	se := math.Sqrt(pa*(1-pa)/float64(na) + pb*(1-pb)/float64(nb))
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	return Difference{Estimate: diff, Low: diff - z*se, High: diff + z*se, Level: level, P: math.Min(p, 1), Test: "two-proportion z-test"}
}
