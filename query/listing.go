package query

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// The listing kept in the workspace. Listing the tables from DuckDB's catalog
// costs more than opening the file (the first look at a new instance's
// catalog makes its default views, about 1 ms, and counting every table is
// another statement), so the listing a workspace had when segscope last
// closed it is kept in the workspace as the text of the macro
// segscope.listing() (a constant costs less to read than a row of a table,
// whose storage DuckDB loads on first use) and read with the schema version at
// open. It is used only while it is certainly exact: it records the checkpoint
// iteration the file has once that close is done, and DuckDB raises the
// iteration in the file's header at every checkpoint that changes anything,
// while a change not yet checkpointed sits in the write-ahead log. So the
// listing is current when, before DuckDB opens the file, there is no log and
// the header's iteration is the recorded one, and it stays current in this
// process while that is still so: a change by anyone (this process, another
// program with duckdb-go or the CLI, an older segscope) moves one or the other.
// Otherwise the catalog is read, as it always was, and the listing is made
// again when the workspace is closed.

// fileState is what the listing's validity is checked against: the checkpoint
// iteration in a DuckDB file's header, and whether no write-ahead log holds
// changes beyond it. ok is false when the file cannot be read as a DuckDB
// file; the catalog is read then.
type fileState struct {
	iteration uint64
	ok        bool
}

// DuckDB's file starts with a 4 KiB main header (a checksum, then the magic
// "DUCK"), followed by two 4 KiB database headers written in turn, each a
// checksum and then the iteration; the higher iteration is the current one.
const (
	headerBlock    = 4096
	headerChecksum = 8
)

// staleSuffix names the file beside a workspace that says its kept listing
// is not to be trusted (see confirmListing).
const staleSuffix = ".listing-stale"

// readFileState reads the header of the DuckDB file at path and looks for its
// log, and for a mark that its kept listing is stale.
func readFileState(path string) fileState {
	if path == "" {
		return fileState{}
	}
	if _, err := os.Stat(path + staleSuffix); !errors.Is(err, os.ErrNotExist) {
		return fileState{}
	}
	return headerState(path)
}

// headerState is the file's state as its header and log say, whatever the mark.
func headerState(path string) fileState {
	if info, err := os.Stat(path + ".wal"); err == nil && info.Size() > 0 || err != nil && !errors.Is(err, os.ErrNotExist) {
		return fileState{}
	}
	f, err := os.Open(path)
	if err != nil {
		return fileState{}
	}
	defer f.Close()
	iteration, err := headerIteration(f)
	return fileState{iteration: iteration, ok: err == nil}
}

// headerIteration reads the checkpoint iteration from a DuckDB file's headers.
func headerIteration(r io.Reader) (uint64, error) {
	var buf [3 * headerBlock]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return 0, err
	}
	if string(buf[headerChecksum:headerChecksum+4]) != "DUCK" {
		return 0, errors.New("not a DuckDB file")
	}
	a := binary.LittleEndian.Uint64(buf[headerBlock+headerChecksum:])
	b := binary.LittleEndian.Uint64(buf[2*headerBlock+headerChecksum:])
	return max(a, b), nil
}

// currentIteration is the file's checkpoint iteration, whatever its log holds.
func currentIteration(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return headerIteration(f)
}

// listingText is what segscope.listing() holds, as JSON: the listing with
// what open needs besides, the schema version and whether exports left
// temporary files on record, as they were when the listing was kept.
type listingText struct {
	Iteration     uint64      `json:"iteration"`
	SchemaVersion int         `json:"schema_version"`
	ExportTemps   int         `json:"export_temps"`
	Tables        []TableInfo `json:"tables"`
}

// forgetListing is what the listing is when there is none to use.
const forgetListing = `CREATE OR REPLACE MACRO segscope.listing() AS ''`

