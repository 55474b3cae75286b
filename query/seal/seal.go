// Package seal keeps a workspace encrypted at rest. DuckDB here can read
// encrypted databases but cannot write them (see DUCKDB-FACTS.md), so segscope
// seals the whole file itself: a sealed workspace is an age file (scrypt
// passphrase recipient, ChaCha20-Poly1305 payload) at the workspace's path.
//
// While a sealed workspace is open its plaintext lives in a private directory
// (0700, on tmpfs where there is one) and DuckDB works on that copy; Close
// seals it again beside the sealed file and renames it over, so the sealed file
// is always either the old or the new whole. The sealed file itself carries the
// lock that keeps a second process out.
//
// A process killed while a workspace is open leaves its private directory
// behind, with a marker naming the process and the sealed file. The next Open
// of that workspace seals the changes it holds (when it was opened from the
// sealed file as it still is) or removes it; leftovers of other workspaces are
// removed once their process is gone.
package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"filippo.io/age"
)

// magic is how every age file, and so every sealed workspace, begins.
const magic = "age-encryption.org/v1\n"

// maxWorkFactor caps the scrypt work a sealed file can demand when opened, so a
// tampered header cannot make an open take minutes (22 is about 15 s).
const maxWorkFactor = 22

var (
	// ErrNoKey: the workspace is sealed and no passphrase was given.
	ErrNoKey = errors.New("it is sealed and no passphrase was given")
	// ErrWrongKey: the passphrase does not unlock the sealed file.
	ErrWrongKey = errors.New("the passphrase does not unlock it")
	// ErrDamaged: the sealed file is truncated or altered.
	ErrDamaged = errors.New("the sealed file is damaged (truncated or altered)")
	// ErrInUse: another process has the sealed workspace open.
	ErrInUse = errors.New("it is in use by another process")
)

// InUseError is ErrInUse with the holder's process id when it could be found.
type InUseError struct{ PID int }

func (e *InUseError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%v (PID %d)", ErrInUse, e.PID)
	}
	return ErrInUse.Error()
}

func (e *InUseError) Unwrap() error { return ErrInUse }

// Options tune sealing.
type Options struct {
	// WorkFactor is scrypt's log2(N) for new seals: 0 is age's default, 18
	// (about a second, and 256 MB, per seal or open). Tests lower it.
	WorkFactor int
}

// IsSealed reports whether the file at path is a sealed workspace.
func IsSealed(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(magic))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return string(head[:n]) == magic, nil
}

// plainName is the plaintext database inside a private directory.
const plainName = "workspace.duckdb"

// Session is a sealed workspace opened into private storage.
type Session struct {
	path string   // the sealed file, absolute
	dir  string   // the private directory holding the plaintext
	lock *os.File // the sealed file, locked
	key  string
	opts Options
	// plainSum is the plaintext's hash as it was unsealed: Close leaves the
	// sealed file alone when nothing changed. Nil forces a seal.
	plainSum  []byte
	empty     bool
	recovered bool
}

// Plain is the plaintext database DuckDB opens.
func (s *Session) Plain() string { return filepath.Join(s.dir, plainName) }

// Dir is the private directory holding the plaintext while the workspace is open.
func (s *Session) Dir() string { return s.dir }

// Empty reports a workspace sealed before anything was written to it: DuckDB
// creates its database afresh.
func (s *Session) Empty() bool { return s.empty }

// Recovered reports that Open took up the plaintext a killed process left,
// holding changes made after the sealed file was written; Close seals them.
func (s *Session) Recovered() bool { return s.recovered }

// Rekey makes Close seal with a new passphrase.
func (s *Session) Rekey(key string) error {
	if key == "" {
		return errors.New("the new passphrase is empty")
	}
	s.key = key
	s.plainSum = nil
	return nil
}

// Create makes a new sealed workspace at path, holding nothing yet, and opens it.
// It refuses a path that exists.
func Create(path, key string, opts Options) (*Session, error) {
	if key == "" {
		return nil, ErrNoKey
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// The empty sealed file is written and locked under a temporary name, then
	// linked into place, so no other process ever sees the path without a lock
	// or without the magic that says it is sealed.
	tmp, err := os.CreateTemp(filepath.Dir(abs), sealingPrefix(abs)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return nil, fmt.Errorf("create sealed workspace: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := lockExclusive(tmp); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create sealed workspace: %w", err)
	}
	if err := encryptTo(tmp, bytes.NewReader(nil), key, opts); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create sealed workspace: %w", err)
	}
	if err := os.Link(tmp.Name(), abs); err != nil {
		tmp.Close()
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("create sealed workspace: %s already exists", path)
		}
		return nil, fmt.Errorf("create sealed workspace: %w", err)
	}
	syncDir(filepath.Dir(abs))
	s := &Session{path: abs, lock: tmp, key: key, opts: opts, empty: true}
	sum, err := hashFrom(tmp, 0)
	if err == nil {
		s.dir, err = newPrivateDirAnywhere(abs)
	}
	if err == nil {
		err = writeMarker(s.dir, abs, sum, nil)
	}
	if err != nil {
		s.Abort()
		os.Remove(abs)
		return nil, fmt.Errorf("create sealed workspace: %w", err)
	}
	return s, nil
}

