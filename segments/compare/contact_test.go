package compare

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/segscope/segscope/query/querytest"
)

// A column whose name says nothing but whose values are emails is personal
// data: compare leaves it out instead of naming the email most over-represented.
func TestCompareSkipsPersonalDataFoundByContent(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,contact,tier,spend\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,person%d@example.com,%s,%d\n", i+1, i%4, []string{"gold", "silver"}[i%2], 10*i)
	}
	ws, store := openWorkspace(t)
	querytest.ImportCSV(t, ws, "customers", b.String())
	define(t, store, "gold", "customers", "tier = 'gold'")
	res, err := Segments(context.Background(), ws, store, "gold", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Column("contact"); ok {
		t.Error("the contact column was compared")
	}
	skipped := false
	for _, s := range res.Skipped {
		skipped = skipped || s.Column == "contact" && s.Reason == "personal data"
	}
	if !skipped {
		t.Errorf("contact is not skipped as personal data: %+v", res.Skipped)
	}
}
