// Package subject answers data-subject requests: where a person is in the
// workspace (Find), and erasing them from it for good (Erase). A person is
// named by an identifier — an email, a phone number or a key — read as the
// suppression lists read it (segments/suppress), so the rows found are the rows
// an erasure's entry keeps out of every later export.
package subject

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/events"
	"github.com/segscope/segscope/segments/snapshot"
	"github.com/segscope/segscope/segments/suppress"
)

// ActionErase is the audit action of an erasure. Its details hold counts and
// table names, never the person's data.
const ActionErase = "subject.erase"

// ErrAbsent is wrapped when no row of the workspace holds the identifier.
var ErrAbsent = errors.New("nobody in the workspace has that identifier")

// Person names whom a request is about.
type Person struct {
	Kind  suppress.Kind
	Value string
	// Region reads a phone number without a country code.
	Region string
	// Table is where a key is looked up: a key names a row of one table only
	// (customer 52 and order 52 are not one person), so a key needs its table.
	Table string
}

// Service answers subject requests about a workspace.
type Service struct {
	ws       *query.Workspace
	segments *segments.Store
	consent  *consent.Service
	lists    *suppress.Service
	snaps    *snapshot.Service
}

// New returns the subject service of a workspace; c is the consent service
// whose clock consent states are judged by.
func New(ws *query.Workspace, c *consent.Service) *Service {
	return &Service{ws: ws, segments: segments.NewStore(ws), consent: c, lists: suppress.New(ws), snaps: snapshot.New(ws)}
}

// Table is one table holding the person.
type Table struct {
	Table string `json:"table"`
	Rows  int64  `json:"rows"`
	// Keys are the rows' keys (at most maxKeys), "" for a table without a key.
	Keys []string `json:"keys,omitempty"`
	// Consent is the person's state per channel, for a table with consent set up.
	Consent map[string]consent.State `json:"consent,omitempty"`
	// Attached says the table is a view of files kept elsewhere, which an
	// erasure cannot change.
	Attached bool `json:"attached,omitempty"`
	// Via names the audience table whose people these rows belong to: its
	// consent events, or event table, found by the person's key there.
	Via   string `json:"via,omitempty"`
	where string
}

// maxKeys is how many of a table's keys Find lists: a person is a row or a few.
const maxKeys = 20

// Found is where a person is.
type Found struct {
	Kind   suppress.Kind `json:"kind"`
	Tables []Table       `json:"tables"`
	// Segments are the live segments the person is a member of now.
	Segments []string `json:"segments"`
	// Exports are the exports of segments the person was a member of when they
	// were exported, oldest first. See ExportsCaveat.
	Exports []Export `json:"exports"`
	// Suppressed names the lists that hold the identifier already.
	Suppressed []string `json:"suppressed_by,omitempty"`
}

// ExportsCaveat is what Found.Exports can and cannot say, for whoever reads it.
const ExportsCaveat = "an export records the whole segment's members when it was made, not the file's rows: " +
	"consent, a suppression list, a split's arm or a priority step may have kept the person out of the file itself " +
	"(its manifest counts those left out, not who)"

// Export is an export of a segment the person was a member of at the time,
// as its audit entry records it.
type Export struct {
	Segment string `json:"segment"`
	Version int    `json:"segment_version"`
	Table   string `json:"table"`
	// File, Format and Channel are from the export's audit entry; "" if none
	// names the snapshot.
	File     string    `json:"file,omitempty"`
	Format   string    `json:"format,omitempty"`
	Channel  string    `json:"channel,omitempty"`
	At       time.Time `json:"exported_at"`
	Actor    string    `json:"actor"`
	AuditSeq int64     `json:"audit_seq,omitempty"`
	Snapshot int64     `json:"snapshot"`
}

// Find looks for the person in every table, and in the segments of the tables
// that hold them.
func (s *Service) Find(ctx context.Context, p Person) (*Found, error) {
	f, err := s.find(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("find the person: %w", err)
	}
	return f, nil
}

