package segments

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
)

// sampleWorkspace is a copy of a workspace with the embedded sample
// subscribers (imported once per test binary), acting as "ana".
func sampleWorkspace(t *testing.T) *query.Workspace {
	ws := querytest.SampleCopy(t, "subscribers")
	ws.SetActor("ana")
	return ws
}

const churnRule = `days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2 and plan != 'ad_supported'`

func TestDefineCountHistory(t *testing.T) {
	ctx := context.Background()
	ws := sampleWorkspace(t)
	store := NewStore(ws)
	seg, err := store.Define(ctx, Definition{Name: "churn_risk", Table: "subscribers", Rule: churnRule, Description: "lapsing viewers", Reason: "first cut"})
	if err != nil {
		t.Fatal(err)
	}
	if seg.Version != 1 || seg.Key != "subscriber_id" || seg.Owner != "ana" {
		t.Fatalf("segment %+v", seg)
	}
	got, err := store.Count(ctx, "churn_risk")
	if err != nil {
		t.Fatal(err)
	}
	res, err := ws.Query(ctx, `select count(*) from subscribers where days_since_login > 30 and watch_hours_30d < watch_hours_prev_30d / 2 and plan <> 'ad_supported'`, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := res.Rows[0][0].(int64)
	if got != want || got == 0 {
		t.Fatalf("segment count %d, hand-written SQL %d", got, want)
	}

	ws.SetActor("ben")
	seg, err = store.Define(ctx, Definition{Name: "churn_risk", Table: "subscribers", Rule: churnRule + ` and age >= 18`, Reason: "adults only"})
	if err != nil || seg.Version != 2 || seg.Owner != "ana" || seg.Description != "lapsing viewers" {
		t.Fatalf("version 2: %+v, %v", seg, err)
	}
	history, err := store.History(ctx, "churn_risk")
	if err != nil || len(history) != 2 {
		t.Fatalf("history %+v, %v", history, err)
	}
	if history[0].Author != "ana" || history[0].Reason != "first cut" || history[1].Author != "ben" || history[1].Reason != "adults only" {
		t.Fatalf("history authors/reasons %+v", history)
	}
	adults, _ := store.Count(ctx, "churn_risk")
	if adults >= got || adults == 0 {
		t.Fatalf("adults-only version counts %d of %d", adults, got)
	}
	members, err := store.Members(ctx, "churn_risk", 0, 5)
	if err != nil || len(members.Rows) != 5 {
		t.Fatalf("members %v", err)
	}
	text, err := store.SQL(ctx, "churn_risk")
	if err != nil || !strings.Contains(text, `FROM "subscribers"`) || !strings.Contains(text, `"days_since_login" > 30`) {
		t.Fatalf("sql %q, %v", text, err)
	}
	log, _ := ws.AuditLog(ctx, query.AuditFilter{Action: "segment."})
	if len(log) != 2 || log[0].Action != query.ActionSegmentUpdate || log[1].Action != query.ActionSegmentCreate || log[0].Actor != "ben" {
		t.Fatalf("audit %+v", log)
	}
	if v, err := ws.VerifyAudit(ctx); err != nil || !v.OK() {
		t.Fatalf("verify %+v %v", v, err)
	}
}

func TestReferencesCyclesAndDelete(t *testing.T) {
	ctx := context.Background()
	ws := sampleWorkspace(t)
	store := NewStore(ws)
	define := func(name, r string) error {
		_, err := store.Define(ctx, Definition{Name: name, Table: "subscribers", Rule: r})
		return err
	}
	if err := define("trialists", `days_since_login < 7`); err != nil {
		t.Fatal(err)
	}
	if err := define("engaged", `sessions_30d > 10 and not segment('trialists')`); err != nil {
		t.Fatal(err)
	}
	all, _ := ws.Count(ctx, "subscribers", `"sessions_30d" > 10`)
	trial, _ := ws.Count(ctx, "subscribers", `"sessions_30d" > 10 AND "days_since_login" < 7`)
	if n, err := store.Count(ctx, "engaged"); err != nil || n != all-trial {
		t.Fatalf("engaged = %d, want %d (%v)", n, all-trial, err)
	}
	// Redefining trialists to depend on engaged would close a loop.
	err := define("trialists", `segment('engaged') or days_since_login < 7`)
	if err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("cycle: %v", err)
	}
	if h, _ := store.History(ctx, "trialists"); len(h) != 1 {
		t.Fatal("a rejected definition added a version")
	}
	if err := store.Delete(ctx, "trialists", "obsolete"); err == nil || !strings.Contains(err.Error(), "engaged") {
		t.Fatalf("deleting a referenced segment: %v", err)
	}
	if err := store.Delete(ctx, "engaged", "obsolete"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(ctx, "engaged"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted segment still found: %v", err)
	}
	if h, err := store.History(ctx, "engaged"); err != nil || len(h) != 1 {
		t.Fatalf("history after delete %+v %v", h, err)
	}
	if err := define("engaged", `sessions_30d > 20`); err != nil {
		t.Fatal(err)
	}
	if seg, _ := store.Get(ctx, "engaged"); seg.Version != 2 {
		t.Fatalf("redefined after delete: version %d", seg.Version)
	}
	list, _ := store.List(ctx)
	if len(list) != 2 {
		t.Fatalf("list %+v", list)
	}
}

func TestHostileDefinitionsChangeNothing(t *testing.T) {
	ctx := context.Background()
	ws := sampleWorkspace(t)
	store := NewStore(ws)
	if _, err := store.Define(ctx, Definition{Name: "base", Table: "subscribers", Rule: `age > 20`}); err != nil {
		t.Fatal(err)
	}
	before := auditCount(t, ws)
	hostile := []Definition{
		{Name: "x", Table: "subscribers", Rule: `age > 1; drop table subscribers`},
		{Name: "x", Table: "subscribers", Rule: `age > 1 -- and plan = 'x'`},
		{Name: "x", Table: "subscribers", Rule: `age > 1 /* */`},
		{Name: "x", Table: "subscribers", Rule: `read_csv('/etc/passwd') is not null`},
		{Name: "x", Table: "subscribers", Rule: `"age""; drop table subscribers; --" > 1`},
		{Name: "x", Table: "subscribers", Rule: `plan = ’premium’`},
		{Name: "x", Table: "subscribers", Rule: `age in (select 1)`},
		{Name: "x", Table: "subscribers", Rule: strings.Repeat("(", 5000) + "age > 1" + strings.Repeat(")", 5000)},
		{Name: "x", Table: "subscribers", Rule: `segment('nope')`},
		{Name: "x", Table: "subscribers", Rule: `agee > 1`},
		{Name: "x", Table: "subscribers", Rule: `plan > 3`},
		{Name: "x", Table: "subscribers", Rule: ``},
		{Name: "X; drop", Table: "subscribers", Rule: `age > 1`},
		{Name: "x", Table: `subscribers"; drop table subscribers; --`, Rule: `age > 1`},
	}
	for _, d := range hostile {
		if _, err := store.Define(ctx, d); err == nil {
			t.Errorf("accepted %+v", d)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error for %q: %v", d.Rule, err)
		}
	}
	if _, err := store.Get(ctx, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatal("a hostile definition was stored")
	}
	if n, _ := ws.Count(ctx, "subscribers", ""); n != 20000 {
		t.Fatalf("subscribers has %d rows", n)
	}
	if auditCount(t, ws) != before {
		t.Fatal("a rejected definition wrote to the audit log")
	}
	// A quote inside a value is a value.
	seg, err := store.Define(ctx, Definition{Name: "obrien", Table: "subscribers", Rule: `last_name = 'O''Brien' or plan = 'x'' or 1=1 --'`})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := store.Count(ctx, seg.Name)
	want, _ := ws.Count(ctx, "subscribers", `last_name = 'O''Brien'`)
	if n != want {
		t.Fatalf("quoted values: %d, want %d", n, want)
	}
	msg := func(d Definition) string { _, err := store.Define(ctx, d); return err.Error() }
	if m := msg(Definition{Name: "y", Table: "subscribers", Rule: `days_since_logn > 3`}); !strings.Contains(m, "days_since_login") {
		t.Fatalf("no suggestion: %s", m)
	}
}

func auditCount(t *testing.T, ws *query.Workspace) int {
	t.Helper()
	log, err := ws.AuditLog(context.Background(), query.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(log)
}

// A reference the store cannot resolve names the segment once, with the
// reason: "segment 'nope': no such segment", not "segment 'nope': segment
// \"nope\": no such segment".
func TestUnresolvedReferenceSaysItOnce(t *testing.T) {
	ctx := context.Background()
	ws := sampleWorkspace(t)
	store := NewStore(ws)
	querytest.ImportCSV(t, ws, "creators", "creator_id,name\n1,a\n")
	if _, err := store.Define(ctx, Definition{Name: "on_creators", Table: "creators", Rule: `true`}); err != nil {
		t.Fatal(err)
	}
	for r, want := range map[string]string{
		`segment('nope')`:        `segment 'nope': no such segment`,
		`segment('on_creators')`: `segment 'on_creators': it is defined on table creators, not subscribers`,
	} {
		_, err := store.Define(ctx, Definition{Name: "refers", Table: "subscribers", Rule: r})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Count(err.Error(), "nope")+strings.Count(err.Error(), "on_creators") != 1 {
			t.Errorf("%s: %v, want %q once", r, err, want)
		}
	}
}
