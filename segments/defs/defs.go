// Package defs moves segment definitions between workspaces, repositories
// and warehouses: a documented, versioned JSON file of the segments (each
// with its history, descriptions and reasons) and the consent setups of
// their tables, read back with every rule checked against the target's
// tables; and dbt models of the segments for a warehouse.
//
// The file, format "segscope.segments" version 1:
//
//	{
//	  "format": "segscope.segments",
//	  "version": 1,
//	  "exported_at": "2026-11-30T15:00:00Z",
//	  "exported_by": "ana",
//	  "segments": [
//	    {
//	      "name": "churn_risk",
//	      "table": "subscribers",
//	      "key_column": "subscriber_id",
//	      "description": "Lapsing viewers",
//	      "uses": ["heavy_viewers"],
//	      "versions": [
//	        {"version": 1, "rule": "...", "description": "...", "author": "ana",
//	         "time": "2026-10-01T09:00:00Z", "reason": "Q4 win-back"}
//	      ]
//	    }
//	  ],
//	  "consent": [ {"table": "subscribers", "key_column": "...", "layout": "long", ...} ]
//	}
//
// versions lists a segment's history oldest first; the last is the rule in
// force. uses names the segments its rule uses, segment('x'), which are
// always in the file too. consent holds the consent setups (where consent
// is recorded and the policy: staleness, ages of minors...) of the tables
// the segments are on, as segscope consent setup stores them. Readers
// refuse another format or a later version; a later minor change adds
// fields, which readers ignore.
package defs

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/rule"
)

// Format and FormatVersion identify the file.
const (
	Format        = "segscope.segments"
	FormatVersion = 1
)

// File is the portable definitions of some segments.
type File struct {
	Format     string           `json:"format"`
	Version    int              `json:"version"`
	ExportedAt time.Time        `json:"exported_at"`
	ExportedBy string           `json:"exported_by,omitempty"`
	Segments   []Segment        `json:"segments"`
	Consent    []consent.Config `json:"consent,omitempty"`
}

// Segment is one segment with its history.
type Segment struct {
	Name        string    `json:"name"`
	Table       string    `json:"table"`
	Key         string    `json:"key_column,omitempty"`
	Description string    `json:"description,omitempty"`
	Uses        []string  `json:"uses,omitempty"`
	Versions    []Version `json:"versions"`
}

// Version is one entry of a segment's history.
type Version struct {
	Version     int       `json:"version"`
	Rule        string    `json:"rule"`
	Description string    `json:"description,omitempty"`
	Author      string    `json:"author,omitempty"`
	Time        time.Time `json:"time"`
	Reason      string    `json:"reason,omitempty"`
}

// Current is the version in force.
func (s Segment) Current() Version { return s.Versions[len(s.Versions)-1] }

// Export gathers the named live segments (all of them when names is empty),
// with the segments they use, in name order, and the consent setups of
// their tables.
func Export(ctx context.Context, ws *query.Workspace, names []string) (File, error) {
	store := segments.NewStore(ws)
	if len(names) == 0 {
		all, err := store.List(ctx)
		if err != nil {
			return File{}, err
		}
		for _, s := range all {
			names = append(names, s.Name)
		}
	}
	f := File{Format: Format, Version: FormatVersion, ExportedAt: time.Now().UTC().Truncate(time.Second), ExportedBy: ws.Actor()}
	seen := map[string]bool{}
	tables := map[string]bool{}
	for len(names) > 0 {
		name := names[0]
		names = names[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		seg, err := store.Get(ctx, name)
		if err != nil {
			return File{}, fmt.Errorf("export definitions: %w", err)
		}
		history, err := store.History(ctx, name)
		if err != nil {
			return File{}, fmt.Errorf("export definitions: %w", err)
		}
		e, err := rule.Parse(seg.Rule)
		if err != nil {
			return File{}, fmt.Errorf("export definitions: segment %s: %w", name, err)
		}
		out := Segment{Name: seg.Name, Table: seg.Table, Key: seg.Key, Description: seg.Description, Uses: rule.Segments(e)}
		// A deleted segment's name may have been taken again: its history
		// goes on, and the file keeps all of it.
		for _, v := range history {
			out.Versions = append(out.Versions, Version{Version: v.Version, Rule: v.Rule, Description: v.Description,
				Author: v.Author, Time: v.Time.UTC(), Reason: v.Reason})
		}
		f.Segments = append(f.Segments, out)
		tables[seg.Table] = true
		names = append(names, out.Uses...)
	}
	if len(f.Segments) == 0 {
		return File{}, ErrNoSegments
	}
	slices.SortFunc(f.Segments, func(a, b Segment) int { return cmp.Compare(a.Name, b.Name) })
	configs, err := consent.New(ws).Configs(ctx)
	if err != nil {
		return File{}, fmt.Errorf("export definitions: %w", err)
	}
	for _, c := range configs {
		if tables[c.Table] {
			f.Consent = append(f.Consent, c)
		}
	}
	return f, nil
}

// Write writes f as indented JSON.
func (f File) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(f)
}

