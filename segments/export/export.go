// Package export writes a segment's members to a file that is safe to hand on: only
// members contactable on the chosen consent channel, only the chosen columns, never
// a partial file, and a manifest beside it that accounts for everyone left out.
// Table formats are written by DuckDB's COPY; customer-match upload files
// (Google Ads, Meta) are streamed through Go to normalize and hash identifiers.
package export

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/suppress"
)

// Format is an export file format.
type Format string

// The formats. GoogleAds and Meta are customer-match upload files with fixed columns.
const (
	CSV       Format = "csv"
	TSV       Format = "tsv"
	Parquet   Format = "parquet"
	JSON      Format = "json"
	NDJSON    Format = "ndjson"
	GoogleAds Format = "google-ads"
	Meta      Format = "meta"
)

// Formats lists every format, in the order the CLI shows them.
var Formats = []Format{CSV, TSV, Parquet, JSON, NDJSON, GoogleAds, Meta}

// AdsChannel is the consent channel a customer-match file is gated on by default:
// uploading people to an ad platform is an ads use.
const AdsChannel = "ads_personalization"

// ParseFormat checks a format name.
func ParseFormat(name string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(name)))
	if slices.Contains(Formats, f) {
		return f, nil
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown export format %q: use one of %s", name, strings.Join(names, ", "))
}

// customerMatch reports whether f is an ad platform's upload file.
func (f Format) customerMatch() bool { return f == GoogleAds || f == Meta }

// Request describes an export.
type Request struct {
	Segment string
	Format  Format
	// Channel gates the export on consent: only members contactable on it are
	// written. "" means an internal export with no gate (customer-match files
	// default to AdsChannel instead).
	Channel string
	// Columns to write besides the key, which is always first. Empty means every
	// column, except personal data when there is no channel.
	Columns []string
	Path    string
	// Force replaces an existing file.
	Force bool
	// Raw writes a CSV or TSV file's cells as they are, without neutralising
	// those a spreadsheet could run as formulas (see FormulaRule).
	Raw bool
	// Progress, if set, is told how many rows are written as the export runs. Calls
	// are serialised and the count only grows.
	Progress func(Progress)
	// Encrypt, if set, writes Path+".age" encrypted with age instead of Path; the
	// plaintext is written in private storage only (see seal.PrivateDir).
	Encrypt *Encryption
	// Arm narrows the export to one arm of the segment's split; Priority to the
	// segment's step of that priority list (the segment less the members of the
	// steps before it); OnlyNew to the members not in the last export of the same
	// audience (channel, arm, step). See audience.go.
	Arm      string
	Priority string
	OnlyNew  bool
	// Acknowledge is why a segment the compliance policy gates is exported all
	// the same; it is written to the audit log with the flags. A gated segment
	// is not exported without one.
	Acknowledge string
}

// Options configures an Exporter.
type Options struct {
	// Version is segscope's version, recorded in every manifest.
	Version string
	// Now is the instant consent staleness is measured from; time.Now when nil.
	Now func() time.Time
}

// Exporter writes exports from one workspace.
type Exporter struct {
	ws       *query.Workspace
	segments *segments.Store
	consent  *consent.Service
	risk     *risk.Assessor
	suppress *suppress.Service
	version  string
}

// New returns an exporter for a workspace.
func New(ws *query.Workspace, opts Options) *Exporter {
	c := consent.New(ws)
	if opts.Now != nil {
		c.Now = opts.Now
	}
	return &Exporter{ws: ws, segments: segments.NewStore(ws), consent: c, risk: risk.New(ws, c), suppress: suppress.New(ws),
		version: opts.Version}
}

// Preview is what an export would write, without writing it: the Export screen's
// counts before the person commits.
type Preview struct {
	Segment string `json:"segment"`
	Table   string `json:"table"`
	Format  Format `json:"format"`
	Channel string `json:"channel,omitempty"`
	Members int64  `json:"segment_size"`
	// Included is how many rows would be written; Excluded how many members the
	// consent gate keeps out, by state, and the suppression lists, as
	// consent.Suppressed (listed whenever a list has entries).
	Included int64                   `json:"included"`
	Excluded map[consent.State]int64 `json:"excluded"`
	// Risk is the segment's assessment now; Risk.Gated says the export needs
	// Request.Acknowledge.
	Risk        *risk.Assessment `json:"risk"`
	Columns     []string         `json:"columns"`
	WithheldPII []string         `json:"withheld_pii_columns,omitempty"`
	// Sources names, for a customer-match file, the columns its identifiers come from.
	Sources *SourceColumns `json:"sources,omitempty"`
	// Audience is how the segment was narrowed (an arm, a step, only the new).
	Audience *AudienceStamp `json:"audience,omitempty"`
	gate     *consent.Gate
	seg      segments.Compiled
	where    string
	// granted, set when the gate's states were kept on the export's connection,
	// selects the rows to write from them; where is the same rule written out
	// in full, for the manifest.
	granted string
	// kept is the gate's table of states itself (consent.Gate.Kept), which a
	// table format's COPY joins.
	kept string
}

