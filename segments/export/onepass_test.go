package export

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/consent"
	"github.com/segscope/segscope/segments/consent/consenttest"
)

// The gate's states are worked out once per export and both counted and written
// from there: the manifest's excluded counts must be exactly the segment's members
// missing from the file, by the state an independent evaluation gives them, and
// the file must hold only granted members.
func TestManifestExcludedAreTheRowsLeftOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := consenttest.Sample(t)
	define(t, ws, "churn_risk", "subscribers", churnRule)
	compiled, err := segments.NewStore(ws).Compile(ctx, "churn_risk")
	if err != nil {
		t.Fatal(err)
	}
	svc := consent.New(ws)
	svc.Now = func() time.Time { return now }
	for _, f := range []Format{CSV, Parquet} {
		for _, channel := range []string{"email", "sms"} {
			path := filepath.Join(t.TempDir(), "out."+Extension(f))
			res, err := newExporter(ws).Export(ctx, Request{Acknowledge: acknowledged, Segment: "churn_risk", Format: f, Channel: channel,
				Columns: []string{"email"}, Path: path})
			if err != nil {
				t.Fatal(err)
			}
			m := res.Manifest
			g, err := svc.Gate(ctx, consent.SegmentMembers(compiled), channel)
			if err != nil {
				t.Fatal(err)
			}
			read := "read_csv(" + query.QuoteString(path) + ")"
			if f == Parquet {
				read = "read_parquet(" + query.QuoteString(path) + ")"
			}
			// Each member's state, and whether the file has them.
			rows, err := ws.DB().Query(`SELECT s.state, count(*), count(w.subscriber_id)
				FROM (` + g.States + `) s LEFT JOIN ` + read + ` w ON w.subscriber_id = s.person GROUP BY s.state`)
			if err != nil {
				t.Fatal(err)
			}
			leftOut := map[consent.State]int64{}
			var written, members int64
			for rows.Next() {
				var st consent.State
				var n, in int64
				if err := rows.Scan(&st, &n, &in); err != nil {
					t.Fatal(err)
				}
				members += n
				written += in
				if st == consent.Granted && in != n {
					t.Errorf("%s/%s: %d granted members, %d of them written", f, channel, n, in)
				}
				if st != consent.Granted {
					if in != 0 {
						t.Errorf("%s/%s: %d %s members written", f, channel, in, st)
					}
					leftOut[st] = n - in
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			fileRows := keys(t, ws.DB(), `SELECT count(*) FROM `+read)[0]
			if fmt.Sprint(written) != fileRows || m.Rows != written || m.SegmentSize != members {
				t.Errorf("%s/%s: file has %s rows, %d of them members; manifest: %d rows of %d; segment %d",
					f, channel, fileRows, written, m.Rows, m.SegmentSize, members)
			}
			var excluded int64
			for _, st := range consent.States {
				if st == consent.Granted {
					continue
				}
				excluded += m.Excluded[st]
				if m.Excluded[st] != leftOut[st] {
					t.Errorf("%s/%s: manifest excludes %d %s, the file leaves out %d", f, channel, m.Excluded[st], st, leftOut[st])
				}
			}
			if excluded == 0 || m.Rows+excluded != m.SegmentSize {
				t.Errorf("%s/%s: %d written + %d excluded, segment %d: the sample should leave some out, and every member be accounted for",
					f, channel, m.Rows, excluded, m.SegmentSize)
			}
		}
	}
}
