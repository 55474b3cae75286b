// Package risk says how risky a segment is to hand on, and why: each risk is a
// flag with its reason in plain words, and the flags add up to a score (low,
// medium, high) by the rule in Score. The workspace's policy (policy.go) says
// which segments need an acknowledgement before they are exported.
//
// Flags are worked out afresh whenever they are asked for (when a segment is
// saved, listed or shown, and when it is exported), since most depend on the
// data and consent as they are now; the one pass they need over the data is the
// segment's consent coverage on its main channel.
package risk

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/query/pii"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/rule"
)

// Level is a flag's severity, and a segment's score.
type Level string

// The levels, lowest first.
const (
	Low    Level = "low"
	Medium Level = "medium"
	High   Level = "high"
)

// Levels lists the levels, lowest first.
var Levels = []Level{Low, Medium, High}

func (l Level) atLeast(o Level) bool { return slices.Index(Levels, l) >= slices.Index(Levels, o) }

// Code names a flag.
type Code string

// The flags.
const (
	PersonalData    Code = "personal_data"
	Minors          Code = "minors"
	SmallCell       Code = "small_cell"
	SpecialCategory Code = "special_category"
	LowCoverage     Code = "low_coverage"
	Strict          Code = "strict_jurisdictions"
	NoConsent       Code = "no_consent_setup"
	NoDescription   Code = "no_description"
	NoReason        Code = "no_reason"
)

// severities is each flag's severity: what it alone says of the segment.
// Minors are medium, not high: the consent gate never lets a minor through,
// and most broad audiences hold a few, so a high minors flag would gate nearly
// every export and teach people to acknowledge without reading. A policy that
// wants them to gate lists them in Block. Strict jurisdictions say which law
// applies rather than that something is wrong: low.
var severities = map[Code]Level{
	SmallCell: High, SpecialCategory: High,
	Minors: Medium, PersonalData: Medium, LowCoverage: Medium, NoConsent: Medium,
	Strict: Low, NoDescription: Low, NoReason: Low,
}

func codeNames() []string {
	names := make([]string, 0, len(severities))
	for c := range maps.Keys(severities) {
		names = append(names, string(c))
	}
	slices.Sort(names)
	return names
}

// Flag is one risk, with its reason in plain words.
type Flag struct {
	Code     Code   `json:"flag"`
	Severity Level  `json:"severity"`
	Reason   string `json:"reason"`
	// Blocks says the policy gates an export on this flag alone.
	Blocks bool `json:"blocks,omitempty"`
}

// Assessment is a segment's risk as of AsOf.
type Assessment struct {
	Segment string    `json:"segment"`
	Table   string    `json:"table"`
	Version int       `json:"version"`
	Members int64     `json:"members"`
	Score   Level     `json:"score"`
	Flags   []Flag    `json:"flags"`
	AsOf    time.Time `json:"as_of"`
	// Gated says an export needs an acknowledgement (the policy's gate score, or
	// a flag it blocks on).
	Gated bool `json:"gated"`
	// Channel is the consent channel coverage was judged on ("" without consent).
	Channel string `json:"main_channel,omitempty"`
	// Err is why the segment could not be assessed, in AssessAll.
	Err error `json:"-"`
}

// Codes lists the flags raised, in order.
func (a Assessment) Codes() []string {
	out := make([]string, len(a.Flags))
	for i, f := range a.Flags {
		out[i] = string(f.Code)
	}
	return out
}

// Score combines flags: high with any high flag or two medium ones; medium with
// one medium flag or two low ones; low otherwise (no flag, or one low one).
func Score(flags []Flag) Level {
	n := map[Level]int{}
	for _, f := range flags {
		n[f.Severity]++
	}
	switch {
	case n[High] > 0 || n[Medium] >= 2:
		return High
	case n[Medium] == 1 || n[Low] >= 2:
		return Medium
	}
	return Low
}

// Assessor assesses a workspace's segments.
type Assessor struct {
	ws       *query.Workspace
	segments *segments.Store
	consent  *consent.Service
}

// New returns an assessor; c is the consent service whose clock coverage uses.
func New(ws *query.Workspace, c *consent.Service) *Assessor {
	return &Assessor{ws: ws, segments: segments.NewStore(ws), consent: c}
}

// Assess works out a live segment's flags and score now, under the stored policy.
func (a *Assessor) Assess(ctx context.Context, name string) (Assessment, error) {
	return a.AssessWith(ctx, name, nil)
}

