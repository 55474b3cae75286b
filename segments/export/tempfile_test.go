package export

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
)

// deadPID is the PID of a process that has run and ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// plant writes a file into dir and returns its path.
func plant(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("subscriber_id,email\n1,half@written.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestSweepRemovesOnlyDeadExportsFiles plants what killed exports leave beside
// what must stay: a live process's export, files with other names, and things
// that are not regular files.
func TestSweepRemovesOnlyDeadExportsFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dead, live := deadPID(t), os.Getppid()
	name := func(base string, pid int) string {
		return "." + base + ".segscope-export-" + strconv.Itoa(pid) + "-12345.tmp"
	}
	gone := []string{
		plant(t, dir, name("churn.csv", dead)),
		plant(t, dir, name("churn.csv.manifest.json", dead)),
		plant(t, dir, name("with spaces and .dots.parquet", dead)),
	}
	kept := []string{
		plant(t, dir, name("running.csv", live)),
		plant(t, dir, name("ours.csv", os.Getpid())),
		plant(t, dir, ".churn.csv.12345.tmp"), // not named by segscope
		plant(t, dir, "churn.csv"),
		plant(t, dir, name("churn.csv", dead)+".bak"),
	}
	sub := filepath.Join(dir, name("dir.csv", dead))
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	target := plant(t, t.TempDir(), "precious.csv")
	link := filepath.Join(dir, name("link.csv", dead))
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	kept = append(kept, sub, link, target)
	if os.Geteuid() == 0 {
		// Another user's file is never ours to remove, whatever its name.
		other := plant(t, dir, name("someone-else.csv", dead))
		if err := os.Chown(other, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, other)
	}

	removed, err := sweepDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	slices.Sort(gone)
	if !slices.Equal(removed, gone) {
		t.Errorf("removed %v, want %v", removed, gone)
	}
	for _, p := range gone {
		if exists(p) {
			t.Errorf("%s is still there", p)
		}
	}
	for _, p := range kept {
		if !exists(p) {
			t.Errorf("%s was removed", p)
		}
	}
}

// killedExportEnv, when set, makes TestKilledExportLeavesNothingBehind the child
// process: it runs a long export described by the variable until it is killed.
const killedExportEnv = "SEGSCOPE_TEST_KILLED_EXPORT"

// TestKilledExportLeavesNothingBehind kills a real export with SIGKILL while it
// writes, then checks that its half-written file is removed by the next open of
// the workspace, and (killed again) by the next export to the same directory.
func TestKilledExportLeavesNothingBehind(t *testing.T) {
	if spec := os.Getenv(killedExportEnv); spec != "" {
		runKilledExport(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("runs two 1,000,000-row exports in a child process")
	}
	ctx := context.Background()
	dir := t.TempDir()
	wsPath, outDir := filepath.Join(dir, "ws.duckdb"), filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		t.Fatal(err)
	}
	ws, err := query.Open(ctx, wsPath)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "big.parquet")
	if _, err := ws.DB().Exec(`COPY (SELECT range AS id, 'note ' || range AS note, 'p' || range AS plan
		FROM range(1000000)) TO ` + query.QuoteString(src) + ` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Import(ctx, src, query.ImportOptions{Table: "big", Key: "id"}); err != nil {
		t.Fatal(err)
	}
	define(t, ws, "all", "big", "id >= 0")
	ws.Close()

	// The first leftover goes when the workspace opens again.
	left := killMidExport(t, wsPath, filepath.Join(outDir, "first.csv"))
	ws, err = query.Open(ctx, wsPath)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := Sweep(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{left}) || exists(left) {
		t.Fatalf("opening the workspace removed %v; %s left", removed, left)
	}
	if n := keys(t, ws.DB(), `SELECT count(*) FROM segscope.export_temps`)[0]; n != "0" {
		t.Errorf("%s records of temporary files remain", n)
	}
	ws.Close()

	// The second goes with the next export to the same directory.
	left = killMidExport(t, wsPath, filepath.Join(outDir, "second.csv"))
	ws, err = query.Open(ctx, wsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := newExporter(ws).Export(ctx, Request{Acknowledge: acknowledged, Segment: "all", Format: Parquet, Path: filepath.Join(outDir, "third.parquet")}); err != nil {
		t.Fatal(err)
	}
	if entries := dirEntries(t, outDir); !slices.Equal(entries, []string{"third.parquet", "third.parquet.manifest.json"}) {
		t.Errorf("after the next export the directory holds %v (the killed export left %s)", entries, filepath.Base(left))
	}
}

// killMidExport starts an export of the segment "all" to path in a child
// process, kills it with SIGKILL once its temporary file has data, and returns
// that file's path.
func killMidExport(t *testing.T, wsPath, path string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledExportLeavesNothingBehind$")
	cmd.Env = append(os.Environ(), killedExportEnv+"="+wsPath+"\n"+path)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	prefix := "." + filepath.Base(path) + ".segscope-export-" + strconv.Itoa(cmd.Process.Pid) + "-"
	timeout := time.After(time.Minute)
	for {
		for _, name := range dirEntries(t, filepath.Dir(path)) {
			tmp := filepath.Join(filepath.Dir(path), name)
			if info, err := os.Stat(tmp); err == nil && strings.HasPrefix(name, prefix) && info.Size() > 0 {
				cmd.Process.Signal(syscall.SIGKILL)
				<-exited
				if exists(path) {
					t.Fatalf("the export finished before it was killed: make it bigger")
				}
				if !exists(tmp) {
					t.Fatalf("killed mid-export, yet %s is gone: the test proves nothing", name)
				}
				return tmp
			}
		}
		select {
		case <-exited:
			t.Fatalf("the child export ended before writing:\n%s", out)
		case <-timeout:
			cmd.Process.Kill()
			<-exited
			t.Fatalf("the child export never started writing:\n%s", out)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// runKilledExport is the child: it exports until killed.
func runKilledExport(t *testing.T, spec string) {
	wsPath, path, _ := strings.Cut(spec, "\n")
	ws, err := query.Open(context.Background(), wsPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = newExporter(ws).Export(context.Background(), Request{Acknowledge: acknowledged, Segment: "all", Format: CSV, Path: path})
	t.Fatal(fmt.Sprintf("the export was to be killed, but it ended: %v", err))
}
