package consent

import (
	"context"
	"fmt"
	"slices"
)

// Audiences sorts the workspace's tables by what consent makes of them. The CLI's
// `segscope consent` (which tables to report on, which to name as left out) and
// the Consent screen's matrix (through Matrix) both decide it here.
type Audiences struct {
	// SetUp are the audience tables with a confirmed consent setup.
	SetUp []string `json:"set_up"`
	// NotSetUp are the tables with no setup: nobody in them is contactable until
	// a person confirms one (`segscope consent propose TABLE` suggests it).
	NotSetUp []string `json:"not_set_up"`
	// Events maps a table holding another table's consent events to that table:
	// it records consent, and is not an audience itself.
	Events map[string]string `json:"events,omitempty"`
}

// Audiences reads the tables and the confirmed setups, by table name.
func (s *Service) Audiences(ctx context.Context) (Audiences, error) {
	configs, err := s.Configs(ctx)
	if err != nil {
		return Audiences{}, fmt.Errorf("consent audiences: %w", err)
	}
	tables, err := s.ws.TableNames(ctx)
	if err != nil {
		return Audiences{}, fmt.Errorf("consent audiences: %w", err)
	}
	a := Audiences{Events: map[string]string{}}
	for _, c := range configs {
		if c.Events != nil && c.Events.Table != c.Table {
			a.Events[c.Events.Table] = c.Table
		}
	}
	for _, t := range tables {
		switch {
		case slices.ContainsFunc(configs, func(c Config) bool { return c.Table == t }):
			a.SetUp = append(a.SetUp, t)
		case a.Events[t] != "":
		default:
			a.NotSetUp = append(a.NotSetUp, t)
		}
	}
	return a, nil
}

// IsEvents reports whether table holds another table's consent events.
func (a Audiences) IsEvents(table string) bool { return a.Events[table] != "" }