// AssessWith is Assess given the segment's consent coverage on one channel,
// counted already (an export counts it from the states its gate keeps, see
// consent.Service.GateCoverage): it stands in for the pass over the data when
// it is of the segment as it is now and on the channel Assess would judge;
// otherwise the coverage is counted afresh, as Assess does.
func (a *Assessor) AssessWith(ctx context.Context, name string, counted *consent.Coverage) (Assessment, error) {
	p, err := a.Policy(ctx)
	if err != nil {
		return Assessment{}, err
	}
	as, err := a.assess(ctx, name, p, counted)
	if err != nil {
		return Assessment{}, fmt.Errorf("risk of %s: %w", name, err)
	}
	return as, nil
}

// AssessAll assesses the named segments, at most segments.SizeLimit at a time,
// as Store.Sizes counts them: answers in the order of names, each (if not nil)
// called with every answer as it lands, one call at a time. One segment's
// failure is its own answer's Err.
func (a *Assessor) AssessAll(ctx context.Context, names []string, each func(Assessment)) ([]Assessment, error) {
	p, err := a.Policy(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Assessment, len(names))
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(segments.SizeLimit)
	for i, name := range names {
		g.Go(func() error {
			as, err := a.assess(ctx, name, p, nil)
			if err != nil {
				as = Assessment{Segment: name, Err: fmt.Errorf("risk of %s: %w", name, err)}
			}
			mu.Lock()
			defer mu.Unlock()
			out[i] = as
			if each != nil {
				each(as)
			}
			return nil
		})
	}
	g.Wait()
	return out, nil
}

func (a *Assessor) assess(ctx context.Context, name string, p Policy, counted *consent.Coverage) (Assessment, error) {
	seg, err := a.segments.Compile(ctx, name)
	if err != nil {
		return Assessment{}, err
	}
	history, err := a.segments.History(ctx, name)
	if err != nil {
		return Assessment{}, err
	}
	as := Assessment{Segment: seg.Name, Table: seg.Table, Version: seg.Version, AsOf: a.consent.Now().UTC()}
	var flags []Flag
	raise := func(c Code, format string, args ...any) {
		flags = append(flags, Flag{Code: c, Severity: severities[c], Reason: fmt.Sprintf(format, args...)})
	}

	expr, err := rule.Parse(seg.Rule)
	if err != nil {
		return Assessment{}, fmt.Errorf("read the rule: %w", err)
	}
	used := rule.Columns(expr)
	kinds, err := a.ws.PersonalData(ctx, seg.Table)
	if err != nil {
		return Assessment{}, err
	}
	var personal []string
	for _, c := range used {
		if k := kinds[c]; k != pii.None {
			personal = append(personal, c+" ("+k.String()+")")
		}
	}
	if len(personal) > 0 {
		raise(PersonalData, "the rule selects people by personal data: %s", strings.Join(personal, ", "))
	}
	if found := specialCategories(seg, used); len(found) > 0 {
		raise(SpecialCategory, "the rule or the segment's name touches special categories of data (GDPR Art. 9): %s", strings.Join(found, "; "))
	}

	cov, err := a.coverage(ctx, seg, p, counted)
	switch {
	case err != nil && ctx.Err() != nil:
		return Assessment{}, err
	case err != nil:
		// A setup that no longer fits its data is no reason to refuse the rest
		// of the assessment (and the exports without a channel that need no
		// consent): it is a risk of its own.
		why := fmt.Sprintf("table %s has no consent set up", seg.Table)
		if !errors.Is(err, consent.ErrNotConfigured) {
			why = fmt.Sprintf("the consent of table %s could not be counted (%v)", seg.Table, err)
		}
		raise(NoConsent, "%s, so minors, consent coverage and jurisdictions cannot be checked", why)
		if as.Members, err = a.ws.Count(ctx, seg.Table, seg.Where); err != nil {
			return Assessment{}, err
		}
	default:
		as.Members, as.Channel = cov.Members, cov.Channel
		consentFlags(cov, p, raise)
	}
	if as.Members > 0 && as.Members < int64(p.K) {
		raise(SmallCell, "%s, fewer than k = %d: so few people can be told apart one by one", counts.Of(as.Members, "member", "members"), p.K)
	}
	latest := history[len(history)-1]
	if strings.TrimSpace(seg.Description) == "" {
		raise(NoDescription, "the segment has no description: nobody can tell what it is for")
	}
	if strings.TrimSpace(latest.Reason) == "" {
		raise(NoReason, "version %d was saved without a reason", latest.Version)
	}

	as.Flags, as.Score = flags, Score(flags)
	as.Gated = p.gates(as.Score)
	for i := range as.Flags {
		if slices.Contains(p.Block, as.Flags[i].Code) {
			as.Flags[i].Blocks, as.Gated = true, true
		}
	}
	return as, nil
}

