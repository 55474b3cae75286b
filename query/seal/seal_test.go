package seal

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var fast = Options{WorkFactor: 10}

// fakeLeftover makes a private directory as a session of pid on sealed would
// have left it.
func fakeLeftover(t *testing.T, sealed string, pid int, sealedSum []byte) string {
	t.Helper()
	dir, err := os.MkdirTemp(privateBases()[0], dirPrefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, plainName), []byte("stale plaintext"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeMarker(dir, sealed, sealedSum, nil); err != nil {
		t.Fatal(err)
	}
	// writeMarker records this process: make it the one asked for.
	m, _ := readMarker(dir)
	m.PID = pid
	data, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, markerName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func newSealed(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	s, err := Create(path, "pw", fast)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenCleansLeftoversOfDeadProcessesOnly(t *testing.T) {
	path := newSealed(t)
	other := newSealed(t)
	otherSum, _ := hashFile(other)
	dead := fakeLeftover(t, other, deadPID(t), nil) // killed while unsealing
	live := fakeLeftover(t, other, os.Getpid(), otherSum)
	// A whole copy of another workspace is that workspace's to take up...
	otherWhole := fakeLeftover(t, other, deadPID(t), otherSum)
	// ...unless that workspace is gone.
	gone := filepath.Join(t.TempDir(), "gone.duckdb")
	goneWhole := fakeLeftover(t, gone, deadPID(t), otherSum)
	scratch, err := PrivateDir("export /somewhere/file.csv")
	if err != nil {
		t.Fatal(err)
	}
	deadScratch := fakeLeftover(t, "export /somewhere/file.csv", deadPID(t), nil)
	// A stale copy of this workspace, opened from a sealed file that has since
	// changed: its changes cannot be sealed over newer ones.
	stale := fakeLeftover(t, path, deadPID(t), []byte("another sealed file"))
	halfSealed := filepath.Join(filepath.Dir(path), sealingPrefix(path)+"12345-678")
	os.WriteFile(halfSealed, []byte("partial"), 0o600)

	s, err := Open(path, "pw", fast)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer os.RemoveAll(scratch)
	for dir, wantGone := range map[string]bool{
		dead: true, live: false, otherWhole: false, goneWhole: true, scratch: false, deadScratch: true,
		stale: true, halfSealed: true,
	} {
		_, err := os.Stat(dir)
		if gone := errors.Is(err, os.ErrNotExist); gone != wantGone {
			t.Errorf("%s: gone %v, want %v", dir, gone, wantGone)
		}
	}
	if s.Recovered() {
		t.Fatal("took up a copy of another version of the sealed file")
	}
}

func TestSecondOpenNamesTheHolder(t *testing.T) {
	path := newSealed(t)
	s, err := Open(path, "pw", fast)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = Open(path, "pw", fast)
	var inUse *InUseError
	if !errors.As(err, &inUse) || inUse.PID != os.Getpid() || !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: %v", err)
	}
}

func TestWrongKeyKeepsLeftovers(t *testing.T) {
	path := newSealed(t)
	sum, err := hashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	left := fakeLeftover(t, path, deadPID(t), sum)
	if _, err := Open(path, "not it", fast); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := os.Stat(left); err != nil {
		t.Fatal("a mistyped passphrase threw away a killed session's changes")
	}
	s, err := Open(path, "pw", fast)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(s.Plain())
	if !s.Recovered() || string(data) != "stale plaintext" {
		t.Fatalf("recovered %v: %q", s.Recovered(), data)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the leftover outlived the open that took it up")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, "pw", fast)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if data, _ := os.ReadFile(s.Plain()); string(data) != "stale plaintext" {
		t.Fatalf("the taken-up changes were not sealed: %q", data)
	}
}
