package seal

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// dirPrefix and markerName make a private directory recognisable: whatever
// matches is segscope's, and its marker says whose and for which workspace.
const (
	dirPrefix  = "segscope-open-"
	markerName = "segscope-open.json"
)

// markerGrace is how long a private directory without a marker is left alone:
// its process may be between making it and writing the marker.
const markerGrace = time.Minute

type marker struct {
	PID    int    `json:"pid"`
	Sealed string `json:"sealed"`
	// SealedSHA256 is the sealed file the plaintext was opened from, written once
	// the plaintext is whole; PlainSHA256 the plaintext as unsealed.
	SealedSHA256 string    `json:"sealed_sha256,omitempty"`
	PlainSHA256  string    `json:"plain_sha256,omitempty"`
	Opened       time.Time `json:"opened"`
}

type leftover struct {
	dir string
	m   marker
}

// errNoDir: a private directory could not be made in a base; try the next one.
var errNoDir = errors.New("cannot make a private directory")

// privateBases are where plaintext may live while a workspace is open, best
// first: memory-backed /dev/shm where there is one, then the OS temp dir.
func privateBases() []string {
	var bases []string
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		bases = append(bases, "/dev/shm")
	}
	if tmp := os.TempDir(); !slices.Contains(bases, tmp) {
		bases = append(bases, tmp)
	}
	return bases
}

func noRoom(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, errNoDir)
}

// newPrivateDir makes a 0700 directory in base with a marker naming this process
// and the sealed file, and no sums yet: it is never taken for a whole copy.
func newPrivateDir(base, sealed string) (string, error) {
	dir, err := os.MkdirTemp(base, dirPrefix)
	if err != nil {
		return "", fmt.Errorf("%w in %s: %w", errNoDir, base, err)
	}
	if err := writeMarker(dir, sealed, nil, nil); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("%w in %s: %w", errNoDir, base, err)
	}
	return dir, nil
}

func newPrivateDirAnywhere(sealed string) (dir string, err error) {
	for _, base := range privateBases() {
		if dir, err = newPrivateDir(base, sealed); err == nil {
			return dir, nil
		}
	}
	return "", err
}

func writeMarker(dir, sealed string, sealedSum, plainSum []byte) error {
	m := marker{PID: os.Getpid(), Sealed: sealed, Opened: time.Now().UTC()}
	if sealedSum != nil {
		m.SealedSHA256 = hexSum(sealedSum)
	}
	if plainSum != nil {
		m.PlainSHA256 = hexSum(plainSum)
	}
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, markerName+".new")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, markerName))
}

func readMarker(dir string) (marker, error) {
	var m marker
	data, err := os.ReadFile(filepath.Join(dir, markerName))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, err
	}
	if m.PID <= 0 || m.Sealed == "" {
		return m, errors.New("incomplete marker")
	}
	return m, nil
}

// privateDirs lists every private directory segscope left in the bases.
func privateDirs() []string {
	var dirs []string
	for _, base := range privateBases() {
		matches, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
		for _, dir := range matches {
			if fi, err := os.Lstat(dir); err == nil && fi.IsDir() {
				dirs = append(dirs, dir)
			}
		}
	}
	return dirs
}

// cleanLeftovers is run by Open holding the lock of the sealed file at held (or
// by Sweep, holding none). Of the private directories whose process is gone it
// removes scratch directories, half-made copies, copies of sealed files that are
// no longer there, and unmarked ones past markerGrace; it removes the
// half-written seals beside held, and returns held's own leftovers: with the
// lock held, no live session owns them, so Open decides whether to take them up.
func cleanLeftovers(held string) []leftover {
	var own []leftover
	for _, dir := range privateDirs() {
		m, err := readMarker(dir)
		switch {
		case err != nil:
			if fi, serr := os.Stat(dir); serr == nil && time.Since(fi.ModTime()) > markerGrace {
				os.RemoveAll(dir)
			}
		case held != "" && m.Sealed == held:
			own = append(own, leftover{dir: dir, m: m})
		case alive(m.PID):
		case m.SealedSHA256 != "" && exists(m.Sealed):
			// A whole copy of another sealed workspace may hold changes its
			// killed process committed: that workspace's next open decides.
		default:
			os.RemoveAll(dir)
		}
	}
	if held == "" {
		return nil
	}
	// Only the lock's holder writes a seal beside the file, and we hold it.
	seals, _ := filepath.Glob(filepath.Join(filepath.Dir(held), globEscape(sealingPrefix(held))+"*"))
	for _, f := range seals {
		os.Remove(f)
	}
	return own
}

// PrivateDir makes a directory for plaintext that must not sit on ordinary disk
// while it is worked on (an export before it is encrypted): 0700, on tmpfs where
// there is one, marked with this process and purpose so that one a kill -9
// leaves is removed by the next Sweep or sealed open. The caller removes it.
func PrivateDir(purpose string) (string, error) {
	if purpose == "" {
		return "", errors.New("a private directory needs a purpose")
	}
	return newPrivateDirAnywhere(purpose)
}

// Sweep removes the private directories of processes that are gone.
func Sweep() { cleanLeftovers("") }

// holder finds the live process that has the sealed file at abs open.
func holder(abs string) int {
	for _, dir := range privateDirs() {
		if m, err := readMarker(dir); err == nil && m.Sealed == abs && alive(m.PID) {
			return m.PID
		}
	}
	return 0
}

// recoverable picks the newest leftover that was opened from the sealed file as
// it is now (sum) and still holds its plaintext.
func recoverable(leftovers []leftover, sum []byte) (leftover, bool) {
	slices.SortFunc(leftovers, func(a, b leftover) int { return b.m.Opened.Compare(a.m.Opened) })
	for _, l := range leftovers {
		if l.m.SealedSHA256 != hexSum(sum) {
			continue
		}
		if _, err := os.Stat(filepath.Join(l.dir, plainName)); err == nil {
			return l, true
		}
	}
	return leftover{}, false
}

// moveInto moves the leftover's database and write-ahead log into dir (the
// same file system), where DuckDB replays the log on open.
func (l leftover) moveInto(dir string) error {
	for _, name := range []string{plainName, plainName + ".wal"} {
		err := os.Rename(filepath.Join(l.dir, name), filepath.Join(dir, name))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func removeAll(leftovers []leftover) {
	for _, l := range leftovers {
		os.RemoveAll(l.dir)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}
