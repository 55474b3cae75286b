// Package eventstest makes transaction files of the online-retail shape for
// the tests of event tables (in segments/events and the CLI): one row per
// invoice line, customer IDs written as floats with blanks for the lines no
// customer is known for, cancellations with negative quantities, day-first
// invoice dates and Windows line ends, as the public export has them.
package eventstest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RetailHeader is the header line of a Retail file.
const RetailHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"

// Retail writes lines invoice lines made from seed: the same seed gives the same
// file. About one line in five has no customer, one invoice in twenty-five is a
// cancellation (InvoiceNo starting with C, negative quantities), and invoices
// fall between 2010-12-01 and 2011-12-09.
func Retail(lines int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 0x5e65c09e))
	var b strings.Builder
	b.WriteString(RetailHeader + "\r\n")
	start := time.Date(2010, 12, 1, 8, 0, 0, 0, time.UTC)
	countries := []string{"United Kingdom", "France", "Germany", "EIRE", "Spain"}
	invoice := 536365
	for n := 0; n < lines; {
		invoice++
		when := start.Add(time.Duration(r.IntN(373*24*60)) * time.Minute)
		cancelled := r.IntN(25) == 0
		customer := ""
		if r.IntN(5) != 0 {
			customer = fmt.Sprintf("%d.0", 12346+r.IntN(400))
		}
		no := fmt.Sprint(invoice)
		if cancelled {
			no = "C" + no
		}
		country := countries[r.IntN(len(countries))]
		for items := 1 + r.IntN(6); items > 0 && n < lines; items-- {
			qty := 1 + r.IntN(24)
			if cancelled {
				qty = -qty
			}
			price := float64(10+r.IntN(2000)) / 100
			fmt.Fprintf(&b, "%s,%d%c,ITEM %d,%d,%s,%.2f,%s,%s\r\n", no, 20000+r.IntN(5000), 'A'+rune(r.IntN(3)),
				r.IntN(900), qty, when.Format("02/01/2006 15:04"), price, customer, country)
			n++
		}
	}
	return b.String()
}

// WriteRetail writes Retail(lines, seed) to a file in a test's temporary
// directory and returns its path.
func WriteRetail(tb testing.TB, lines int, seed uint64) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "orders.csv")
	if err := os.WriteFile(path, []byte(Retail(lines, seed)), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}
