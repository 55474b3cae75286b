package querytest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/anchor"
)

// Fixture is a workspace built once per test binary, by the first test that
// asks, and copied for each test: building (importing, defining segments,
// seeding through the CLI) costs more than the tests that read it, and a copy
// lets each test change its own.
type Fixture struct {
	build func(tb testing.TB, path string) *query.Workspace
	once  sync.Once
	path  string
	err   error
}

// NewFixture describes a fixture; build makes the workspace at path and
// returns it open (the fixture closes it).
func NewFixture(build func(tb testing.TB, path string) *query.Workspace) *Fixture {
	return &Fixture{build: build}
}

var (
	dirOnce sync.Once
	dir     string
	dirErr  error
	mainRan bool
)

func makeDir() { dir, dirErr = os.MkdirTemp("", "segscope-fixtures-") }

// Main runs a package's tests and then removes the fixtures' files and the
// generated data (Cleanup); a package using fixtures calls it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(querytest.Main(m)) }
//
// It also gives the binary a config directory of its own: a file workspace
// keeps its audit checkpoints with the audit key there, which must not be the
// user's.
func Main(m *testing.M) int {
	dirOnce.Do(makeDir)
	if dirErr == nil {
		os.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
		mainRan = true
		// The key is made before any test runs: parallel tests that each made
		// it on first use could pair one's public half with another's private.
		if kdir, err := anchor.DefaultDir(); err == nil {
			if _, err := anchor.LoadOrCreate(kdir); err != nil {
				fmt.Fprintf(os.Stderr, "querytest: the audit key: %v\n", err)
				os.RemoveAll(dir)
				return 1
			}
		}
	}
	// Tests run DuckDB on one thread (see query.ThreadsVariable), benchmarks on
	// every core as people do.
	flag.Parse()
	if bench := flag.Lookup("test.bench"); os.Getenv(query.ThreadsVariable) == "" && (bench == nil || bench.Value.String() == "") {
		os.Setenv(query.ThreadsVariable, "1")
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	Cleanup()
	return code
}

// Copy writes a copy of the fixture at path, building the fixture first if no
// test has yet.
func (f *Fixture) Copy(tb testing.TB, path string) {
	tb.Helper()
	if !mainRan {
		tb.Fatal("querytest: a package using fixtures runs its tests from querytest.Main (TestMain), " +
			"so that the fixtures' audit key is not the user's")
	}
	f.once.Do(func() { f.path, f.err = f.make(tb) })
	if f.err != nil {
		tb.Fatalf("building the fixture: %v", f.err)
	}
	// The audit checkpoint beside the file comes too, so the copy's log
	// verifies as the original's does.
	for _, suffix := range []string{"", anchor.SidecarSuffix} {
		data, err := os.ReadFile(f.path + suffix)
		if errors.Is(err, fs.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path+suffix, data, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
}

// Open is a copy of the fixture, in the test's temporary directory, open as
// "tester" and closed when the test ends.
func (f *Fixture) Open(tb testing.TB) *query.Workspace {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "w.duckdb")
	f.Copy(tb, path)
	ws, err := query.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	ws.SetActor("tester")
	tb.Cleanup(func() { ws.Close() })
	return ws
}

// make builds the fixture in a file of its own and closes it, so that what
// was written is in the file.
func (f *Fixture) make(tb testing.TB) (string, error) {
	dirOnce.Do(makeDir)
	if dirErr != nil {
		return "", dirErr
	}
	file, err := os.CreateTemp(dir, "fixture-*.duckdb")
	if err != nil {
		return "", err
	}
	path := file.Name()
	file.Close()
	os.Remove(path) // the workspace makes its own file
	ws := f.build(buildTB{tb}, path)
	if err := ws.Close(); err != nil {
		return "", fmt.Errorf("close %s: %w", path, err)
	}
	return path, nil
}

// buildTB is the first asking test, as seen by the build: what the build
// cleans up outlives that test, until the fixture is built.
type buildTB struct{ testing.TB }

func (buildTB) Cleanup(func()) {}

// EmptyFile is a new workspace at path acting as "tester", for a fixture's build.
func EmptyFile(tb testing.TB, path string) *query.Workspace {
	tb.Helper()
	ws, err := query.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	ws.SetActor("tester")
	return ws
}

// Fixtures is a set of fixtures built from tables of the sample, one per
// list of tables asked for, each built once per test binary.
type Fixtures struct {
	build func(tb testing.TB, path string, tables []string) *query.Workspace
	mu    sync.Mutex
	by    map[string]*Fixture
}

// NewFixtures describes a set; build makes the workspace for tables at path
// and returns it open, as NewFixture's build does.
func NewFixtures(build func(tb testing.TB, path string, tables []string) *query.Workspace) *Fixtures {
	return &Fixtures{build: build, by: map[string]*Fixture{}}
}

// Open is a copy of the fixture for tables (open and closed as Fixture.Open's).
func (s *Fixtures) Open(tb testing.TB, tables ...string) *query.Workspace {
	tb.Helper()
	key := strings.Join(tables, ",")
	s.mu.Lock()
	f := s.by[key]
	if f == nil {
		f = NewFixture(func(tb testing.TB, path string) *query.Workspace { return s.build(tb, path, tables) })
		s.by[key] = f
	}
	s.mu.Unlock()
	return f.Open(tb)
}

var samples = NewFixtures(func(tb testing.TB, path string, tables []string) *query.Workspace {
	return SampleFile(tb, path, tables...)
})

// SampleCopy is SampleFile without the import in every test: the sample
// tables named (all of them when none are) are imported once per test binary
// and each test opens a copy.
func SampleCopy(tb testing.TB, tables ...string) *query.Workspace {
	tb.Helper()
	return samples.Open(tb, tables...)
}