// maxFileBytes bounds what Read accepts: definitions are text, and a file
// far larger than any set of rules is not one.
const maxFileBytes = 64 << 20

// Read decodes and checks a definitions file: its format and version, and
// that it is whole (every segment has a valid name, a table and a rule in
// force, no name twice, every segment used is in the file).
func Read(r io.Reader) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return File{}, err
	}
	if len(data) > maxFileBytes {
		return File{}, fmt.Errorf("the file is over %d MB, more than segment definitions take", maxFileBytes>>20)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return File{}, fmt.Errorf("not a segment definitions file: %w", err)
	}
	if f.Format != Format {
		return File{}, fmt.Errorf("not a segment definitions file: the format is %q, not %q", f.Format, Format)
	}
	if f.Version < 1 || f.Version > FormatVersion {
		return File{}, fmt.Errorf("definitions file version %d: this segscope reads version %d and earlier", f.Version, FormatVersion)
	}
	if len(f.Segments) == 0 {
		return File{}, fmt.Errorf("the file holds no segments")
	}
	names := map[string]bool{}
	for i, s := range f.Segments {
		if err := segments.ValidName(s.Name); err != nil {
			return File{}, fmt.Errorf("segment %d of the file: %w", i+1, err)
		}
		if names[s.Name] {
			return File{}, fmt.Errorf("segment %s is in the file twice", s.Name)
		}
		names[s.Name] = true
		if s.Table == "" {
			return File{}, fmt.Errorf("segment %s has no table", s.Name)
		}
		if len(s.Versions) == 0 || strings.TrimSpace(s.Current().Rule) == "" {
			return File{}, fmt.Errorf("segment %s has no rule", s.Name)
		}
	}
	for _, s := range f.Segments {
		for _, u := range s.Uses {
			if !names[u] {
				return File{}, fmt.Errorf("segment %s uses %s, which is not in the file", s.Name, u)
			}
		}
	}
	return f, nil
}

// Imported is what an import changed.
type Imported struct {
	Segments []segments.Segment
	Consent  []string // tables whose consent setup was replaced
}

// Options say what an import brings in.
type Options struct {
	// Source names the file in the versions' reasons and the audit log.
	Source string
	// Reason is why, kept with every version written.
	Reason string
	// WithoutConsent leaves the target's consent setups as they are.
	WithoutConsent bool
}

// Import writes the definitions of f into ws as one change: each segment's
// rule in force becomes a new version there (created, or added to a segment
// of the same name on the same table), with the file's description and a
// reason saying where it came from; the consent setups of the file replace
// the target's for the same tables. Every rule is compiled against the
// target's tables and every consent setup checked before anything is
// written, and then all is written in one transaction with its audit
// entries, or nothing is.
func Import(ctx context.Context, ws *query.Workspace, f File, opt Options) (Imported, error) {
	if opt.Source == "" {
		opt.Source = "a definitions file"
	}
	svc := consent.New(ws)
	var configs []consent.Config
	if !opt.WithoutConsent {
		for _, c := range f.Consent {
			checked, err := svc.Check(ctx, c)
			if err != nil {
				return Imported{}, fmt.Errorf("import definitions: %w (leave consent as it is with --without-consent)", err)
			}
			configs = append(configs, checked)
		}
	}
	defs := make([]segments.Definition, len(f.Segments))
	for i, s := range f.Segments {
		v := s.Current()
		reason := fmt.Sprintf("imported from %s (version %d there)", opt.Source, v.Version)
		if v.Reason != "" {
			reason += ", which was: " + v.Reason
		}
		if opt.Reason != "" {
			reason = opt.Reason + "; " + reason
		}
		defs[i] = segments.Definition{Name: s.Name, Table: s.Table, Rule: v.Rule, Description: cmp.Or(v.Description, s.Description), Reason: reason}
	}
	var out Imported
	segs, err := segments.NewStore(ws).SaveAllWith(ctx, defs, segments.Upsert, func(tx *sql.Tx) error {
		for _, c := range configs {
			if err := svc.SetupTx(ctx, tx, c, "imported from "+opt.Source); err != nil {
				return err
			}
			out.Consent = append(out.Consent, c.Table)
		}
		return nil
	})
	if err != nil {
		return Imported{}, fmt.Errorf("import definitions: nothing was imported: %w", err)
	}
	out.Segments = segs
	return out, nil
}

// ErrNoSegments is returned when there is nothing to export.
var ErrNoSegments = errors.New("there are no segments to export")
