package split

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Power is the power of the two-sided two-proportion z-test at significance
// alpha, for a control of nControl members converting at p1 and a test arm of
// nTest members converting at p2 (Fleiss, Levin and Paik, Statistical Methods
// for Rates and Proportions, 3rd ed., §4.2; for equal arms it is R's
// power.prop.test). Rejections in the opposite direction are not counted.
func Power(p1, p2 float64, nControl, nTest int64, alpha float64) float64 {
	n1, n2 := float64(nControl), float64(nTest)
	pooled := (n1*p1 + n2*p2) / (n1 + n2)
	null := math.Sqrt(pooled * (1 - pooled) * (1/n1 + 1/n2))
	alt := math.Sqrt(p1*(1-p1)/n1 + p2*(1-p2)/n2)
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	return distuv.UnitNormal.CDF((math.Abs(p2-p1) - z*null) / alt)
}

// Detectable is the answer of the calculator: the smallest rate the test arm
// must reach for the test to detect it with the power asked.
type Detectable struct {
	Baseline float64 `json:"baseline"`
	Control  int64   `json:"control_members"`
	Test     int64   `json:"test_members"`
	Alpha    float64 `json:"alpha"`
	Power    float64 `json:"power"`
	// Rate is the test arm's rate; Absolute = Rate - Baseline, Relative =
	// Absolute / Baseline.
	Rate     float64 `json:"detectable_rate"`
	Absolute float64 `json:"absolute_lift"`
	Relative float64 `json:"relative_lift"`
}

// MDE is the minimum detectable effect: the smallest rise of the test arm's rate
// above baseline that a two-sided test at alpha detects with the given power,
// for arms of these sizes. It is an error when no rate up to 1 is enough.
func MDE(baseline float64, nControl, nTest int64, alpha, power float64) (Detectable, error) {
	if err := checkInputs(baseline, alpha, power); err != nil {
		return Detectable{}, err
	}
	if nControl < 2 || nTest < 2 {
		return Detectable{}, fmt.Errorf("each arm needs at least two members (control %d, test %d)", nControl, nTest)
	}
	d := Detectable{Baseline: baseline, Control: nControl, Test: nTest, Alpha: alpha, Power: power}
	hi := 1.0
	if Power(baseline, hi, nControl, nTest, alpha) < power {
		return Detectable{}, fmt.Errorf("arms of %d and %d members cannot detect any rise above a %.4g baseline with power %.2f: the arms are too small", nControl, nTest, baseline, power)
	}
	lo := baseline
	// Power rises with the rate above baseline: bisect to well below a rate's
	// printed precision.
	for range 200 {
		mid := (lo + hi) / 2
		if Power(baseline, mid, nControl, nTest, alpha) < power {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 1e-12 {
			break
		}
	}
	d.Rate = hi
	d.Absolute = hi - baseline
	d.Relative = d.Absolute / baseline
	return d, nil
}

// SampleSize is how many members each of two equal arms needs for a two-sided
// test at alpha to detect a change from baseline to rate with the given power
// (the count before rounding up, as R's power.prop.test reports it).
func SampleSize(baseline, rate, alpha, power float64) (float64, error) {
	if err := checkInputs(baseline, alpha, power); err != nil {
		return 0, err
	}
	if rate <= 0 || rate >= 1 || rate == baseline {
		return 0, fmt.Errorf("the rate to detect must be between 0 and 1 and differ from the baseline")
	}
	za := distuv.UnitNormal.Quantile(1 - alpha/2)
	zb := distuv.UnitNormal.Quantile(power)
	pbar := (baseline + rate) / 2
	num := za*math.Sqrt(2*pbar*(1-pbar)) + zb*math.Sqrt(baseline*(1-baseline)+rate*(1-rate))
	return num * num / ((rate - baseline) * (rate - baseline)), nil
}

func checkInputs(baseline, alpha, power float64) error {
	switch {
	case !(baseline > 0 && baseline < 1):
		return fmt.Errorf("the baseline rate must be between 0 and 1 (a share, e.g. 0.05 for 5%%), not %g", baseline)
	case !(alpha > 0 && alpha < 1):
		return fmt.Errorf("the significance level must be between 0 and 1, e.g. 0.05, not %g", alpha)
	case !(power > 0 && power < 1):
		return fmt.Errorf("the power must be between 0 and 1, e.g. 0.8, not %g", power)
	}
	return nil
}
