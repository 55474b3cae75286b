package consent

import (
	"context"
	"fmt"
	"slices"

	"github.com/segscope/segscope/query"
)

// sampleSetups are the consent setups of the built-in sample (sample-data): the
// subscribers' consent events in their own table, and the creators' opt-in
// columns. They are written out rather than proposed so that the demo never
// depends on what detection happens to find.
func sampleSetups() []Config {
	subscribers, creators := DefaultPolicy(), DefaultPolicy()
	subscribers.AgeColumn, subscribers.ParentalColumn = "age", "parental_consent"
	subscribers.CountryColumn, subscribers.StateColumn = "country", "state"
	creators.CountryColumn = "country"
	return []Config{{
		Table: "subscribers", Key: "subscriber_id", Layout: Long, Policy: subscribers,
		Events: &Events{Table: "consent", Key: "subscriber_id", Channel: "channel", Status: "status", Time: "event_time", Source: "source"},
	}, {
		Table: "creators", Key: "customer_id", Layout: Wide, Policy: creators,
		Wide: []WideColumn{{Column: "email_opt_in", Channel: "email"}, {Column: "sms_opt_in", Channel: "sms"}},
	}}
}

// SetupSample confirms the sample's consent setups for those of its tables that
// are in the workspace (all of a setup's tables must be), as a new workspace is
// seeded. Each is audited like any other setup.
func (s *Service) SetupSample(ctx context.Context) error {
	tables, err := s.ws.Tables(ctx)
	if err != nil {
		return fmt.Errorf("set up the sample's consent: %w", err)
	}
	present := func(name string) bool {
		return slices.ContainsFunc(tables, func(t query.TableInfo) bool { return t.Name == name })
	}
	for _, c := range sampleSetups() {
		if !present(c.Table) || (c.Events != nil && !present(c.Events.Table)) {
			continue
		}
		if _, err := s.Setup(ctx, c, "the built-in sample's consent, set up with the sample"); err != nil {
			return err
		}
	}
	return nil
}
