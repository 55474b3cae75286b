package exportscreen

import (
	"testing"

	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/tui/tuitest"
)

// The preview lists the members ad platforms' rules keep out under their own
// reasons, after the consent states.
func TestPreviewShowsAdsReasons(t *testing.T) {
	t.Parallel()
	m := tuitest.Open(t, New(tuitest.Env(t, tuitest.Sample.Open(t))), 120, 33)
	m.previewErr = nil
	m.preview = &export.Preview{Segment: "uploads", Table: "subscribers", Format: export.GoogleAds, Channel: "ad_personalization",
		Members: 10, Included: 6, Excluded: map[consent.State]int64{consent.Denied: 1, consent.DoNotSell: 1, consent.AdConsentIncomplete: 2}}
	tuitest.MustShow(t, m.View(), "✗ kept out", "do_not_sell", "ad_consent_incomplete")
}
