package export

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/segscope/segscope/query"
)

// Customer-match files are written in Go, not by COPY: the phone numbers need
// libphonenumber, which DuckDB does not have. Email and names could be normalized
// and hashed in SQL, but keeping every rule in one place (normalize.go) makes the
// rules testable without a database, and the phone parse dominates the cost per
// row either way. Rows are streamed: only one is in memory at a time.

// SourceColumns are the audience columns a customer-match file is built from ("" when absent).
type SourceColumns struct {
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	FullName  string `json:"full_name,omitempty"`
	Country   string `json:"country,omitempty"`
	Zip       string `json:"zip,omitempty"`
}

var sourceNames = struct{ email, phone, first, last, full, country, zip []string }{
	email:   []string{"email", "email_address", "e_mail", "mail"},
	phone:   []string{"phone", "phone_number", "mobile", "mobile_phone", "msisdn", "telephone", "tel"},
	first:   []string{"first_name", "firstname", "given_name", "fname", "forename"},
	last:    []string{"last_name", "lastname", "surname", "family_name", "lname"},
	full:    []string{"full_name", "fullname", "name", "customer_name", "contact_name"},
	country: []string{"country", "country_code", "country_iso"},
	zip:     []string{"zip", "zip_code", "zipcode", "postal_code", "postcode", "postal"},
}

func findSources(cols []query.Column) SourceColumns {
	find := func(names []string) string {
		for _, want := range names {
			for _, c := range cols {
				if strings.EqualFold(c.Name, want) {
					return c.Name
				}
			}
		}
		return ""
	}
	return SourceColumns{
		Email: find(sourceNames.email), Phone: find(sourceNames.phone),
		FirstName: find(sourceNames.first), LastName: find(sourceNames.last), FullName: find(sourceNames.full),
		Country: find(sourceNames.country), Zip: find(sourceNames.zip),
	}
}

// identifier is a kind of value a customer-match file carries.
type identifier int

const (
	idEmail identifier = iota
	idPhone
	idFirstName
	idLastName
	idCountry
	idZip
	identifiers
)

// person is one row as read for a customer-match file, indexed by identifier.
type person [identifiers]string

// source names the audience column an identifier is read from.
func (id identifier) source(src SourceColumns) string {
	return [identifiers]string{src.Email, src.Phone, firstOf(src.FirstName, src.FullName),
		firstOf(src.LastName, src.FullName), src.Country, src.Zip}[id]
}

// matchField is one column of a customer-match file.
type matchField struct {
	header    string
	id        identifier
	normalize func(raw string, p *person) (string, bool)
	hashed    bool
}

func plain(f func(string) (string, bool)) func(string, *person) (string, bool) {
	return func(s string, _ *person) (string, bool) { return f(s) }
}

var matchLayouts = map[Format][]matchField{
	GoogleAds: {
		{"Email", idEmail, plain(func(s string) (string, bool) { return email(s, true) }), true},
		{"Phone", idPhone, func(s string, p *person) (string, bool) { return e164(s, p[idCountry]) }, true},
		{"First Name", idFirstName, plain(googleName), true},
		{"Last Name", idLastName, plain(googleName), true},
		{"Country", idCountry, plain(countryCode), false},
		{"Zip", idZip, plain(zip), false},
	},
	Meta: {
		{"email", idEmail, plain(func(s string) (string, bool) { return email(s, false) }), true},
		{"phone", idPhone, func(s string, p *person) (string, bool) {
			n, ok := e164(s, p[idCountry])
			return strings.TrimPrefix(n, "+"), ok
		}, true},
		{"fn", idFirstName, plain(metaName), true},
		{"ln", idLastName, plain(metaName), true},
	},
}

// FieldCount says how a customer-match field fared across the rows written.
type FieldCount struct {
	Source  string `json:"source_column,omitempty"`
	Valid   int64  `json:"valid"`
	Missing int64  `json:"missing"`
	Invalid int64  `json:"invalid"`
}

// matchSelect is the query streaming the source columns as text, in key order.
func matchSelect(table, key, where string, src SourceColumns) string {
	col := func(name string) string {
		if name == "" {
			return "NULL::VARCHAR"
		}
		return "CAST(" + query.QuoteIdent(name) + " AS VARCHAR)"
	}
	return "SELECT " + strings.Join([]string{col(src.Email), col(src.Phone), col(src.FirstName), col(src.LastName),
		col(src.FullName), col(src.Country), col(src.Zip)}, ", ") +
		"\nFROM main." + query.QuoteIdent(table) + "\nWHERE " + where + "\nORDER BY " + query.QuoteIdent(key)
}