// Open unseals the sealed workspace at path into a private directory, after
// cleaning what killed processes left behind.
func Open(path, key string, opts Options) (*Session, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	lock, err := lockPath(abs)
	if err != nil {
		return nil, err
	}
	s := &Session{path: abs, lock: lock, key: key, opts: opts}
	own := cleanLeftovers(abs)
	if key == "" {
		s.release()
		return nil, ErrNoKey
	}
	if err := s.unseal(own); err != nil {
		s.release()
		return nil, err
	}
	return s, nil
}

// unseal decrypts the locked sealed file into a new private directory, or takes
// up a leftover of this workspace that holds newer changes.
func (s *Session) unseal(leftovers []leftover) error {
	id, err := age.NewScryptIdentity(s.key)
	if err != nil {
		return err
	}
	id.SetMaxWorkFactor(maxWorkFactor)
	if _, err := s.lock.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sealedHash := sha256.New()
	plain, err := age.Decrypt(io.TeeReader(s.lock, sealedHash), id)
	if err != nil {
		// Leftovers stay: their changes wait for the right passphrase.
		return decryptError(err)
	}
	// The passphrase is right. A leftover opened from this very sealed file holds
	// changes a killed process committed: seal those instead of the old copy.
	if len(leftovers) > 0 {
		sum, err := hashFrom(s.lock, 0)
		if err != nil {
			return err
		}
		if l, ok := recoverable(leftovers, sum); ok {
			s.dir, err = newPrivateDir(filepath.Dir(l.dir), s.path)
			if err == nil {
				err = l.moveInto(s.dir)
			}
			if err == nil {
				err = writeMarker(s.dir, s.path, sum, nil)
			}
			removeAll(leftovers)
			if err != nil {
				return fmt.Errorf("take up the changes a stopped segscope left in %s: %w", l.dir, err)
			}
			s.recovered = true
			return nil
		}
		removeAll(leftovers)
	}
	bases := privateBases()
	for i, base := range bases {
		if i > 0 {
			// tmpfs is RAM-sized: a workspace too big for it goes to the OS temp dir.
			if _, err := s.lock.Seek(0, io.SeekStart); err != nil {
				return err
			}
			sealedHash.Reset()
			if plain, err = age.Decrypt(io.TeeReader(s.lock, sealedHash), id); err != nil {
				return decryptError(err)
			}
		}
		if err = s.decryptInto(base, plain, sealedHash); !noRoom(err) || i == len(bases)-1 {
			break
		}
	}
	if noRoom(err) {
		return fmt.Errorf("no room to unseal the workspace in %s: %w", strings.Join(bases, " or "), err)
	}
	return err
}

func (s *Session) decryptInto(base string, plain io.Reader, sealedHash hash.Hash) error {
	dir, err := newPrivateDir(base, s.path)
	if err != nil {
		return err
	}
	out, err := os.OpenFile(filepath.Join(dir, plainName), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		os.RemoveAll(dir)
		return err
	}
	plainHash := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, plainHash), plain)
	if err == nil {
		// age reads to the end to authenticate the last chunk; drain anyway so the
		// hash covers every byte of the sealed file.
		_, err = io.Copy(sealedHash, s.lock)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(dir)
		if noRoom(err) {
			return err
		}
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			return fmt.Errorf("unseal into %s: %w", dir, err)
		}
		return decryptError(err)
	}
	s.dir = dir
	s.plainSum = plainHash.Sum(nil)
	s.empty = n == 0
	if s.empty {
		os.Remove(filepath.Join(dir, plainName)) // DuckDB makes a new database
	}
	// Only a finished copy names the sealed file it came from: a leftover of a
	// copy killed half-way is never taken for the workspace.
	return writeMarker(dir, s.path, sealedHash.Sum(nil), s.plainSum)
}

// decryptError turns age's errors into the three a user can act on.
func decryptError(err error) error {
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		for _, e := range noMatch.Errors {
			if strings.Contains(e.Error(), "not passphrase-encrypted") {
				return fmt.Errorf("%w: it is an age file sealed to a key, not a passphrase", ErrWrongKey)
			}
		}
		return ErrWrongKey
	}
	return fmt.Errorf("%w: %v", ErrDamaged, err)
}

// Close seals the plaintext again if it changed, removes the private directory
// and releases the lock. If sealing fails the private directory is kept: the
// next Open takes its changes up.
func (s *Session) Close() error {
	if s.lock == nil {
		return nil
	}
	if err := s.seal(); err != nil {
		s.release()
		return fmt.Errorf("seal %s: %w; the sealed file is as it was, and the changes are kept in %s until the workspace is next opened", s.path, err, s.dir)
	}
	err := os.RemoveAll(s.dir)
	s.release()
	if err != nil {
		return fmt.Errorf("remove the workspace's plaintext copy in %s: %w", s.dir, err)
	}
	return nil
}

