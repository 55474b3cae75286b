package consent

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
)

// now is "today" for every test: three weeks after the sample data's AsOf.
var now = time.Date(2026, time.November, 22, 12, 0, 0, 0, time.UTC)

// staleCutoff is now minus the default 730-day window, as hand-written SQL writes it.
const staleCutoff = `TIMESTAMP '2024-11-22 12:00:00'`

// euCountries is the EU/EEA in hand-written SQL, independent of jurisdiction.go.
const euCountries = `('AT','BE','BG','HR','CY','CZ','DK','EE','FI','FR','DE','GR','HU','IE','IT','LV','LT','LU','MT','NL','PL','PT','RO','SK','SI','ES','SE','IS','LI','NO')`

func newService(ws *query.Workspace) *Service {
	s := New(ws)
	s.Now = func() time.Time { return now }
	return s
}

// samples are sample's workspaces: the import and the setup cost more than
// most tests here, so each list of tables is built once per test binary.
var samples = querytest.NewFixtures(func(tb testing.TB, path string, tables []string) *query.Workspace {
	ws := querytest.SampleFile(tb, path, tables...)
	if err := New(ws).SetupSample(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return ws
})

// sample is a copy of a workspace holding the sample tables named (all when
// none are) with the sample's consent set up, as a new workspace is seeded.
func sample(t testing.TB, tables ...string) *query.Workspace {
	t.Helper()
	return samples.Open(t, tables...)
}

func define(t testing.TB, ws *query.Workspace, name, table, rule string) segments.Compiled {
	t.Helper()
	ctx := context.Background()
	store := segments.NewStore(ws)
	if _, err := store.Define(ctx, segments.Definition{Name: name, Table: table, Rule: rule}); err != nil {
		t.Fatal(err)
	}
	c, err := store.Compile(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tallies runs hand-written SQL returning (channel, state, count) and keys it "channel/state".
func tallies(t testing.TB, db *sql.DB, q string) map[string]int64 {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var channel, state string
		var n int64
		if err := rows.Scan(&channel, &state, &n); err != nil {
			t.Fatal(err)
		}
		out[channel+"/"+state] += n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// coverageTallies flattens a coverage the same way, leaving out zero counts.
func coverageTallies(cov *Coverage) map[string]int64 {
	out := map[string]int64{}
	for _, c := range cov.Channels {
		for st, n := range c.Counts {
			if n > 0 {
				out[c.Channel+"/"+string(st)] = n
			}
		}
	}
	return out
}

func sameTallies(t testing.TB, got, want map[string]int64) {
	t.Helper()
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		if got[k] != want[k] {
			diffs = append(diffs, k)
		}
	}
	sort.Strings(diffs)
	for _, k := range diffs {
		t.Errorf("%s: got %d, hand-written SQL %d", k, got[k], want[k])
	}
	if len(want) == 0 {
		t.Error("the hand-written SQL counted nothing")
	}
}

func scalar[T any](t testing.TB, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return v
}

func where(rule string) string {
	if strings.TrimSpace(rule) == "" {
		return ""
	}
	return " WHERE " + rule
}

// personState is one row of the states query.
type personState struct {
	State        State
	Jurisdiction Jurisdiction
	Unrecognized bool
}

// statesOf runs the states query for a whole table on one channel and keys the
// rows by the person's key as text.
func statesOf(t testing.TB, s *Service, table, channel string) map[string]personState {
	t.Helper()
	ctx := context.Background()
	p, err := s.plan(ctx, table)
	if err != nil {
		t.Fatal(err)
	}
	channels, err := s.askedChannels(p, []string{channel})
	if err != nil {
		t.Fatal(err)
	}
	q := p.statesSQL(statesSpec{channels: channels, now: now})
	rows, err := s.ws.DB().Query(`SELECT CAST(person AS VARCHAR), state, jurisdiction, unrecognized FROM (` + q + `)`)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	out := map[string]personState{}
	for rows.Next() {
		var key string
		var ps personState
		if err := rows.Scan(&key, &ps.State, &ps.Jurisdiction, &ps.Unrecognized); err != nil {
			t.Fatal(err)
		}
		out[key] = ps
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