// mainCoverage is a segment's consent on its main channel.
type mainCoverage struct {
	Channel string
	Members int64
	consent.ChannelCoverage
	AgeUnknown int64
	MinorAge   int
	MinorAgeEU int
	AgeColumn  string
	// UnknownAgeBars says the policy counts an unknown age as a minor's.
	UnknownAgeBars bool
}

// defaultChannel is the main channel when the policy names none.
const defaultChannel = "email"

// coverage counts the segment's consent on the policy's main channel (email when
// it names none); only when the table's consent does not know that channel, on
// every channel at once, taking the first. One channel is asked, not all: every
// export pays for this count unless its gate counted it already (counted), and
// each channel asked adds to it.
func (a *Assessor) coverage(ctx context.Context, seg segments.Compiled, p Policy, counted *consent.Coverage) (mainCoverage, error) {
	cov := counted
	if !judges(counted, seg, p) {
		channel := p.MainChannel
		if channel == "" {
			channel = defaultChannel
		}
		var err error
		cov, err = a.consent.Coverage(ctx, consent.SegmentMembers(seg), []string{channel})
		if errors.Is(err, consent.ErrUnknownChannel) {
			cov, err = a.consent.Coverage(ctx, consent.SegmentMembers(seg), nil)
		}
		if err != nil {
			return mainCoverage{}, err
		}
	}
	if len(cov.Channels) == 0 {
		return mainCoverage{Members: cov.Members}, nil
	}
	main := cov.Channels[0]
	pol := cov.Config.Policy
	return mainCoverage{Channel: main.Channel, Members: cov.Members, ChannelCoverage: main, AgeUnknown: cov.AgeUnknown,
		MinorAge: pol.MinorAge, MinorAgeEU: pol.MinorAgeEU, AgeColumn: pol.AgeColumn,
		UnknownAgeBars: pol.UnknownAge != consent.Contactable}, nil
}

// judges reports whether a coverage counted already is the one coverage would
// count for seg: of the same members, without suppression lists, on the
// policy's main channel or, when it names none, on email (which coverage asks
// first, and a coverage on email shows the consent data has it).
func judges(counted *consent.Coverage, seg segments.Compiled, p Policy) bool {
	if counted == nil || len(counted.Channels) != 1 || counted.Population != consent.SegmentMembers(seg) {
		return false
	}
	c := counted.Channels[0].Channel
	return c == p.MainChannel || p.MainChannel == "" && c == "email"
}

// strictJurisdictions are those with the strictest privacy law a segment's
// members commonly fall under.
var strictJurisdictions = []consent.Jurisdiction{consent.EU, consent.UK, consent.USCalifornia}

func consentFlags(c mainCoverage, p Policy, raise func(Code, string, ...any)) {
	if c.Members == 0 || c.Channel == "" {
		return
	}
	if n := c.Counts[consent.Minor]; n > 0 {
		unknown := ""
		if c.AgeUnknown > 0 && c.UnknownAgeBars {
			unknown = fmt.Sprintf(" (%s of unknown age, counted as minors by the policy)", counts.Of(c.AgeUnknown, "member", "members"))
		}
		raise(Minors, "%d of %s are minors under the consent policy (under %d, or %d in the EU/EEA, by %s)%s",
			n, counts.Of(c.Members, "member", "members"), c.MinorAge, c.MinorAgeEU, c.AgeColumn, unknown)
	}
	if c.Share < p.MinCoverage {
		raise(LowCoverage, "only %.0f%% of members (%d of %d) may be contacted on %s, the main channel: under the policy's %.0f%%",
			100*c.Share, c.Contactable, c.Members, c.Channel, 100*p.MinCoverage)
	}
	var strict int64
	var where []string
	for _, j := range c.Jurisdictions {
		if slices.Contains(strictJurisdictions, j.Jurisdiction) && j.Members > 0 {
			strict += j.Members
			where = append(where, fmt.Sprintf("%s %d", j.Jurisdiction, j.Members))
		}
	}
	if share := float64(strict) / float64(c.Members); strict > 0 && share >= p.StrictShare {
		raise(Strict, "%.0f%% of members (%s) live where privacy law is strictest (GDPR, UK GDPR, CCPA/CPRA)",
			100*share, strings.Join(where, ", "))
	}
}
