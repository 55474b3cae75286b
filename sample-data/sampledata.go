// Package sampledata generates segscope's synthetic demo data: subscribers
// of a streaming service with viewing behaviour and churn, their long-format
// consent history, and the customers of a small creator-tools shop.
//
// Output depends only on Options, so the same options always give
// byte-identical files on every platform. The default set is embedded in
// Files; see README.md for every column.
package sampledata

//go:generate go test -run ^TestEmbeddedMatchesGenerator$ -update .

import (
	"bufio"
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// File names written by Generate.
const (
	SubscribersFile = "subscribers.csv"
	ConsentFile     = "consent.csv"
	CreatorsFile    = "creators.csv"
	ViewsFile       = "views.csv"
)

// Table is an embedded file and the table it becomes in a workspace.
type Table struct{ File, Name string }

// Tables are the embedded files in the order a new workspace imports them; the
// first is the one the console opens on.
var Tables = []Table{
	{File: "subscribers.csv.gz", Name: "subscribers"},
	{File: "consent.csv.gz", Name: "consent"},
	{File: "creators.csv", Name: "creators"},
}

// Files holds the default data set (DefaultOptions) as "subscribers.csv.gz",
// "consent.csv.gz" (gzip-compressed CSV) and "creators.csv".
//
//go:embed subscribers.csv.gz consent.csv.gz creators.csv
var Files embed.FS

// Options controls the generated data set. Start from DefaultOptions.
type Options struct {
	Rows     int    // subscribers
	Creators int    // creator-tools customers
	Seed     uint64 // every value derives from it
	// ViewsPerSubscriber is the nominal number of viewing events per
	// subscriber (DefaultViewsPerSubscriber: one per viewing session); fewer
	// merge sessions, more split them, 0 writes none.
	ViewsPerSubscriber int
	// AsOf is the reference date all relative dates are computed from. Only
	// its UTC calendar date counts; the zero value means DefaultOptions'.
	AsOf time.Time
}

// DefaultOptions returns the options of the embedded default set. AsOf is
// fixed rather than today so the data never changes by itself.
func DefaultOptions() Options {
	return Options{
		Rows:     20000,
		Creators: 500,
		Seed:     1,
		AsOf:     time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC),

		ViewsPerSubscriber: DefaultViewsPerSubscriber,
	}
}

// Stats counts the rows written, headers excluded.
type Stats struct {
	Subscribers, ConsentEvents, Creators, Views int
}

// checkEvery is how many rows pass between cancellation checks.
const checkEvery = 4096

func (o Options) resolve() (Options, error) {
	if o.Rows < 0 || o.Creators < 0 || o.ViewsPerSubscriber < 0 {
		return o, fmt.Errorf("sampledata: negative row count (rows %d, creators %d, views per subscriber %d)", o.Rows, o.Creators, o.ViewsPerSubscriber)
	}
	if o.ViewsPerSubscriber > MaxViewsPerSubscriber {
		return o, fmt.Errorf("sampledata: %d views per subscriber is more than the %d the generator makes", o.ViewsPerSubscriber, MaxViewsPerSubscriber)
	}
	if o.AsOf.IsZero() {
		o.AsOf = DefaultOptions().AsOf
	}
	y, m, d := o.AsOf.UTC().Date()
	o.AsOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return o, nil
}

// Generate writes SubscribersFile, ConsentFile, CreatorsFile and ViewsFile into dir,
// creating it if needed. It streams, so memory stays flat for any row
// count. On error or cancellation it removes the files it was writing.
func Generate(ctx context.Context, opts Options, dir string) (st Stats, err error) {
	opts, err = opts.resolve()
	if err != nil {
		return Stats{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, err
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
		if err != nil {
			for _, f := range files {
				os.Remove(f.Name())
			}
			st = Stats{}
		}
	}()
	writers := make([]*bufio.Writer, 0, 4)
	for _, name := range []string{SubscribersFile, ConsentFile, CreatorsFile, ViewsFile} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return Stats{}, err
		}
		files = append(files, f)
		writers = append(writers, bufio.NewWriterSize(f, 1<<16))
	}

	if st, err = writePeople(ctx, opts, writers[0], writers[1], writers[3]); err != nil {
		return Stats{}, err
	}
	if st.Creators, err = writeCreators(ctx, opts, writers[2]); err != nil {
		return Stats{}, err
	}
	for _, w := range writers {
		if err := w.Flush(); err != nil {
			return Stats{}, err
		}
	}
	return st, nil
}