func (s *Service) find(ctx context.Context, p Person) (*Found, error) {
	norm, err := suppress.Normalize(p.Kind, p.Value, p.Region)
	if err != nil {
		return nil, err
	}
	tables, err := s.ws.Tables(ctx)
	if err != nil {
		return nil, err
	}
	if p.Kind == suppress.Key {
		if p.Table == "" {
			return nil, errors.New("a key names a row of one table: say which table")
		}
		info, err := s.ws.Table(ctx, p.Table)
		if err != nil {
			return nil, err
		}
		if info.Key == "" {
			return nil, fmt.Errorf("table %s has no key column", p.Table)
		}
		tables = []query.TableInfo{info}
	}
	f := &Found{Kind: p.Kind, Tables: []Table{}, Segments: []string{}, Exports: []Export{}}
	for _, t := range tables {
		where, err := s.lists.Match(ctx, t.Name, p.Kind, norm)
		if err != nil {
			return nil, err
		}
		if where == "" {
			continue
		}
		hit := Table{Table: t.Name, Attached: t.Attached, where: where}
		keys := "NULL"
		if t.Key != "" {
			keys = "list(CAST(" + query.QuoteIdent(t.Key) + " AS VARCHAR) ORDER BY " + query.QuoteIdent(t.Key) + ")[1:" + fmt.Sprint(maxKeys) + "]"
		}
		var listed any // NULL when no row matches
		if err := s.ws.DB().QueryRowContext(ctx, `SELECT count(*), `+keys+` FROM main.`+query.QuoteIdent(t.Name)+` WHERE `+where).
			Scan(&hit.Rows, &listed); err != nil {
			return nil, fmt.Errorf("look in %s: %w", t.Name, err)
		}
		if hit.Rows == 0 {
			continue
		}
		keyList, _ := listed.([]any)
		for _, k := range keyList {
			if k, ok := k.(string); ok {
				hit.Keys = append(hit.Keys, k)
			}
		}
		if hit.Consent, err = s.states(ctx, t.Name, where); err != nil {
			return nil, err
		}
		f.Tables = append(f.Tables, hit)
	}
	linked, err := s.linked(ctx, f.Tables)
	if err != nil {
		return nil, err
	}
	if f.Segments, err = s.memberOf(ctx, f.Tables); err != nil {
		return nil, err
	}
	if f.Exports, err = s.exports(ctx, f.Tables); err != nil {
		return nil, err
	}
	f.Tables = append(f.Tables, linked...)
	if f.Suppressed, err = s.lists.Holding(ctx, p.Kind, norm); err != nil {
		return nil, err
	}
	return f, nil
}

// linked finds the person's rows in the tables that hold the people of the
// tables they were found in, by key: the consent events of an audience, and its
// event tables (segscope events setup).
func (s *Service) linked(ctx context.Context, hits []Table) ([]Table, error) {
	found := map[string]bool{}
	for _, h := range hits {
		found[h.Table] = true
	}
	entries, err := events.List(ctx, s.ws)
	if err != nil {
		return nil, err
	}
	var out []Table
	for _, h := range hits {
		info, err := s.ws.Table(ctx, h.Table)
		if err != nil {
			return nil, err
		}
		if info.Key == "" {
			continue
		}
		type link struct{ table, key string }
		var links []link
		c, err := s.consent.Config(ctx, h.Table)
		switch {
		case errors.Is(err, consent.ErrNotConfigured):
		case err != nil:
			return nil, err
		case c.Events != nil:
			links = append(links, link{c.Events.Table, c.Events.Key})
		}
		for _, e := range entries {
			if e.Audience == h.Table {
				links = append(links, link{e.Table, e.Key})
			}
		}
		for _, l := range links {
			if found[l.table] {
				continue
			}
			// Keys compare as text: an events table may hold them as another type.
			where := "CAST(" + query.QuoteIdent(l.key) + " AS VARCHAR) IN (SELECT CAST(" + query.QuoteIdent(info.Key) +
				" AS VARCHAR) FROM main." + query.QuoteIdent(h.Table) + " WHERE " + h.where + ")"
			t := Table{Table: l.table, Via: h.Table, where: where}
			if err := s.ws.DB().QueryRowContext(ctx, `SELECT count(*) FROM main.`+query.QuoteIdent(l.table)+` WHERE `+where).Scan(&t.Rows); err != nil {
				return nil, fmt.Errorf("look in %s: %w", l.table, err)
			}
			if t.Rows > 0 {
				if ti, err := s.ws.Table(ctx, l.table); err == nil {
					t.Attached = ti.Attached
				}
				found[l.table] = true
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// states is the person's consent state per channel in a table with consent set
// up; nil for a table without.
func (s *Service) states(ctx context.Context, table, where string) (map[string]consent.State, error) {
	cov, err := s.consent.Coverage(ctx, consent.Population{Table: table, Where: where}, nil)
	if errors.Is(err, consent.ErrNotConfigured) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]consent.State{}
	for _, c := range cov.Channels {
		for st, n := range c.Counts {
			if n > 0 {
				out[c.Channel] = st
			}
		}
	}
	return out, nil
}

// memberOf lists the live segments, of the tables holding the person, that
// have them as a member now.
func (s *Service) memberOf(ctx context.Context, tables []Table) ([]string, error) {
	if len(tables) == 0 {
		return []string{}, nil
	}
	where := map[string]string{}
	for _, t := range tables {
		where[t.Table] = t.where
	}
	list, err := s.segments.List(ctx)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, seg := range list {
		w, ok := where[seg.Table]
		if !ok {
			continue
		}
		c, err := s.segments.Compile(ctx, seg.Name)
		if err != nil {
			continue // a segment that no longer compiles has no members now
		}
		n, err := s.ws.Count(ctx, seg.Table, "("+c.Where+") AND "+w)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, seg.Name)
		}
	}
	return out, nil
}

// exports lists the exports whose snapshots hold the person's rows, with the
// file, format and channel their audit entries record.
func (s *Service) exports(ctx context.Context, tables []Table) ([]Export, error) {
	var snaps []snapshot.Snapshot
	for _, t := range tables {
		held, err := s.snaps.Holding(ctx, t.Table, t.where, snapshot.KindExport)
		if err != nil {
			return nil, err
		}
		snaps = append(snaps, held...)
	}
	out := []Export{}
	if len(snaps) == 0 {
		return out, nil
	}
	entries, err := s.ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionExport})
	if err != nil {
		return nil, err
	}
	bySnapshot := map[int64]query.AuditEntry{}
	for _, e := range entries {
		var d struct {
			Snapshot int64 `json:"snapshot"`
		}
		if json.Unmarshal([]byte(e.Details), &d) == nil && d.Snapshot > 0 {
			bySnapshot[d.Snapshot] = e
		}
	}
	for _, sn := range snaps {
		x := Export{Segment: sn.Segment, Version: sn.Version, Table: sn.Table, Channel: sn.Scope.Channel, At: sn.Taken, Actor: sn.Actor, Snapshot: sn.ID}
		if e, ok := bySnapshot[sn.ID]; ok {
			var d struct {
				File    string `json:"file"`
				Format  string `json:"format"`
				Channel string `json:"channel"`
			}
			if err := json.Unmarshal([]byte(e.Details), &d); err != nil {
				return nil, fmt.Errorf("read audit entry %d: %w", e.Seq, err)
			}
			x.File, x.Format, x.Channel, x.At, x.AuditSeq = d.File, d.Format, d.Channel, e.Time, e.Seq
		}
		out = append(out, x)
	}
	slices.SortStableFunc(out, func(a, b Export) int { return a.At.Compare(b.At) })
	return out, nil
}

