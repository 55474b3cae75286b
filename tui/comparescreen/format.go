package comparescreen

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/draw"
)

// percent shows a share to one decimal.
func percent(share float64) string {
	return strconv.FormatFloat(100*share, 'f', 1, 64) + "%"
}

// pValue shows a p-value to four decimals, and anything smaller as "<0.0001".
func pValue(p float64) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return strconv.FormatFloat(p, 'f', 4, 64)
}

// number shows a value of a column: a date column's days since 1970-01-01 as
// a date, large numbers whole and thousands separated, small ones with the
// decimals that matter.
func number(kind compare.Kind, v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if kind == compare.Date {
		return time.Unix(int64(math.Round(v*86400)), 0).UTC().Format(time.DateOnly)
	}
	switch a := math.Abs(v); {
	case a >= 10000 || (v == math.Trunc(v) && a < 1e15):
		return draw.Count(int64(math.Round(v)))
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case a == 0:
		return "0"
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// spread shows a standard deviation: in days for dates, else like a number.
func spread(kind compare.Kind, v float64) string {
	if kind == compare.Date {
		return number(compare.Numeric, v) + " days"
	}
	return number(kind, v)
}

// kindLabel is a column kind in four cells.
func kindLabel(k compare.Kind) string {
	switch k {
	case compare.Numeric:
		return "num"
	case compare.Date:
		return "date"
	}
	return "cat"
}

// index shows a value's index (its share in A over its share in B, × 100).
func index(v compare.ValueShare) string {
	if v.Index == nil {
		return "A only"
	}
	return fmt.Sprintf("%.0f", *v.Index)
}

// topValue is a categorical column's headline: the value most over-represented
// in A, as the CLI shows it.
func topValue(c *compare.CategoricalDiff) compare.ValueShare {
	top := c.Values[0]
	for _, v := range c.Values[1:] {
		if v.ShareA-v.ShareB > top.ShareA-top.ShareB {
			top = v
		}
	}
	return top
}