// writeMatch streams the rows of q into w as a customer-match CSV file and counts
// each field's valid, missing and invalid values. Parsing a phone number costs
// about 15µs, a hundred times the rest of a row, so batches of rows are normalized
// on every core and written back in key order.
func writeMatch(ctx context.Context, db *sql.Conn, q string, format Format, src SourceColumns, w io.Writer, report func(int64)) (int64, map[string]FieldCount, error) {
	fields := matchLayouts[format]
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()

	g, ctx := errgroup.WithContext(ctx)
	jobs := make(chan *matchBatch, runtime.GOMAXPROCS(0))
	ordered := make(chan *matchBatch, 2*runtime.GOMAXPROCS(0))
	g.Go(func() error {
		defer close(jobs)
		defer close(ordered)
		return readBatches(ctx, rows, jobs, ordered)
	})
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for b := range jobs {
				b.normalize(fields)
				close(b.done)
			}
			return nil
		})
	}
	tally := make([]FieldCount, len(fields))
	var n int64
	g.Go(func() error {
		buf := bufio.NewWriterSize(w, 1<<16)
		out := csv.NewWriter(buf)
		header := make([]string, len(fields))
		for i, f := range fields {
			header[i] = f.header
		}
		if err := out.Write(header); err != nil {
			return err
		}
		for b := range ordered {
			select {
			case <-b.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if err := out.WriteAll(b.records); err != nil {
				return err
			}
			for i := range tally {
				tally[i].add(b.tally[i])
			}
			n += int64(len(b.records))
			report(n)
		}
		return buf.Flush()
	})
	if err := g.Wait(); err != nil {
		return 0, nil, err
	}
	counts := make(map[string]FieldCount, len(fields))
	for i, f := range fields {
		tally[i].Source = f.id.source(src)
		counts[f.header] = tally[i]
	}
	return n, counts, nil
}

// matchBatch is a run of rows normalized together; done closes when records and
// tally are filled.
type matchBatch struct {
	people  []person
	records [][]string
	tally   []FieldCount
	done    chan struct{}
}

const matchBatchSize = 1024

// readBatches reads rows into batches, handing each to a worker (jobs) and, in
// order, to the writer (ordered).
func readBatches(ctx context.Context, rows *sql.Rows, jobs, ordered chan<- *matchBatch) error {
	var vals [7]sql.NullString
	b := &matchBatch{done: make(chan struct{})}
	send := func() error {
		for _, ch := range []chan<- *matchBatch{ordered, jobs} {
			select {
			case ch <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		b = &matchBatch{done: make(chan struct{})}
		return nil
	}
	for rows.Next() {
		if err := rows.Scan(&vals[0], &vals[1], &vals[2], &vals[3], &vals[4], &vals[5], &vals[6]); err != nil {
			return err
		}
		p := person{vals[0].String, vals[1].String, vals[2].String, vals[3].String, vals[5].String, vals[6].String}
		if p[idFirstName] == "" && p[idLastName] == "" {
			p[idFirstName], p[idLastName] = splitName(vals[4].String)
		}
		b.people = append(b.people, p)
		if len(b.people) == matchBatchSize {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(b.people) > 0 {
		return send()
	}
	return nil
}

// normalize turns a batch's people into records and counts each field's outcomes.
func (b *matchBatch) normalize(fields []matchField) {
	b.tally = make([]FieldCount, len(fields))
	b.records = make([][]string, len(b.people))
	for r := range b.people {
		p := &b.people[r]
		record := make([]string, len(fields))
		for i, f := range fields {
			raw := p[f.id]
			switch v, ok := f.normalize(raw, p); {
			case ok:
				b.tally[i].Valid++
				record[i] = v
				if f.hashed {
					record[i] = sha256Hex(v)
				}
			case strings.TrimSpace(raw) == "":
				b.tally[i].Missing++
			default:
				b.tally[i].Invalid++
			}
		}
		b.records[r] = record
	}
}

func (c *FieldCount) add(o FieldCount) {
	c.Valid += o.Valid
	c.Missing += o.Missing
	c.Invalid += o.Invalid
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func checkSources(src SourceColumns) error {
	if src.Email == "" && src.Phone == "" {
		return fmt.Errorf("a customer-match file needs an email or phone column, and the table has neither (looked for %s; %s)",
			strings.Join(sourceNames.email, ", "), strings.Join(sourceNames.phone, ", "))
	}
	return nil
}