// Preview works out an export's rows and columns without writing anything. Path,
// Force and Progress are ignored.
func (e *Exporter) Preview(ctx context.Context, req Request) (*Preview, error) {
	p, _, err := e.preview(ctx, req, nil)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", req.Segment, err)
	}
	return p, nil
}

// preview works out an export. Given a connection, it keeps the gate's states in a
// temporary table on it for the export to read (see consent.Service.GateOn), and
// returns the function that drops it.
func (e *Exporter) preview(ctx context.Context, req Request, conn *sql.Conn) (*Preview, func(), error) {
	done := func() {}
	p, err := e.previewOn(ctx, req, conn, &done)
	return p, done, err
}

func (e *Exporter) previewOn(ctx context.Context, req Request, conn *sql.Conn, done *func()) (*Preview, error) {
	format, err := ParseFormat(string(req.Format))
	if err != nil {
		return nil, err
	}
	seg, err := e.segments.Compile(ctx, req.Segment)
	if err != nil {
		return nil, err
	}
	channel := strings.ToLower(strings.TrimSpace(req.Channel))
	if channel == "" && format.customerMatch() {
		// The policy may record Google's ad_personalization under a name of its own.
		channel = AdsChannel
		if named, _, err := e.consent.AdChannels(ctx, seg.Table); err == nil {
			channel = named
		}
	}
	// Narrowed once, here: the gate, the counts and the file see only the narrowed members.
	audience, err := e.narrow(ctx, &seg, req, channel)
	if err != nil {
		return nil, err
	}
	p := &Preview{Segment: seg.Name, Table: seg.Table, Format: format, Channel: channel, seg: seg,
		Excluded: map[consent.State]int64{}, Audience: audience}
	// Columns first: a typo is reported before the gate's pass over the data.
	cols, err := e.ws.Columns(ctx, seg.Table)
	if err != nil {
		return nil, err
	}
	personal, err := e.ws.PersonalData(ctx, seg.Table)
	if err != nil {
		return nil, err
	}
	if format.customerMatch() {
		if len(req.Columns) > 0 {
			return nil, fmt.Errorf("a %s file has a fixed set of columns (%s): leave out the column list", format, strings.Join(matchHeaders(format), ", "))
		}
		src := findSources(cols)
		if err := checkSources(src); err != nil {
			return nil, err
		}
		p.Sources, p.Columns = &src, matchHeaders(format)
	} else if p.Columns, p.WithheldPII, err = chooseColumns(cols, personal, seg.Key, req.Columns, channel); err != nil {
		return nil, err
	}
	suppressed, err := e.suppress.Predicate(ctx, seg.Table)
	if err != nil {
		return nil, err
	}
	if channel == "" {
		if err := e.assess(ctx, p, nil); err != nil {
			return nil, err
		}
		return p, e.ungated(ctx, p, suppressed)
	}
	pop := consent.SegmentMembers(seg)
	pop.Suppressed, pop.Ads, pop.Google = suppressed, format.customerMatch(), format == GoogleAds
	var g consent.Gate
	if conn == nil {
		g, err = e.consent.Gate(ctx, pop, channel)
	} else {
		var drop func()
		if g, drop, err = e.consent.GateOn(ctx, conn, pop, channel); drop != nil {
			*done = drop
		}
	}
	if errors.Is(err, consent.ErrNotConfigured) && !format.customerMatch() {
		// Refused, not widened: consent set up for another table never stands in.
		return nil, fmt.Errorf("%w; an export with no channel, for internal analysis, needs no consent", err)
	}
	if err != nil {
		return nil, err
	}
	p.gate, p.Channel, p.Members, p.Included, p.Excluded, p.where = &g, g.Channel, g.Members, g.Included, g.Excluded, g.Where
	p.granted, p.kept = g.Granted, g.Kept
	// The risk's consent coverage is counted from the groups the gate counted:
	// one pass over the consent data for both.
	counted, err := e.consent.GateCoverage(ctx, g)
	if err != nil {
		return nil, err
	}
	if err := e.assess(ctx, p, counted); err != nil {
		return nil, err
	}
	return p, nil
}

func matchHeaders(f Format) []string {
	fields := matchLayouts[f]
	out := make([]string, len(fields))
	for i, field := range fields {
		out[i] = field.header
	}
	return out
}

// reporter serialises progress reports and keeps them growing: DuckDB counts rows
// on several threads at once.
func reporter(total int64, fn func(Progress)) func(int64) {
	if fn == nil {
		return func(int64) {}
	}
	var mu sync.Mutex
	var last int64
	return func(rows int64) {
		mu.Lock()
		defer mu.Unlock()
		if rows > last {
			last = rows
			fn(Progress{Rows: min(rows, total), Total: total})
		}
	}
}
