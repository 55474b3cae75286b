package tui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/styles"
	"github.com/segscope/segscope/tui/tuitest"
)

var analysisSegments = tuitest.AnalysisSegments

// newSampleWorkspace is an in-memory workspace with the embedded sample data and its consent setups,
// the fixture's customers, analysisSegments, and an audit log whose times and
// paths are fixed, so that frames which show it do not change from run to run.
func newSampleWorkspace(tb testing.TB) *query.Workspace {
	tb.Helper()
	ws := querytest.Sample(tb)
	tuitest.SampleTables(tb, ws)
	fixAuditLog(tb, ws)
	return ws
}

var shared struct {
	sync.Mutex
	ws *query.Workspace
}

// sharedSampleWorkspace is one sample workspace for the tests that only read
// it: importing the sample costs more than the tests themselves. It is built
// by the first test to ask and lives as long as the test binary.
func sharedSampleWorkspace(tb testing.TB) *query.Workspace {
	tb.Helper()
	shared.Lock()
	defer shared.Unlock()
	if shared.ws == nil {
		shared.ws = newSampleWorkspace(untilExit{tb})
	}
	return shared.ws
}

// untilExit is a test whose cleanups never run, for what outlives it.
type untilExit struct{ testing.TB }

func (untilExit) Cleanup(func()) {}

// newSampleModel starts a console on the sample workspace, opened on the
// subscribers.
func newSampleModel(tb testing.TB, ws *query.Workspace, w, h int, theme styles.Theme) *Model {
	tb.Helper()
	return openModel(tb, ws, "subscribers", w, h, theme)
}

// pump is tuitest.Pump driving the console.
type pump struct{ *tuitest.Pump }

func newPump() pump { return pump{tuitest.NewPump()} }

func (p pump) run(cmd tea.Cmd) { p.Run(cmd) }

func (p pump) until(tb testing.TB, m *Model, done func() bool) {
	tb.Helper()
	p.Until(tb, root{m}, done)
}

// mustContain fails when the screen lacks any of the texts.
func mustContain(tb testing.TB, m *Model, texts ...string) {
	tb.Helper()
	screen := screenText(m)
	for _, s := range texts {
		if !strings.Contains(screen, s) {
			tb.Fatalf("the screen lacks %q:\n%s", s, screen)
		}
	}
}

// fixAuditLog rewrites the audit log with fixed times and file names, and
// chains it again, as segscope would have had it written at those times.
func fixAuditLog(tb testing.TB, ws *query.Workspace) {
	tb.Helper()
	ctx := context.Background()
	entries, err := ws.AuditLog(ctx, query.AuditFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Reverse(entries)
	if _, err := ws.DB().ExecContext(ctx, `DELETE FROM segscope.audit`); err != nil {
		tb.Fatal(err)
	}
	prev := ""
	for i, e := range entries {
		e.Time = fixedNow().Add(time.Duration(i-len(entries)) * time.Hour)
		var details map[string]any
		if json.Unmarshal([]byte(e.Details), &details) == nil {
			if p, ok := details["path"].(string); ok {
				details["path"] = filepath.Base(p)
			}
			text, _ := json.Marshal(details)
			e.Details = string(text)
		}
		e.PrevHash = prev
		e.Hash = auditHash(e)
		prev = e.Hash
		if _, err := ws.DB().ExecContext(ctx, `INSERT INTO segscope.audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.Time, e.Actor, e.Action, e.Subject, e.Details, e.PrevHash, e.Hash); err != nil {
			tb.Fatal(err)
		}
	}
	// The rewrite is a legitimate one of an in-memory fixture: sign the new head.
	if err := ws.ReanchorMemoryAudit(ctx); err != nil {
		tb.Fatal(err)
	}
}

// auditHash is the chain's hash as query computes it: SHA-256 over each field,
// length-prefixed, and the previous hash.
func auditHash(e query.AuditEntry) string {
	h := sha256.New()
	for _, f := range []string{
		fmt.Sprint(e.Seq), e.Time.UTC().Format("2006-01-02T15:04:05.000000Z"), e.Actor, e.Action, e.Subject, e.Details, e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}
