// Package consenttest gives tests outside the consent package the sample
// workspace as a new workspace is seeded: the sample tables with their consent
// set up. (querytest cannot do it: consent's own tests import querytest.)
package consenttest

import (
	"context"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments/consent"
)

var samples = querytest.NewFixtures(func(tb testing.TB, path string, tables []string) *query.Workspace {
	ws := querytest.SampleFile(tb, path, tables...)
	if err := consent.New(ws).SetupSample(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return ws
})

// Sample is a copy of the sample tables named (all when none are) with the
// sample's consent set up, built once per test binary (querytest.Fixtures:
// the package's TestMain runs querytest.Main).
func Sample(tb testing.TB, tables ...string) *query.Workspace {
	tb.Helper()
	return samples.Open(tb, tables...)
}

// Setup confirms a consent setup, as segscope consent setup does.
func Setup(tb testing.TB, ws *query.Workspace, c consent.Config) {
	tb.Helper()
	if _, err := consent.New(ws).Setup(context.Background(), c, "test setup"); err != nil {
		tb.Fatal(err)
	}
}
