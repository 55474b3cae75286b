// Package consent answers "who may we contact, on which channel, and why not the
// rest?". It keeps each audience table's consent setup and policy in the
// workspace and turns consent records into one state per person and channel — in
// DuckDB, never row by row in Go. Coverage, the console's matrix and the export
// gate are all built on that one states query.
//
// Consent belongs to the table it was set up for: a table without a confirmed
// setup has no consent at all, whatever its columns are called. Detection only
// proposes a setup (Service.Propose), with the evidence for it; a person confirms
// it (Service.Setup), and the confirmation is audited.
package consent

import (
	"errors"
	"fmt"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
)

// State is a person's consent on one channel.
type State string

// The states, in the order people read them: only Granted is contactable.
const (
	Granted   State = "granted"
	Denied    State = "denied"
	Withdrawn State = "withdrawn"
	Stale     State = "stale"
	Unknown   State = "unknown"
	Minor     State = "minor"
)

// States lists every state in display order.
var States = []State{Granted, Denied, Withdrawn, Stale, Unknown, Minor}

// Suppressed is not a consent state but a reason of its own: the person is on a
// suppression list (segments/suppress), which no grant overrides. It is counted
// only for a population given a Suppressed predicate, and then ahead of any state.
const Suppressed State = "suppressed"

// Jurisdiction is the privacy regime a person falls under, from country and state.
type Jurisdiction string

// The jurisdictions, in display order.
const (
	EU           Jurisdiction = "EU/EEA"
	UK           Jurisdiction = "UK"
	USCalifornia Jurisdiction = "US-California"
	USOther      Jurisdiction = "US-other"
	RestOfWorld  Jurisdiction = "rest of world"
	NoCountry    Jurisdiction = "unknown"
)

// Jurisdictions lists every jurisdiction in display order.
var Jurisdictions = []Jurisdiction{EU, UK, USCalifornia, USOther, RestOfWorld, NoCountry}

// ErrNotConfigured is wrapped when a table has no confirmed consent setup.
var ErrNotConfigured = errors.New("no consent set up")

// ErrUnknownChannel is wrapped when a channel is not one the consent data knows.
var ErrUnknownChannel = errors.New("unknown channel")

// Service answers consent questions about a workspace.
type Service struct {
	ws       *query.Workspace
	segments *segments.Store
	// Now is the instant staleness is measured from; tests pin it.
	Now func() time.Time
	// dicts holds the tables' vocabularies and places, so that the states query
	// looks values up rather than normalizing every row (see dictionary.go).
	dicts *dictionaries
}

// New returns the consent service of a workspace.
func New(ws *query.Workspace) *Service {
	return &Service{ws: ws, segments: segments.NewStore(ws), Now: time.Now,
		dicts: &dictionaries{words: map[string]*words{}, place: map[string]*placeBook{}}}
}

// Population is who a consent question is about: a segment's members or a whole table.
type Population struct {
	Table   string `json:"table"`
	Segment string `json:"segment,omitempty"`
	// Where is a trusted predicate over Table (a compiled rule), "" for every row.
	Where string `json:"-"`
	// Suppressed is a trusted predicate over Table, never NULL, selecting the
	// people on a suppression list; "" for none. They count as Suppressed.
	Suppressed string `json:"-"`
	// Ads says the people go to an ad platform (a customer-match file): a
	// do-not-sell-or-share flag keeps California residents out on any channel.
	Ads bool `json:"ads,omitempty"`
	// Google says they go to Google customer match: in the EU/EEA and the UK
	// both of Google's ads consents must be granted, when both are recorded.
	Google bool `json:"google,omitempty"`
}

// WholeTable is every row of an audience table.
func WholeTable(table string) Population { return Population{Table: table} }

// SegmentMembers is a compiled segment's members.
func SegmentMembers(c segments.Compiled) Population {
	return Population{Table: c.Table, Segment: c.Name, Where: c.Where}
}

// Name is how a population is shown: the segment's name, or "all of TABLE".
func (p Population) Name() string {
	if p.Segment != "" {
		return p.Segment
	}
	return "all of " + p.Table
}

// notSetUp is the error for a table without a confirmed setup. It names the
// commands that give it one, since every caller (coverage, the gate, the matrix)
// has the same advice to give.
func notSetUp(table string) error {
	return fmt.Errorf("%w for table %s: see what segscope proposes with `segscope consent propose %s`, "+
		"then save it with `segscope consent setup --table %s --from-proposal` (or describe it with the setup flags)",
		ErrNotConfigured, table, table, table)
}
