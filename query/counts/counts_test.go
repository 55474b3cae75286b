package counts

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 7043: "7,043", 123456: "123,456", 1234567: "1,234,567",
		-1: "-1", -999: "-999", -1000: "-1,000", -123456: "-123,456",
		math.MinInt64: "-9,223,372,036,854,775,808",
	} {
		if got := Format(n); got != want {
			t.Errorf("Format(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestOf(t *testing.T) {
	if got := Of(1, "row", "rows"); got != "1 row" {
		t.Errorf("Of(1) = %q", got)
	}
	if got := Of(0, "row", "rows"); got != "0 rows" {
		t.Errorf("Of(0) = %q", got)
	}
	if got := Of(7043, "person", "people"); got != "7,043 people" {
		t.Errorf("Of(7043) = %q", got)
	}
}
