package main

import (
	"context"
	"slices"

	"github.com/segscope/segscope/query"
	sampledata "github.com/segscope/segscope/sample-data"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/events"
)

// sampleReason is the reason recorded with each seeded segment's first version.
const sampleReason = "seeded with the built-in sample, so Compare, Consent, Export and Audit have something to show"

// sampleSegments are the documented segments a new workspace starts with,
// on the sample's subscribers. Their windows count back from the workspace's
// as-of time, seeded to the sample's date, so they select the same people
// however long after 2026-11-01 they run.
func sampleSegments() []segments.Definition {
	return []segments.Definition{{
		Name: "churn_risk", Table: "subscribers",
		Rule: "not churned and none(views in last 14 days) and count(views) >= 5",
		Description: "Still subscribed and a regular viewer (5 or more views in the sample's 60 days), " +
			"but nothing watched in the last 14 days: the silence that comes before a cancellation.",
	}, {
		Name: "lapsed", Table: "subscribers",
		Rule: "sessions_30d = 0",
		Description: "Watched nothing in the last 30 days, cancelled or not (the same people as none(views in last 30 days)): " +
			"the win-back audience.",
	}, {
		Name: "high_value", Table: "subscribers",
		Rule:        "not churned and monthly_price >= 17 and watch_hours_30d >= 20",
		Description: "Premium and family prices, and 20 hours or more watched in the last 30 days: keep them happy.",
	}, {
		Name: "new", Table: "subscribers",
		Rule:        "signup_date > ago(90 days)",
		Description: "Joined in the 90 days before the as-of date: onboarding decides whether they stay.",
	}}
}

// seedSample fills a new workspace with the built-in sample: its tables, the
// generated viewing events set up as the subscribers' events, the as-of time
// at the sample's date, the consent setups and the documented segments.
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
	// The sample is dated: windows and ago() count back from its date, not
	// today's, or the segments would empty as the calendar moves on.
	asOf := sampledata.DefaultOptions().AsOf
	if _, err := events.Setup(ctx, ws, events.Config{Table: "views", Key: "subscriber_id", Time: "time", Audience: "subscribers"},
		events.Options{Reason: "the built-in sample's viewing events, set up with the sample", AsOf: &asOf}); err != nil {
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
