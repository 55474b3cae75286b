package sqlscreen

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/querytest"
	"github.com/segscope/segscope/tui/common"
	"github.com/segscope/segscope/tui/styles"
)

func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }

func newScreen(t *testing.T, tables ...string) *Model {
	t.Helper()
	ws := querytest.SampleCopy(t, tables...)
	m := New(common.NewEnv(context.Background(), ws, styles.New(styles.NoColor), time.Now, ""))
	m.SetSize(140, 40)
	return m
}

// runSQL runs sql the way ctrl+r does, off the caller's goroutine as the
// console would, and feeds the answer back to the screen.
func runSQL(m *Model, sql string) resultMsg {
	m.editor.SetValue(sql)
	msg := m.run()().(resultMsg)
	m.Update(msg)
	return msg
}

func rendered(res *query.Result) string {
	if res == nil {
		return ""
	}
	var b strings.Builder
	for _, row := range res.Rows {
		for _, v := range row {
			b.WriteString(query.FormatValue(v) + " ")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// The adversarial suite's sample (a statement of each attack class; query's
// tests run all of them) through the SQL screen: what it received and what it
// shows carry no planted secret, and every statement is refused or harmless,
// so the screen reaches the locked engine.
func TestHostileSQLOnTheSQLScreen(t *testing.T) {
	m := newScreen(t)
	secrets := querytest.PlantSecrets(t)
	statements := querytest.HostileSample(secrets)
	if len(statements) < 10 {
		t.Fatalf("the sample has %d statements, want one of each of at least 10 classes", len(statements))
	}
	for _, h := range statements {
		msg := runSQL(m, h.SQL)
		secrets.Check(t, h, rendered(msg.res)+"\n"+ansi.Strip(m.View()), msg.err)
	}
	secrets.Untouched(t)
}

func TestSQLScreenStreamsToItsRowLimit(t *testing.T) {
	m := newScreen(t, "subscribers")
	msg := runSQL(m, "select * from range(10000000000)")
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	if len(msg.res.Rows) != rowLimit || !msg.res.Truncated {
		t.Fatalf("%d rows, truncated %v; want the first %d of more", len(msg.res.Rows), msg.res.Truncated, rowLimit)
	}
}

// Esc (the screen's Cancel) stops a long query: its job ends with an error
// saying it was cancelled, and the screen no longer reports it running.
func TestEscCancelsALongQuery(t *testing.T) {
	m := newScreen(t, "subscribers")
	m.editor.SetValue(`select count(*) from range(1000000000) a, range(1000000) b where a.range + b.range = 7`)
	cmd := m.run()
	done := make(chan resultMsg, 1)
	go func() { done <- cmd().(resultMsg) }()
	time.Sleep(300 * time.Millisecond)
	if !m.Cancel() {
		t.Fatal("Cancel found no query running")
	}
	select {
	case msg := <-done:
		if !errors.Is(msg.err, query.ErrCancelled) || !strings.Contains(msg.err.Error(), "cancelled") {
			t.Fatalf("cancelled query ended with %v", msg.err)
		}
		m.Update(msg)
	case <-time.After(time.Minute):
		t.Fatal("the query went on after Esc")
	}
	if _, running := m.Running(); running {
		t.Fatal("the screen still reports a query running")
	}
	if msg := runSQL(m, "select count(*) from subscribers"); msg.err != nil {
		t.Fatalf("the next query: %v", msg.err)
	}
}