// Erased is what an erasure did.
type Erased struct {
	// Rows is how many rows were deleted, by table.
	Rows map[string]int64 `json:"rows_deleted"`
	// Listed is how many entries went on the erasure list: 1, or 0 when the
	// identifier was on it already.
	Listed int `json:"erasure_entries_added"`
}

// Erase deletes every row holding the person from every table and puts them on
// the erasure list, so that a re-import cannot bring them back into an export;
// the deletes, the list's entries and the audit entry (counts, never the
// person's data) commit together. Someone nobody matches is an error wrapping
// ErrAbsent, and nothing changes.
func (s *Service) Erase(ctx context.Context, p Person, reason string) (*Erased, error) {
	e, err := s.erase(ctx, p, reason)
	if err != nil {
		return nil, fmt.Errorf("erase the person: %w", err)
	}
	return e, nil
}

func (s *Service) erase(ctx context.Context, p Person, reason string) (*Erased, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, errors.New("say why (the request's reference, say): the erasure is audited")
	}
	f, err := s.find(ctx, p)
	if err != nil {
		return nil, err
	}
	if len(f.Tables) == 0 {
		return nil, fmt.Errorf("%w: nothing was erased (to keep them out of future imports all the same, add them with segscope suppress add --list %s)",
			ErrAbsent, suppress.Erasure)
	}
	var attached []string
	for _, t := range f.Tables {
		if t.Attached {
			attached = append(attached, t.Table)
		}
	}
	if len(attached) > 0 {
		return nil, fmt.Errorf("%s %s attached from files segscope does not change: nothing was erased; remove the person from those files, or detach them, then erase again",
			strings.Join(attached, ", "), map[bool]string{true: "is", false: "are"}[len(attached) == 1])
	}
	e := &Erased{Rows: map[string]int64{}}
	// The rows found by key in an audience go first: their predicate reads the
	// audience's rows.
	order := slices.Clone(f.Tables)
	slices.SortStableFunc(order, func(a, b Table) int {
		return cmp.Compare(boolInt(a.Via == ""), boolInt(b.Via == ""))
	})
	err = s.ws.WriteTx(ctx, func(tx *sql.Tx) error {
		for _, t := range order {
			r, err := tx.ExecContext(ctx, `DELETE FROM main.`+query.QuoteIdent(t.Table)+` WHERE `+t.where)
			if err != nil {
				return fmt.Errorf("delete from %s: %w", t.Table, err)
			}
			if e.Rows[t.Table], err = r.RowsAffected(); err != nil {
				return err
			}
		}
		// The identifier alone goes on the list, not the rows' keys: a key entry
		// matches every table's key, and customer 52's erasure must not keep
		// creator 52 out of exports.
		res, err := s.lists.AddTx(ctx, tx, suppress.AddRequest{List: suppress.Erasure, Kind: p.Kind,
			Entries: []suppress.Entry{{Line: 1, Value: p.Value}}, Region: p.Region, Source: "subject erase", Reason: reason})
		if err != nil {
			return err
		}
		e.Listed = res.Added
		_, err = s.ws.AppendAudit(ctx, tx, ActionErase, string(p.Kind), map[string]any{
			"kind": p.Kind, "rows_deleted": e.Rows, "erasure_entries_added": e.Listed, "segments": f.Segments, "reason": reason,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
