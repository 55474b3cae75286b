package consent

import (
	"context"
	"reflect"
	"testing"
)

// An export assesses its segment's risk from the groups its gate counted: that
// coverage must be the one Coverage counts afresh, suppression lists or not (the
// risk's coverage counts the suppressed by their consent).
func TestGateCoverageIsCoverage(t *testing.T) {
	ws := sample(t, "subscribers", "consent")
	s := newService(ws)
	ctx := context.Background()
	seg := define(t, ws, "active", "subscribers", "days_since_login < 60")
	for _, tc := range []struct{ name, suppressed string }{
		{"no lists", ""},
		{"lists", `"subscriber_id" % 7 = 0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pop := SegmentMembers(seg)
			pop.Suppressed = tc.suppressed
			conn, err := ws.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			kept, drop, err := s.GateOn(ctx, conn, pop, "email")
			if err != nil {
				t.Fatal(err)
			}
			defer drop()
			if tc.suppressed != "" && kept.Excluded[Suppressed] == 0 {
				t.Fatal("the list suppressed nobody: the test shows nothing")
			}
			unkept, err := s.Gate(ctx, pop, "email")
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.Coverage(ctx, SegmentMembers(seg), []string{"email"})
			if err != nil {
				t.Fatal(err)
			}
			for name, g := range map[string]Gate{"kept": kept, "not kept": unkept} {
				got, err := s.GateCoverage(ctx, g)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("from the groups of the gate whose states were %s:\n%+v\ncounted afresh:\n%+v", name, got, want)
				}
			}
			// Every count the risk reads is there to compare.
			if c := want.Channels[0]; c.Counts[Minor] == 0 || c.Counts[Granted] == 0 || len(c.Jurisdictions) < 3 {
				t.Errorf("minors %d, granted %d, jurisdictions %d: pick a population with each", c.Counts[Minor], c.Counts[Granted], len(c.Jurisdictions))
			}
		})
	}
}