// openFromListing is open's check when the file is as segscope last closed it
// (at: its state before DuckDB opened it): one read of the kept listing, which
// also tells the schema version, instead of a read that binds every metadata
// table. It reports false, having changed nothing, when the listing is missing
// or not the file's.
func (w *Workspace) openFromListing(ctx context.Context, at fileState) bool {
	if !at.ok {
		return false
	}
	var text string
	if err := w.db.QueryRowContext(ctx, `SELECT segscope.listing()`).Scan(&text); err != nil {
		return false
	}
	var k listingText
	if err := json.Unmarshal([]byte(text), &k); err != nil || k.Iteration != at.iteration || k.SchemaVersion < schemaVersion {
		return false
	}
	w.exportTemps = k.ExportTemps > 0
	w.listing.Store(&keptListing{at: at, tables: k.Tables})
	return true
}

// keptListing is the listing read at open and the file state it belongs to.
type keptListing struct {
	at     fileState
	tables []TableInfo
}

// keptTables is the kept listing narrowed to name ("" for every table), or
// false when there is none or the file has changed since open.
func (w *Workspace) keptTables(name string) ([]TableInfo, bool) {
	kept := w.listing.Load()
	if kept == nil {
		return nil, false
	}
	if readFileState(w.file) != kept.at {
		w.listing.Store(nil)
		return nil, false
	}
	var out []TableInfo
	for _, t := range kept.tables {
		if name == "" || t.Name == name {
			out = append(out, t)
		}
	}
	return out, true
}

// keepListing writes the listing for the next open when this session changed
// the file (or found no listing it could use), just before Close closes the
// database: the metadata schema is checked, the tables listed from the
// catalog, and the listing recorded with the iteration the checkpoint DuckDB
// makes on closing will give the file. It returns that iteration, or 0 when
// nothing was recorded. Any failure leaves the listing unusable, never wrong:
// then the next open reads the catalog.
func (w *Workspace) keepListing() uint64 {
	if w.file == "" {
		return 0
	}
	if kept := w.listing.Load(); kept != nil && readFileState(w.file) == kept.at {
		return 0 // unchanged since an open that found the listing current
	}
	ctx := context.Background()
	forget := func() uint64 {
		w.db.ExecContext(ctx, forgetListing)
		return 0
	}
	var version, temps int
	if err := w.db.QueryRowContext(ctx, schemaCheck).Scan(&version, &temps); err != nil || version < schemaVersion {
		return forget() // a metadata table is missing: the next open repairs it
	}
	tables, err := w.catalogTables(ctx, "", false)
	if err != nil {
		return forget()
	}
	k := listingText{SchemaVersion: version, ExportTemps: temps, Tables: tables}
	// The log is checkpointed once after the listing's own commit, on closing
	// (or at the commit itself, when that fills the log): one past the
	// iteration the file has now. Should another checkpoint come between,
	// confirmListing finds the file at another iteration.
	now, err := currentIteration(w.file)
	if err != nil {
		return forget()
	}
	k.Iteration = now + 1
	text, err := json.Marshal(k)
	if err != nil {
		return forget()
	}
	// A macro's body is SQL, so the text goes in as a quoted literal.
	if _, err := w.db.ExecContext(ctx, `CREATE OR REPLACE MACRO segscope.listing() AS `+QuoteString(string(text))); err != nil {
		return forget()
	}
	return k.Iteration
}

// confirmListing runs after the database is closed: if the close did not
// checkpoint to the iteration the listing was recorded for (another handle in
// this process keeps DuckDB's instance open, or the checkpoint failed), a mark
// beside the file says the listing is stale, so that it cannot be taken for
// current after a later change that happens to reach that iteration; the next
// close that records a listing and sees it checkpointed removes the mark.
// (Opening the file again here to forget the listing could hang inside DuckDB,
// at full CPU, in about one run in four of the export screen's tests.)
func (w *Workspace) confirmListing(expect uint64) error {
	if expect == 0 {
		return nil
	}
	mark := w.file + staleSuffix
	if st := headerState(w.file); st.ok && st.iteration == expect {
		if err := os.Remove(mark); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("clear the stale mark of the kept table listing: %w", err)
		}
		return nil
	}
	if err := os.WriteFile(mark, nil, 0o600); err != nil {
		return fmt.Errorf("mark the kept table listing stale: %w", err)
	}
	return nil
}