// Abort releases the workspace without sealing: for an open that failed half-way.
// A taken-up leftover is kept for the next Open, since its changes are sealed nowhere.
func (s *Session) Abort() {
	if s.lock == nil {
		return
	}
	if !s.recovered {
		os.RemoveAll(s.dir)
	}
	s.release()
}

// Leave releases the workspace and keeps its plaintext for the next Open to
// take up: for a database that could not be closed cleanly.
func (s *Session) Leave() { s.release() }

// Unseal writes the plaintext in place of the sealed file and releases the
// workspace; the caller has closed its database.
func (s *Session) Unseal() error {
	if s.lock == nil {
		return errors.New("the workspace is closed")
	}
	if err := s.checkClosed(); err != nil {
		return err
	}
	src, err := os.Open(s.Plain())
	if err != nil {
		return err
	}
	defer src.Close()
	err = replace(s.path, func(dst *os.File) error {
		_, err := io.Copy(dst, src)
		return err
	})
	if err != nil {
		return fmt.Errorf("unseal %s: %w", s.path, err)
	}
	os.RemoveAll(s.dir)
	s.release()
	return nil
}

func (s *Session) seal() error {
	if err := s.checkClosed(); err != nil {
		return err
	}
	plain := s.Plain()
	if _, err := os.Stat(plain); errors.Is(err, os.ErrNotExist) && s.empty {
		return nil // opened and closed without DuckDB writing a thing
	}
	if s.plainSum != nil {
		sum, err := hashFile(plain)
		if err != nil {
			return err
		}
		if bytes.Equal(sum, s.plainSum) {
			return nil
		}
	}
	src, err := os.Open(plain)
	if err != nil {
		return err
	}
	defer src.Close()
	return replace(s.path, func(dst *os.File) error { return encryptTo(dst, src, s.key, s.opts) })
}

// checkClosed refuses to seal while DuckDB's write-ahead log holds changes not
// yet in the database file: sealing the file alone would lose them.
func (s *Session) checkClosed() error {
	if _, err := os.Stat(s.Plain() + ".wal"); err == nil {
		return errors.New("the database still has a write-ahead log (was it closed?)")
	}
	return nil
}

func (s *Session) release() {
	if s.lock != nil {
		unlock(s.lock)
		s.lock.Close()
		s.lock = nil
	}
}

func encryptTo(dst io.Writer, src io.Reader, key string, opts Options) error {
	r, err := age.NewScryptRecipient(key)
	if err != nil {
		return err
	}
	if opts.WorkFactor > 0 {
		r.SetWorkFactor(opts.WorkFactor)
	}
	w, err := age.Encrypt(dst, r)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	return w.Close()
}

// SealFile encrypts the plain file at path in place. The caller makes sure no
// one writes to it meanwhile (segscope holds DuckDB's lock on it).
func SealFile(path, key string, opts Options) error {
	if key == "" {
		return ErrNoKey
	}
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	return replace(path, func(dst *os.File) error { return encryptTo(dst, src, key, opts) })
}

// sealingPrefix names the temporary files written beside a sealed workspace
// (".NAME.sealing-PID-…"), so that a kill -9's are recognisable and removed.
func sealingPrefix(abs string) string {
	return "." + filepath.Base(abs) + ".sealing-"
}

// replace writes a new file beside path with write, syncs it, and renames it
// over path: path is always the old whole or the new whole.
func replace(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), sealingPrefix(path)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	done = true
	syncDir(filepath.Dir(path))
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() // not supported everywhere; the rename stands either way
		d.Close()
	}
}

func hashFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return hashFrom(f, 0)
}

func hashFrom(f *os.File, offset int64) ([]byte, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, offset, 1<<62)); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

func hexSum(sum []byte) string { return hex.EncodeToString(sum) }

// lockPath opens and locks the file at abs. A seal that finished between the
// open and the lock renamed a new file over the path, leaving us the old one
// locked: check that the path still names what we locked.
func lockPath(abs string) (*os.File, error) {
	for range 5 {
		f, err := os.Open(abs)
		if err != nil {
			return nil, err
		}
		if err := lockExclusive(f); err != nil {
			f.Close()
			if errors.Is(err, errLocked) {
				return nil, &InUseError{PID: holder(abs)}
			}
			return nil, fmt.Errorf("lock %s: %w", abs, err)
		}
		fi, ferr := f.Stat()
		pi, perr := os.Stat(abs)
		if ferr == nil && perr == nil && os.SameFile(fi, pi) {
			return f, nil
		}
		unlock(f)
		f.Close()
	}
	return nil, &InUseError{PID: holder(abs)}
}