// WriteSubscribers writes subscribers.csv to w.
func WriteSubscribers(ctx context.Context, w io.Writer, opts Options) error {
	opts, err := opts.resolve()
	if err != nil {
		return err
	}
	_, err = writePeople(ctx, opts, w, nil, nil)
	return err
}

// WriteConsent writes consent.csv to w. It regenerates the subscribers the
// events belong to without writing them.
func WriteConsent(ctx context.Context, w io.Writer, opts Options) error {
	opts, err := opts.resolve()
	if err != nil {
		return err
	}
	_, err = writePeople(ctx, opts, nil, w, nil)
	return err
}

// WriteViews writes views.csv to w. Like WriteConsent, it regenerates the
// subscribers the views belong to without writing them.
func WriteViews(ctx context.Context, w io.Writer, opts Options) error {
	opts, err := opts.resolve()
	if err != nil {
		return err
	}
	_, err = writePeople(ctx, opts, nil, nil, w)
	return err
}

// WriteCreators writes creators.csv to w.
func WriteCreators(ctx context.Context, w io.Writer, opts Options) error {
	opts, err := opts.resolve()
	if err != nil {
		return err
	}
	_, err = writeCreators(ctx, opts, w)
	return err
}

// writePeople streams subscribers to subW, their consent events to consentW
// and their viewing events to viewsW in one pass; any writer may be nil.
func writePeople(ctx context.Context, opts Options, subW, consentW, viewsW io.Writer) (st Stats, err error) {
	sub, err := csvWriter(subW, subscriberHeader)
	if err != nil {
		return Stats{}, err
	}
	con, err := csvWriter(consentW, consentHeader)
	if err != nil {
		return Stats{}, err
	}
	vw, err := csvWriter(viewsW, viewHeader)
	if err != nil {
		return Stats{}, err
	}

	r, cg := newRand(opts.Seed, streamSubscribers), newConsentGen(opts.Seed, opts.AsOf)
	vg := newViewGen(opts.Seed, opts.AsOf, opts.ViewsPerSubscriber)
	asOf := opts.AsOf.Unix()
	var (
		s   subscriber
		rec []string
		evs []consentEvent
	)
	for id := 1; id <= opts.Rows; id++ {
		if id%checkEvery == 1 {
			if err := ctx.Err(); err != nil {
				return Stats{}, err
			}
		}
		newSubscriber(r, id, asOf, &s)
		if sub != nil {
			rec = s.appendRecord(rec)
			if err := sub.Write(rec); err != nil {
				return Stats{}, err
			}
		}
		if con != nil {
			evs = cg.events(&s, evs)
			for i := range evs {
				rec = evs[i].appendRecord(rec, id)
				if err := con.Write(rec); err != nil {
					return Stats{}, err
				}
			}
			st.ConsentEvents += len(evs)
		}
		if vw != nil {
			views := vg.events(&s)
			for i := range views {
				rec = views[i].appendRecord(rec, st.Views+i+1, id)
				if err := vw.Write(rec); err != nil {
					return Stats{}, err
				}
			}
			st.Views += len(views)
		}
	}
	st.Subscribers = opts.Rows
	return st, flush(sub, con, vw)
}

// csvWriter starts a CSV file with its header on w; a nil w gives a nil writer.
func csvWriter(w io.Writer, header []string) (*csv.Writer, error) {
	if w == nil {
		return nil, nil
	}
	cw := csv.NewWriter(w)
	return cw, cw.Write(header)
}

func writeCreators(ctx context.Context, opts Options, w io.Writer) (int, error) {
	cw, err := csvWriter(w, creatorHeader)
	if err != nil {
		return 0, err
	}
	r := newRand(opts.Seed, streamCreators)
	asOf := opts.AsOf.Unix()
	var (
		c   creator
		rec []string
	)
	for id := 1; id <= opts.Creators; id++ {
		if id%checkEvery == 1 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		newCreator(r, id, asOf, &c)
		rec = c.appendRecord(rec)
		if err := cw.Write(rec); err != nil {
			return 0, err
		}
	}
	return opts.Creators, flush(cw)
}

// flush flushes every non-nil writer and reports their errors.
func flush(ws ...*csv.Writer) error {
	var errs []error
	for _, w := range ws {
		if w != nil {
			w.Flush()
			errs = append(errs, w.Error())
		}
	}
	return errors.Join(errs...)
}
