package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
)

// sampleReason is the reason recorded with each seeded segment's first version.
const sampleReason = "seeded with the built-in sample, so Compare, Consent, Export and Audit have something to show"

// sampleSegments are the documented segments a new workspace starts with,
// on the sample's subscribers. Their dates are the sample's, not today's, so
// they select the same people however long after 2026-11-01 they run.
func sampleSegments() []segments.Definition {
	asOf := sampledata.DefaultOptions().AsOf
	return []segments.Definition{{
		Name: "churn_risk", Table: "subscribers",
		Rule: "not churned and days_since_login >= 7 and watch_hours_30d < watch_hours_prev_30d * 0.5",
		Description: "Still subscribed, but not seen for a week and watching less than half as much as the month before: " +
			"the pattern churners show in the weeks before they cancel.",
	}, {
		Name: "lapsed", Table: "subscribers",
		Rule:        "not churned and days_since_login >= 30",
		Description: "Still paying but not logged in for 30 days or more: a win-back audience before they cancel.",
	}, {
		Name: "high_value", Table: "subscribers",
		Rule:        "not churned and monthly_price >= 17 and watch_hours_30d >= 20",
		Description: "Premium and family prices, and 20 hours or more watched in the last 30 days: keep them happy.",
	}, {
		Name: "new", Table: "subscribers",
		Rule: fmt.Sprintf("signup_date > date '%s'", asOf.AddDate(0, 0, -90).Format("2006-01-02")),
		Description: fmt.Sprintf("Joined in the 90 days before the sample's date (%s): onboarding decides whether they stay.",
			asOf.Format("2006-01-02")),
	}}
}

// seedSample fills a new workspace with the built-in sample: its tables, the
// generated viewing events, the consent setups and the documented segments.
func seedSample(ctx context.Context, ws *query.Workspace) error {
	for _, t := range slices.Concat(sampledata.Tables, sampledata.EventTables) {
		if _, err := ws.ImportFS(ctx, sampledata.SeedFS, t.File, t.Name); err != nil {
			return err
		}
	}
	// Consent belongs to the table it was set up for, so the sample's is set up
	// with it: the demo's consent works out of the box.
	if err := consent.New(ws).SetupSample(ctx); err != nil {
		return err
	}
	store := segments.NewStore(ws)
	for _, d := range sampleSegments() {
		d.Reason = sampleReason
		if _, err := store.Create(ctx, d); err != nil {
			return err
		}
	}
	return nil
}
