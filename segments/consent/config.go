package consent

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/segscope/segscope/query"
)

// Layout is how consent is recorded for an audience table.
type Layout string

const (
	// Long is a table of consent events: person, channel, status, time. The latest
	// event per person and channel wins.
	Long Layout = "long"
	// Wide is one column per channel on the audience table itself (email_opt_in, ...).
	Wide Layout = "wide"
)

// Config says where an audience table's consent lives and which policy applies.
// Only a stored one (Service.Setup) is ever applied.
type Config struct {
	Table  string       `json:"table"`
	Key    string       `json:"key_column"`
	Layout Layout       `json:"layout"`
	Events *Events      `json:"events,omitempty"`
	Wide   []WideColumn `json:"wide,omitempty"`
	Policy Policy       `json:"policy"`
}

// Events locates a long table of consent events.
type Events struct {
	Table string `json:"table"`
	// Key is the events' column holding the audience table's key.
	Key     string `json:"key_column"`
	Channel string `json:"channel_column"`
	Status  string `json:"status_column"`
	Time    string `json:"time_column"`
	// Source records where consent was collected; it is kept for the record only.
	Source string `json:"source_column,omitempty"`
}

// WideColumn maps a column of the audience table to the channel it records.
type WideColumn struct {
	Column  string `json:"column"`
	Channel string `json:"channel"`
	// Time, if set, is when the decision was recorded; without it nothing goes stale.
	Time string `json:"time_column,omitempty"`
}

// Policy is what makes a recorded grant usable.
type Policy struct {
	// StaleDays is how long a grant lasts without being renewed.
	StaleDays int `json:"stale_days"`
	// MinorAge applies everywhere (COPPA: 13); MinorAgeEU in the EU/EEA (GDPR Art. 8: 16)
	// and wherever the country is not known.
	MinorAge   int `json:"minor_age"`
	MinorAgeEU int `json:"minor_age_eu"`
	// UnknownAge says whether a person whose age is unknown (the age column is
	// empty, or holds no age from 0 to 130) may be contacted; it applies only
	// with an age column. "" is NotContactable: setups stored before the setting
	// existed fail closed too.
	UnknownAge UnknownAge `json:"unknown_age,omitempty"`
	// Columns of the audience table; "" when the table has none.
	AgeColumn      string `json:"age_column,omitempty"`
	ParentalColumn string `json:"parental_consent_column,omitempty"`
	CountryColumn  string `json:"country_column,omitempty"`
	StateColumn    string `json:"state_column,omitempty"`
	// DoNotSellColumn is an audience column flagging a Global Privacy Control
	// signal or a do-not-sell-or-share request: a California resident flagged
	// is kept out of ads channels and ad platforms' files (see ads.go).
	DoNotSellColumn string `json:"do_not_sell_column,omitempty"`
	// AdPersonalization and AdUserData name the channels recording Google's two
	// ads consents, when the consent data calls them something else (ads,
	// google_ads_data); "" for the default names (see AdChannels).
	AdPersonalization string `json:"ad_personalization_channel,omitempty"`
	AdUserData        string `json:"ad_user_data_channel,omitempty"`
}

// UnknownAge is how a policy treats a person whose age is not known.
type UnknownAge string

const (
	// NotContactable counts an unknown age as a minor's, unless parental consent
	// is granted: the person may be a child, and a child's consent is not enough.
	NotContactable UnknownAge = "not_contactable"
	// Contactable makes an unknown age no bar: the person's consent decides.
	Contactable UnknownAge = "contactable"
)

// ParseUnknownAge reads the setting as a person writes it ("not-contactable" too).
func ParseUnknownAge(s string) (UnknownAge, error) {
	switch u := UnknownAge(channelName(s)); u {
	case NotContactable, Contactable:
		return u, nil
	}
	return "", fmt.Errorf("unknown age must be %s or %s, not %q", NotContactable, Contactable, s)
}

// unknownAgeBars reports whether an unknown age keeps a person from being contacted.
func (p Policy) unknownAgeBars() bool { return p.UnknownAge != Contactable }

// DefaultPolicy is 24 months' staleness, COPPA's 13 and GDPR's 16, and an unknown
// age counted as a minor's.
func DefaultPolicy() Policy {
	return Policy{StaleDays: 730, MinorAge: 13, MinorAgeEU: 16, UnknownAge: NotContactable}
}

// wideChannels lists the channels a wide configuration records, in column order.
// A long configuration's channels are whatever its events name (Service.Channels).
func (c Config) wideChannels() []string {
	out := make([]string, len(c.Wide))
	for i, w := range c.Wide {
		out[i] = w.Channel
	}
	return out
}

var channelPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// columnSet is a table's columns by name, for validation.
type columnSet struct {
	table string
	types map[string]string
	names []string
}

func readColumns(ctx context.Context, ws *query.Workspace, table string) (columnSet, error) {
	cols, err := ws.Columns(ctx, table)
	if err != nil {
		return columnSet{}, err
	}
	s := columnSet{table: table, types: make(map[string]string, len(cols))}
	for _, c := range cols {
		s.types[c.Name] = c.Type
		s.names = append(s.names, c.Name)
	}
	return s, nil
}

// need checks that an optional column exists; role says what it is for in errors.
func (s columnSet) need(name, role string) error {
	if name == "" {
		return nil
	}
	if _, ok := s.types[name]; !ok {
		return fmt.Errorf("%s column %q is not a column of %s (its columns: %s)", role, name, s.table, strings.Join(s.names, ", "))
	}
	return nil
}

// checked holds the columns of the tables a validated configuration refers to.
type checked struct{ audience, events columnSet }

// validate checks a configuration against the workspace and fills in the defaults
// (the audience key, the events' key column).
func (s *Service) validate(ctx context.Context, c *Config) (checked, error) {
	info, err := s.ws.Table(ctx, c.Table)
	if err != nil {
		return checked{}, err
	}
	if c.Key == "" {
		c.Key = info.Key
	}
	if c.Key == "" {
		return checked{}, fmt.Errorf("table %s has no key column: name the key column in the consent setup", c.Table)
	}
	audience, err := readColumns(ctx, s.ws, c.Table)
	if err != nil {
		return checked{}, err
	}
	if err := audience.need(c.Key, "key"); err != nil {
		return checked{}, err
	}
	if c.Key != info.Key {
		if err := s.checkUnique(ctx, c.Table, c.Key); err != nil {
			return checked{}, err
		}
	}
	p := c.Policy
	switch {
	case p.StaleDays < 1:
		return checked{}, fmt.Errorf("the staleness window must be at least one day, not %d", p.StaleDays)
	case p.MinorAge < 0 || p.MinorAgeEU < p.MinorAge:
		return checked{}, fmt.Errorf("minor ages must satisfy 0 <= %d (everywhere) <= %d (EU/EEA)", p.MinorAge, p.MinorAgeEU)
	case p.UnknownAge == "":
		c.Policy.UnknownAge = NotContactable
	default:
		u, err := ParseUnknownAge(string(p.UnknownAge))
		if err != nil {
			return checked{}, err
		}
		c.Policy.UnknownAge = u
	}
	for _, col := range []struct{ name, role string }{
		{p.AgeColumn, "age"}, {p.ParentalColumn, "parental-consent"}, {p.CountryColumn, "country"}, {p.StateColumn, "state"},
	} {
		if err := audience.need(col.name, col.role); err != nil {
			return checked{}, err
		}
	}
	if err := checkAds(&c.Policy, audience); err != nil {
		return checked{}, err
	}
	switch c.Layout {
	case Long:
		events, err := s.validateLong(ctx, c)
		return checked{audience: audience, events: events}, err
	case Wide:
		return checked{audience: audience}, validateWide(c, audience)
	}
	return checked{}, fmt.Errorf("layout must be %q or %q, not %q", Long, Wide, c.Layout)
}

func (s *Service) validateLong(ctx context.Context, c *Config) (columnSet, error) {
	e := c.Events
	if e == nil || e.Table == "" {
		return columnSet{}, fmt.Errorf("a long layout needs the consent events table")
	}
	if e.Table == c.Table {
		return columnSet{}, fmt.Errorf("the consent events must be in their own table, not the audience table %s", c.Table)
	}
	if e.Key == "" {
		e.Key = c.Key
	}
	events, err := readColumns(ctx, s.ws, e.Table)
	if err != nil {
		return columnSet{}, err
	}
	if e.Channel == "" || e.Status == "" || e.Time == "" {
		return columnSet{}, fmt.Errorf("a long layout needs the channel, status and time columns of %s", e.Table)
	}
	for _, col := range []struct{ name, role string }{
		{e.Key, "key"}, {e.Channel, "channel"}, {e.Status, "status"}, {e.Time, "time"}, {e.Source, "source"},
	} {
		if err := events.need(col.name, col.role); err != nil {
			return columnSet{}, err
		}
	}
	if !timeType(events.types[e.Time]) && events.types[e.Time] != "VARCHAR" {
		return columnSet{}, fmt.Errorf("time column %s of %s holds %s, not dates or timestamps", e.Time, e.Table, events.types[e.Time])
	}
	return events, nil
}

