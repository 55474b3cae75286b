package snapshot

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

func setup(t testing.TB) (*query.Workspace, *Service) {
	ws := consenttest.Sample(t)
	return ws, New(ws)
}

func define(t testing.TB, ws *query.Workspace, name, table, rule string) {
	t.Helper()
	if _, err := segments.NewStore(ws).Define(context.Background(), segments.Definition{Name: name, Table: table, Rule: rule}); err != nil {
		t.Fatal(err)
	}
}

func keysOf(t testing.TB, ws *query.Workspace, q string) []string {
	t.Helper()
	rows, err := ws.DB().Query(`SELECT CAST(k AS VARCHAR) FROM (` + q + `) ORDER BY k`)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		out = append(out, k)
	}
	return out
}

// copyMembers keeps, beside segscope's snapshot, a plain copy of the members
// for the hand-written SQL to compare with.
func copyMembers(t testing.TB, ws *query.Workspace, name, rule string) {
	t.Helper()
	if _, err := ws.DB().Exec(`CREATE TABLE ` + name + ` AS SELECT subscriber_id AS k FROM subscribers WHERE ` + rule); err != nil {
		t.Fatal(err)
	}
}

func take(t testing.TB, s *Service, segment string) Snapshot {
	t.Helper()
	tk, err := s.Take(context.Background(), segment, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tk.Snapshot
}

// Snapshots taken as the rule changes: members leave, enter, and leave and come
// back. Each snapshot's keys are the copy made at the time, and the diff of any
// two (and of one with now) is what hand-written SQL over the copies says.
func TestDiffMatchesHandSQL(t *testing.T) {
	ws, s := setup(t)
	ctx := context.Background()
	rules := []string{
		"days_since_login > 20",
		"days_since_login > 25 or plan = 'premium'",
		"days_since_login > 20 and plan <> 'premium'",
		"days_since_login > 20",
	}
	var snaps []Snapshot
	for i, r := range rules {
		define(t, ws, "lapsing", "subscribers", r)
		copyMembers(t, ws, fmt.Sprintf("copy%d", i), r)
		snaps = append(snaps, take(t, s, "lapsing"))
	}
	for i, snap := range snaps {
		if got, want := keysOf(t, ws, memberKeys(snap, "int")), keysOf(t, ws, fmt.Sprintf("SELECT k FROM copy%d", i)); !slices.Equal(got, want) {
			t.Fatalf("snapshot %d holds %d keys, the copy %d", i, len(got), len(want))
		}
		if snap.Version != i+1 || snap.Size != int64(len(keysOf(t, ws, fmt.Sprintf("SELECT k FROM copy%d", i)))) {
			t.Fatalf("snapshot %d: %+v", i, snap)
		}
	}
	hand := func(a, b string) (entered, left []string) {
		return keysOf(t, ws, `SELECT k FROM `+b+` EXCEPT SELECT k FROM `+a), keysOf(t, ws, `SELECT k FROM `+a+` EXCEPT SELECT k FROM `+b)
	}
	for i := range snaps {
		for j := i + 1; j < len(snaps); j++ {
			d, err := s.Diff(ctx, "lapsing", snaps[i], &snaps[j], true)
			if err != nil {
				t.Fatal(err)
			}
			entered, left := hand(fmt.Sprintf("copy%d", i), fmt.Sprintf("copy%d", j))
			if !slices.Equal(d.EnteredKeys, entered) || !slices.Equal(d.LeftKeys, left) ||
				d.Entered != int64(len(entered)) || d.Left != int64(len(left)) || d.Stayed != snaps[j].Size-d.Entered {
				t.Fatalf("diff %d→%d: %d entered, %d left; by hand %d and %d", i, j, d.Entered, d.Left, len(entered), len(left))
			}
			if i == 0 && j == 1 && (len(entered) == 0 || len(left) == 0) {
				t.Fatal("the rules should move members both ways")
			}
		}
	}
	// Against now, after the rule changes once more.
	now := "days_since_login > 28"
	define(t, ws, "lapsing", "subscribers", now)
	copyMembers(t, ws, "copy_now", now)
	d, err := s.Diff(ctx, "lapsing", snaps[1], nil, true)
	if err != nil {
		t.Fatal(err)
	}
	entered, left := hand("copy1", "copy_now")
	if !slices.Equal(d.EnteredKeys, entered) || !slices.Equal(d.LeftKeys, left) {
		t.Fatalf("diff with now: %d entered, %d left; by hand %d and %d", d.Entered, d.Left, len(entered), len(left))
	}
	// Members kept as intervals: one row for the first snapshot's members and one
	// for each entry since, however many snapshots a member stays through.
	var rowsKept int64
	ws.DB().QueryRow(`SELECT count(*) FROM segscope.snapshot_members`).Scan(&rowsKept)
	want := snaps[0].Size
	var memberships int64
	for i, sn := range snaps {
		memberships += sn.Size
		if i > 0 {
			entered, _ := hand(fmt.Sprintf("copy%d", i-1), fmt.Sprintf("copy%d", i))
			want += int64(len(entered))
		}
	}
	if rowsKept != want || rowsKept >= memberships {
		t.Fatalf("%d member rows kept for %d memberships, want %d", rowsKept, memberships, want)
	}
}

func TestFindAndNoEarlierSnapshot(t *testing.T) {
	ws, s := setup(t)
	ctx := context.Background()
	define(t, ws, "lapsing", "subscribers", "days_since_login > 20")
	for _, ref := range []string{"last", "last-export", "v1", "2020-01-01"} {
		if _, err := s.Find(ctx, "lapsing", ref); !errors.Is(err, ErrNoSnapshot) || !strings.Contains(err.Error(), "segscope snapshot lapsing") {
			t.Fatalf("%s before any snapshot: %v", ref, err)
		}
	}
	first := take(t, s, "lapsing")
	define(t, ws, "lapsing", "subscribers", "days_since_login > 30")
	second := take(t, s, "lapsing")
	for ref, want := range map[string]int64{
		"last": second.ID, "v1": first.ID, "2": second.ID, "snapshot:" + fmt.Sprint(first.ID): first.ID,
		first.Taken.Format("2006-01-02"): second.ID, "2099-01-01T00:00:00Z": second.ID,
	} {
		got, err := s.Find(ctx, "lapsing", ref)
		if err != nil || got.ID != want {
			t.Errorf("%s: snapshot %d (%v), want %d", ref, got.ID, err, want)
		}
	}
	if _, err := s.Find(ctx, "lapsing", "last-export"); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("no export yet: %v", err)
	}
	if _, err := s.Find(ctx, "lapsing", "2000-01-01"); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("before the first: %v", err)
	}
	if _, err := s.Find(ctx, "lapsing", "yesterday-ish"); err == nil || !strings.Contains(err.Error(), "last-export") {
		t.Fatalf("a bad reference: %v", err)
	}
	if _, err := s.LastExport(ctx, "lapsing", Scope{Channel: "email"}); !errors.Is(err, ErrNoSnapshot) || !strings.Contains(err.Error(), "on channel email") {
		t.Fatalf("no export: %v", err)
	}
	var audited int
	ws.DB().QueryRow(`SELECT count(*) FROM segscope.audit WHERE action = 'segment.snapshot' AND subject = 'lapsing'`).Scan(&audited)
	if audited != 2 {
		t.Fatalf("%d snapshots audited", audited)
	}
}

