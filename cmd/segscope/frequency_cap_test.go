package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// segmentPreview is how many rows a rule selects, by segment preview.
func segmentPreview(t *testing.T, ws, table, rule string) int64 {
	t.Helper()
	out := strings.TrimSpace(mustRun(t, ws, "segment", "preview", "--table", table, "--rule", rule, "--format", "json"))
	i := strings.Index(out, `"count":`)
	if i < 0 {
		t.Fatalf("preview of %s: %s", rule, out)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(strings.Trim(strings.SplitN(out[i+8:], ",", 2)[0], "}\n ")), 10, 64)
	if err != nil {
		t.Fatalf("preview of %s: %s", rule, out)
	}
	return n
}

// A frequency cap: exported('x', in last 7 days) holds the people who were in
// x when it was exported, so not exported(...) leaves them out of the next
// campaign; before any export nobody is capped.
func TestFrequencyCapOnExports(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	total := segmentPreview(t, ws, "subscribers", "true")
	if got := segmentPreview(t, ws, "subscribers", "not exported('lapsed', in last 7 days)"); got != total {
		t.Fatalf("before any export the cap leaves %d of %d", got, total)
	}
	lapsed := segmentPreview(t, ws, "subscribers", "segment('lapsed')")
	mustRun(t, ws, "export", "lapsed", "--channel", "email", "-o", filepath.Join(t.TempDir(), "lapsed.csv"), "--acknowledge", "test")
	if got := segmentPreview(t, ws, "subscribers", "exported('lapsed', in last 7 days)"); got != lapsed {
		t.Errorf("exported in the last 7 days: %d, the segment held %d when exported", got, lapsed)
	}
	if got := segmentPreview(t, ws, "subscribers", "exported('lapsed')"); got != lapsed {
		t.Errorf("exported ever: %d, want %d", got, lapsed)
	}
	if got := segmentPreview(t, ws, "subscribers", "segment('churn_risk') and not exported('lapsed', in last 7 days)"); got != segmentPreview(t, ws, "subscribers", "segment('churn_risk') and not segment('lapsed')") {
		t.Errorf("churn risk capped by the lapsed export: %d", got)
	}
	if _, _, err := run(t, ws, "segment", "preview", "--table", "subscribers", "--rule", "exported('nope')"); err == nil || !strings.Contains(err.Error(), "there is no segment 'nope'") {
		t.Errorf("exported() of an unknown segment: %v", err)
	}
	if _, _, err := run(t, ws, "segment", "preview", "--table", "subscribers", "--rule", "exported(lapsed)"); err == nil || !strings.Contains(err.Error(), "the segment's name as a string") {
		t.Errorf("exported() without quotes: %v", err)
	}
}