func validateWide(c *Config, audience columnSet) error {
	if len(c.Wide) == 0 {
		return fmt.Errorf("a wide layout needs at least one COLUMN=CHANNEL mapping")
	}
	seen := map[string]string{}
	for i := range c.Wide {
		w := &c.Wide[i]
		w.Channel = channelName(w.Channel)
		if !channelPattern.MatchString(w.Channel) {
			return fmt.Errorf("channel %q for column %s: use lowercase letters, digits and _", w.Channel, w.Column)
		}
		if prev, dup := seen[w.Channel]; dup {
			return fmt.Errorf("columns %s and %s both record channel %s: map each channel once", prev, w.Column, w.Channel)
		}
		seen[w.Channel] = w.Column
		if err := audience.need(w.Column, "consent"); err != nil {
			return err
		}
		if err := audience.need(w.Time, "consent time"); err != nil {
			return err
		}
		if w.Time != "" && !timeType(audience.types[w.Time]) && audience.types[w.Time] != "VARCHAR" {
			return fmt.Errorf("time column %s holds %s, not dates or timestamps", w.Time, audience.types[w.Time])
		}
	}
	return nil
}

func (s *Service) checkUnique(ctx context.Context, table, column string) error {
	col := query.QuoteIdent(column)
	var ok bool
	err := s.ws.DB().QueryRowContext(ctx, `SELECT count(*) = count(DISTINCT `+col+`) AND count(`+col+`) = count(*) FROM main.`+query.QuoteIdent(table)).Scan(&ok)
	if err != nil {
		return fmt.Errorf("check key column %s of %s: %w", column, table, err)
	}
	if !ok {
		return fmt.Errorf("key column %s of %s has duplicate or empty values: consent needs one row per person", column, table)
	}
	return nil
}

func timeType(duckType string) bool {
	t := strings.ToUpper(duckType)
	return t == "DATE" || strings.HasPrefix(t, "TIMESTAMP")
}

// Describe says in plain words where a setup finds consent and which policy it
// applies: what a person reads before confirming a proposal, and after saving.
func (c Config) Describe() []string {
	var from string
	switch c.Layout {
	case Long:
		e := c.Events
		if e == nil {
			break
		}
		from = fmt.Sprintf("consent events in %s: %s.%s is %s.%s, channel %s, status %s, time %s", e.Table, e.Table, e.Key,
			c.Table, c.Key, e.Channel, e.Status, e.Time)
		if e.Source != "" {
			from += ", source " + e.Source + " (kept for the record)"
		}
	case Wide:
		cols := make([]string, len(c.Wide))
		for i, w := range c.Wide {
			cols[i] = w.Column + " → " + w.Channel
			if w.Time != "" {
				cols[i] += " (as of " + w.Time + ")"
			}
		}
		from = "opt-in columns of " + c.Table + " (key " + c.Key + "): " + strings.Join(cols, ", ")
	}
	p := c.Policy
	minors := fmt.Sprintf("minors are under %d (%d in the EU/EEA)", p.MinorAge, p.MinorAgeEU)
	if p.AgeColumn == "" {
		minors = "no age column, so nobody counts as a minor"
	} else {
		minors += " by " + p.AgeColumn
		if p.ParentalColumn != "" {
			minors += ", unless " + p.ParentalColumn + " is granted"
		}
		minors += " · " + p.UnknownAgeRule()
	}
	where := "no country column, so everyone's jurisdiction is unknown"
	if p.CountryColumn != "" {
		where = "jurisdiction from " + p.CountryColumn
		if p.StateColumn != "" {
			where += " and " + p.StateColumn
		}
	}
	lines := []string{from, fmt.Sprintf("a grant is stale after %d days · %s · %s", p.StaleDays, minors, where)}
	if p.DoNotSellColumn != "" {
		lines = append(lines, "a California resident flagged in "+p.DoNotSellColumn+" (Global Privacy Control, do not sell or share) is kept out of ads")
	}
	if p.AdPersonalization != "" || p.AdUserData != "" {
		lines = append(lines, "Google's ads consents: ad_personalization is "+firstNonEmpty(p.AdPersonalization, "ad_personalization (or ads_personalization)")+
			", ad_user_data is "+firstNonEmpty(p.AdUserData, AdUserDataChannel))
	}
	return lines
}

// UnknownAgeRule says in plain words how the policy treats an unknown age.
func (p Policy) UnknownAgeRule() string {
	if p.unknownAgeBars() {
		return "an unknown age counts as a minor's (unknown age: " + string(NotContactable) + ")"
	}
	return "an unknown age is no bar (unknown age: " + string(Contactable) + ")"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
