package consent

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/segscope/segscope/query"
)

// Names that detection recognises, best first.
var (
	eventsTableName = regexp.MustCompile(`^([a-z0-9_]+_)?consents?(_(events?|log|history|records?))?$`)
	channelNames    = []string{"channel", "channel_name", "medium", "purpose", "consent_type", "type"}
	statusNames     = []string{"status", "consent_status", "state", "decision", "value", "consent", "opt_in"}
	timeNames       = []string{"event_time", "timestamp", "ts", "time", "event_at", "occurred_at", "recorded_at",
		"consented_at", "created_at", "updated_at", "event_date", "date"}
	sourceNames   = []string{"source", "origin", "collection_point", "collected_via", "source_system"}
	ageNames      = []string{"age", "age_years", "customer_age"}
	countryNames  = []string{"country", "country_code", "country_iso", "countrycode"}
	stateNames    = []string{"state", "state_code", "us_state", "province", "region"}
	timeSuffixes  = []string{"_at", "_date", "_time", "_updated_at"}
	parentalMatch = "parental"
)

// Detect proposes a consent configuration for an audience table: a long table of
// events named like consent, consents or consent_events carrying the table's key,
// or else wide columns on the table itself (*opt_in*, consent_*, *_consent). The
// policy takes the defaults with the age, parental-consent, country and state
// columns found by name. The result is marked Detected and is not stored.
func Detect(ctx context.Context, ws *query.Workspace, table string) (Config, error) {
	info, err := ws.Table(ctx, table)
	if err != nil {
		return Config{}, err
	}
	if info.Key == "" {
		return Config{}, fmt.Errorf("table %s: %w: it has no key column to match consent to people; name its key column in the consent setup", table, ErrNotConfigured)
	}
	audience, err := readColumns(ctx, ws, table)
	if err != nil {
		return Config{}, err
	}
	c := Config{Table: table, Key: info.Key, Policy: detectPolicy(audience), Detected: true}
	events, err := detectEvents(ctx, ws, table, info.Key)
	if err != nil {
		return Config{}, err
	}
	if events != nil {
		c.Layout, c.Events = Long, events
		return c, nil
	}
	if c.Wide = detectWide(audience); len(c.Wide) > 0 {
		c.Layout = Wide
		return c, nil
	}
	return Config{}, fmt.Errorf("table %s: %w: there is no consent table (consent, consents or consent_events) with a %s column, "+
		"and no opt-in columns (*opt_in*, consent_*, *_consent); describe where consent lives with segscope consent setup",
		table, ErrNotConfigured, info.Key)
}

// DetectPolicy proposes the default policy with the age, parental-consent, country
// and state columns of an audience table found by name.
func DetectPolicy(ctx context.Context, ws *query.Workspace, table string) (Policy, error) {
	audience, err := readColumns(ctx, ws, table)
	if err != nil {
		return Policy{}, err
	}
	return detectPolicy(audience), nil
}

func detectPolicy(audience columnSet) Policy {
	p := DefaultPolicy()
	p.AgeColumn = audience.find(ageNames, numericType)
	p.CountryColumn = audience.find(countryNames, nil)
	p.StateColumn = audience.find(stateNames, nil)
	for _, name := range audience.names {
		if strings.Contains(strings.ToLower(name), parentalMatch) {
			p.ParentalColumn = name
			break
		}
	}
	return p
}

func detectEvents(ctx context.Context, ws *query.Workspace, audience, key string) (*Events, error) {
	tables, err := ws.Tables(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if t.Name == audience || !eventsTableName.MatchString(t.Name) {
			continue
		}
		cols, err := readColumns(ctx, ws, t.Name)
		if err != nil {
			return nil, err
		}
		e := &Events{
			Table:   t.Name,
			Key:     cols.find([]string{key}, nil),
			Channel: cols.find(channelNames, nil),
			Status:  cols.find(statusNames, nil),
			Time:    cols.find(timeNames, timeType),
			Source:  cols.find(sourceNames, nil),
		}
		if e.Time == "" {
			e.Time = cols.firstOfType(timeType)
		}
		if e.Key != "" && e.Channel != "" && e.Status != "" && e.Time != "" {
			return e, nil
		}
	}
	return nil, nil
}

func detectWide(audience columnSet) []WideColumn {
	var out []WideColumn
	seen := map[string]bool{}
	for _, name := range audience.names {
		if timeType(audience.types[name]) {
			continue
		}
		channel := wideChannel(strings.ToLower(name))
		if channel == "" || seen[channel] || !channelPattern.MatchString(channel) {
			continue
		}
		seen[channel] = true
		w := WideColumn{Column: name, Channel: channel}
		for _, suffix := range timeSuffixes {
			if t := audience.find([]string{name + suffix}, timeType); t != "" {
				w.Time = t
				break
			}
		}
		out = append(out, w)
	}
	return out
}

// wideChannel names the channel a column records, or "" when it is not a consent column.
func wideChannel(name string) string {
	switch {
	case strings.Contains(name, parentalMatch):
		return ""
	case strings.Contains(name, "opt_in"):
		return strings.Trim(strings.Replace(name, "opt_in", "", 1), "_")
	case strings.Contains(name, "optin"):
		return strings.Trim(strings.Replace(name, "optin", "", 1), "_")
	case strings.HasPrefix(name, "consent_"):
		return strings.TrimPrefix(name, "consent_")
	case strings.HasSuffix(name, "_consent"):
		return strings.TrimSuffix(name, "_consent")
	}
	return ""
}

// find returns the first column whose name matches one of names (in the order of
// names, ignoring case) and whose type passes ok (nil accepts any type).
func (s columnSet) find(names []string, ok func(string) bool) string {
	for _, want := range names {
		for _, name := range s.names {
			if strings.EqualFold(name, want) && (ok == nil || ok(s.types[name])) {
				return name
			}
		}
	}
	return ""
}

func (s columnSet) firstOfType(ok func(string) bool) string {
	for _, name := range s.names {
		if ok(s.types[name]) {
			return name
		}
	}
	return ""
}

func numericType(duckType string) bool {
	switch strings.ToUpper(duckType) {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
		"FLOAT", "DOUBLE", "REAL":
		return true
	}
	return strings.HasPrefix(strings.ToUpper(duckType), "DECIMAL")
}