// A snapshot records the reach the consent coverage counts, and the trend flags
// a size that moved by more than the share asked.
func TestTrendReachAndDrift(t *testing.T) {
	ws, s := setup(t)
	ctx := context.Background()
	define(t, ws, "lapsing", "subscribers", "days_since_login > 20")
	take(t, s, "lapsing")
	take(t, s, "lapsing")
	define(t, ws, "lapsing", "subscribers", "days_since_login > 40")
	take(t, s, "lapsing")
	points, err := s.Trend(ctx, "lapsing", 0.2)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 3 || points[0].Change != nil || *points[1].Change != 0 || points[1].Drift || !points[2].Drift || *points[2].Change >= -0.2 {
		t.Fatalf("trend: %+v", points)
	}
	c, _ := segments.NewStore(ws).Compile(ctx, "lapsing")
	cov, err := consent.New(ws).Coverage(ctx, consent.SegmentMembers(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range cov.Channels {
		if got, ok := points[2].Reach[ch.Channel]; !ok || got != ch.Contactable {
			t.Errorf("reach on %s: %d, coverage says %d", ch.Channel, got, ch.Contactable)
		}
	}
	if len(points[2].Reach) == 0 {
		t.Fatal("no reach recorded")
	}
	if _, err := s.Trend(ctx, "nobody", 0.2); !errors.Is(err, segments.ErrNotFound) {
		t.Fatalf("unknown segment: %v", err)
	}
}

// Text keys are kept as text, and a re-keyed table starts the intervals over.
func TestTextKeys(t *testing.T) {
	ws := querytest.Empty(t)
	s := New(ws)
	querytest.ImportCSV(t, ws, "people", "code,n\nA1,1\nB2,2\nC3,3\nD4,4\n")
	define(t, ws, "some", "people", "n >= 2")
	first := take(t, s, "some")
	if first.KeyKind != "text" || first.Size != 3 {
		t.Fatalf("%+v", first)
	}
	define(t, ws, "some", "people", "n <= 2")
	d, err := s.Diff(context.Background(), "some", first, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.EnteredKeys, []string{"A1"}) || !slices.Equal(d.LeftKeys, []string{"C3", "D4"}) || d.Stayed != 1 {
		t.Fatalf("%+v", d)
	}
	// A second snapshot records the moves between text keys.
	second := take(t, s, "some")
	if got := keysOf(t, ws, memberKeys(second, "text")); second.Size != 2 || !slices.Equal(got, []string{"A1", "B2"}) {
		t.Fatalf("second snapshot: size %d, keys %v", second.Size, got)
	}
	if got := keysOf(t, ws, memberKeys(first, "text")); !slices.Equal(got, []string{"B2", "C3", "D4"}) {
		t.Fatalf("the first snapshot's keys after the second: %v", got)
	}
}

// A snapshot taken when nobody moved skips the join (sameKeys): one where as many
// left as entered has the same size and must not be taken for it. Both are
// checked on integer and text keys, against the keys each snapshot holds.
func TestSameSizeSwapIsRecorded(t *testing.T) {
	for _, keys := range [][]string{{"11", "22", "33", "44"}, {"A1", "B2", "C3", "D4"}} {
		kind := "int"
		if keys[0] == "A1" {
			kind = "text"
		}
		t.Run(kind, func(t *testing.T) {
			ws := querytest.Empty(t)
			s := New(ws)
			csv := "customer_id,n\n"
			lit := make([]string, len(keys))
			for i, k := range keys {
				csv += k + ",1\n"
				if lit[i] = k; kind == "text" {
					lit[i] = "'" + k + "'"
				}
			}
			querytest.ImportCSV(t, ws, "people", csv)
			define(t, ws, "pair", "people", "customer_id in ("+lit[0]+", "+lit[1]+")")
			first := take(t, s, "pair")
			define(t, ws, "pair", "people", "customer_id in ("+lit[0]+", "+lit[2]+")")
			swapped := take(t, s, "pair")
			again := take(t, s, "pair")
			var rows int64
			if err := ws.DB().QueryRow(`SELECT count(*) FROM segscope.snapshot_members`).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				snap Snapshot
				want []string
			}{{first, keys[:2]}, {swapped, []string{keys[0], keys[2]}}, {again, []string{keys[0], keys[2]}}} {
				if got := keysOf(t, ws, memberKeys(c.snap, kind)); c.snap.KeyKind != kind || c.snap.Size != 2 || !slices.Equal(got, c.want) {
					t.Errorf("snapshot %d (%s keys): size %d, keys %v, want %v", c.snap.ID, c.snap.KeyKind, c.snap.Size, got, c.want)
				}
			}
			// Two members, then one entered: three intervals, none added by the third snapshot.
			if rows != 3 {
				t.Errorf("%d member rows kept, want 3", rows)
			}
		})
	}
}

// Storage per million keys, measured on a file workspace as DuckDB's blocks in
// use: the first snapshot of 300,000 members within the 10 MB per million
// budget, and one taken again with nobody moving adds nothing to speak of.
func TestSnapshotStorage(t *testing.T) {
	ctx := context.Background()
	ws, err := query.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	const n = 300_000
	querytest.ImportCSV(t, ws, "people", "id,n\n1,1\n")
	if _, err := ws.DB().Exec(`INSERT INTO people SELECT i, i % 7 FROM range(2, ` + fmt.Sprint(n+1) + `) t(i)`); err != nil {
		t.Fatal(err)
	}
	define(t, ws, "all_people", "people", "n >= 0")
	s := New(ws)
	used := func() int64 {
		if _, err := ws.DB().Exec(`CHECKPOINT`); err != nil {
			t.Fatal(err)
		}
		var blocks, size int64
		if err := ws.DB().QueryRow(`SELECT used_blocks, block_size FROM pragma_database_size() WHERE database_name = current_database()`).Scan(&blocks, &size); err != nil {
			t.Fatal(err)
		}
		return blocks * size
	}
	// The metadata tables exist before measuring, so only keys are counted.
	take(t, s, "all_people")
	if _, err := ws.DB().Exec(`DELETE FROM segscope.snapshot_members`); err != nil {
		t.Fatal(err)
	}
	before := used()
	snap := take(t, s, "all_people")
	if snap.Size != n {
		t.Fatalf("size %d", snap.Size)
	}
	first := used() - before
	perMillion := float64(first) / n * 1e6 / (1 << 20)
	t.Logf("first snapshot: %d bytes for %d keys: %.2f MB per million", first, n, perMillion)
	if perMillion >= 10 {
		t.Fatalf("%.2f MB per million keys", perMillion)
	}
	before = used()
	take(t, s, "all_people")
	if again := used() - before; again > first/4 {
		t.Fatalf("a snapshot with nobody moving took %d bytes (the first %d)", again, first)
	}
}

// A table imported again with keys of another type starts the snapshot's
// intervals over, and a diff across the change compares the keys as text.
func TestKeyTypeChangeStartsOver(t *testing.T) {
	ws := querytest.Empty(t)
	s := New(ws)
	ctx := context.Background()
	querytest.ImportCSV(t, ws, "people", "id,n\n1,1\n2,2\n3,3\n")
	define(t, ws, "some", "people", "n >= 2")
	first := take(t, s, "some")
	querytest.ImportCSV(t, ws, "people", "id,n\n2,2\n3,3\nx4,4\n")
	define(t, ws, "some", "people", "n >= 2")
	second := take(t, s, "some")
	if first.KeyKind != "int" || second.KeyKind != "text" {
		t.Fatalf("kinds %s, %s", first.KeyKind, second.KeyKind)
	}
	var open int
	ws.DB().QueryRow(`SELECT count(*) FROM segscope.snapshot_members WHERE left_id IS NULL AND key_int IS NOT NULL`).Scan(&open)
	if open != 0 {
		t.Fatalf("%d integer intervals left open", open)
	}
	d, err := s.Diff(ctx, "some", first, &second, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.EnteredKeys, []string{"x4"}) || len(d.LeftKeys) != 0 || d.Stayed != 2 {
		t.Fatalf("%+v", d)
	}
	if got := keysOf(t, ws, memberKeys(first, "int")); !slices.Equal(got, []string{"2", "3"}) {
		t.Fatalf("the first snapshot now holds %v", got)
	}
}
