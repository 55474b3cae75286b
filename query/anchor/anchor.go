// Package anchor keeps the audit log's hash chain honest from outside the
// database. After every committed append segscope signs a checkpoint (the
// sequence number and hash of the newest entry) with an Ed25519 key that lives in
// the user's config directory, not in the workspace, and writes it beside the
// workspace and beside the key. Someone who can rewrite the workspace file can cut
// the log's tail, empty it or recompute every hash, but cannot sign a checkpoint
// that agrees with the result.
//
// Checkpoints are signed notes (golang.org/x/mod/sumdb/note), the format of the
// Go checksum database's tree heads: plain text, one signature line per key.
package anchor

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// KeyName names the signing key inside every signature line.
const KeyName = "segscope-audit"

// origin is the first line of every checkpoint: a note signed for something
// else by the same key is never read as a checkpoint.
const origin = "segscope audit checkpoint"

// SidecarSuffix is appended to the workspace's path to name its checkpoint file.
const SidecarSuffix = ".audit-checkpoint"

// Checkpoint vouches that the audit log held entry Seq with hash Hash at Time.
type Checkpoint struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	Time time.Time `json:"time"`
	// Signed is the whole signed note. It alone is verified: Seq, Hash and Time
	// are copies for readers and are read back from it.
	Signed string `json:"signed_note"`
}

// Key signs and verifies checkpoints. A Key loaded from disk may hold only the
// public half (a workspace verified on a machine given the .pub file).
type Key struct {
	signer   note.Signer // nil when only the public key is known
	verifier note.Verifier
	// VerifierKey is the public key in note form (name+hash+key).
	VerifierKey string
	// Dir is where the key lives ("" for a key kept in memory).
	Dir string
}

// Ephemeral makes a key that lives only in this process: in-memory workspaces
// vanish with the process, and so does what anchors them.
func Ephemeral() (*Key, error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, KeyName)
	if err != nil {
		return nil, fmt.Errorf("make an audit key: %w", err)
	}
	return newKey(skey, vkey, "")
}

func newKey(skey, vkey, dir string) (*Key, error) {
	k := &Key{VerifierKey: vkey, Dir: dir}
	var err error
	if k.verifier, err = note.NewVerifier(vkey); err != nil {
		return nil, fmt.Errorf("audit public key %s: %w", filepath.Join(dir, pubFile), err)
	}
	if skey != "" {
		if k.signer, err = note.NewSigner(skey); err != nil {
			return nil, fmt.Errorf("audit key %s: %w", filepath.Join(dir, keyFile), err)
		}
		if k.signer.KeyHash() != k.verifier.KeyHash() {
			return nil, fmt.Errorf("audit key %s does not match its public key %s", filepath.Join(dir, keyFile), filepath.Join(dir, pubFile))
		}
	}
	return k, nil
}

const (
	keyFile = "audit-key"
	pubFile = "audit-key.pub"
)

// DefaultDir is segscope's directory under the user's config directory
// ($XDG_CONFIG_HOME/segscope, ~/.config/segscope): outside every workspace.
func DefaultDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory for the audit key: %w", err)
	}
	return filepath.Join(dir, "segscope"), nil
}

// LoadOrCreate reads the signing key from dir, creating it (0600, in a 0700
// directory) on first use.
func LoadOrCreate(dir string) (*Key, error) {
	if k, err := Load(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s for the audit key: %w", dir, err)
	}
	skey, _, err := note.GenerateKey(rand.Reader, KeyName)
	if err != nil {
		return nil, fmt.Errorf("make an audit key: %w", err)
	}
	// The private key decides. Linking a complete temporary file into place
	// never replaces a key another process made meanwhile, and never shows a
	// half-written one; the public half is then worked out from whichever key
	// is in place, so two processes making the key at once agree on it (with
	// each writing its own public half, one could pair the other's private key
	// with its own public one), and a key whose public half was never written
	// gets it now.
	path := filepath.Join(dir, keyFile)
	tmp, err := writeTemp(dir, keyFile, []byte(skey+"\n"), 0o600)
	if err != nil {
		return nil, fmt.Errorf("write the audit key: %w", err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("write the audit key: %w", err)
	}
	placed, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the audit key: %w", err)
	}
	vkey, err := publicHalf(strings.TrimSpace(string(placed)))
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	if err := writeFile(filepath.Join(dir, pubFile), []byte(vkey+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("write the audit public key: %w", err)
	}
	k, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if k.signer == nil {
		return nil, fmt.Errorf("audit key %s: the private key was not written", filepath.Join(dir, keyFile))
	}
	return k, nil
}

// publicHalf is the verifier key of a note signer key made by note.GenerateKey:
// PRIVATE+KEY+name+hash+base64(algorithm byte, Ed25519 seed).
func publicHalf(skey string) (string, error) {
	fields := strings.SplitN(skey, "+", 5) // the key's base64 may hold a +
	if len(fields) != 5 || fields[0] != "PRIVATE" || fields[1] != "KEY" {
		return "", errors.New("not a private key")
	}
	raw, err := base64.StdEncoding.DecodeString(fields[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != algEd25519 {
		return "", errors.New("not an Ed25519 private key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(fields[2], pub)
}

// algEd25519 is note's first byte of an Ed25519 key.
const algEd25519 = 1

// Load reads the key from dir: the private key if present, else the public key
// alone (enough to verify). A missing key wraps fs.ErrNotExist.
func Load(dir string) (*Key, error) {
	pub, err := os.ReadFile(filepath.Join(dir, pubFile))
	if err != nil {
		return nil, fmt.Errorf("read the audit public key: %w", err)
	}
	vkey := strings.TrimSpace(string(pub))
	path := filepath.Join(dir, keyFile)
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return newKey("", vkey, dir)
	case err != nil:
		return nil, fmt.Errorf("read the audit key: %w", err)
	case info.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("audit key %s can be read by others (mode %04o): run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	sec, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the audit key: %w", err)
	}
	return newKey(strings.TrimSpace(string(sec)), vkey, dir)
}

// CanSign reports whether the private half is present.
func (k *Key) CanSign() bool { return k.signer != nil }

// Sign makes a checkpoint for entry seq with the given hash.
func (k *Key) Sign(seq int64, hash string, at time.Time) (*Checkpoint, error) {
	if k.signer == nil {
		return nil, fmt.Errorf("sign an audit checkpoint: only the public key is in %s", k.Dir)
	}
	at = at.UTC().Truncate(time.Second)
	text := fmt.Sprintf("%s\n%d\n%s\n%s\n", origin, seq, hash, at.Format(time.RFC3339))
	signed, err := note.Sign(&note.Note{Text: text}, k.signer)
	if err != nil {
		return nil, fmt.Errorf("sign an audit checkpoint: %w", err)
	}
	return &Checkpoint{Seq: seq, Hash: hash, Time: at, Signed: string(signed)}, nil
}

// ErrBadSignature is wrapped when a checkpoint's signature does not verify with
// the key: it was forged, altered, or signed by another key.
var ErrBadSignature = errors.New("its signature does not verify with this machine's audit key")

// Open verifies a signed checkpoint and reads it.
func (k *Key) Open(signed []byte) (*Checkpoint, error) {
	n, err := note.Open(signed, note.VerifierList(k.verifier))
	if err != nil {
		var unknown *note.UnknownVerifierError
		var invalid *note.InvalidSignatureError
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &unverified) {
			return nil, ErrBadSignature
		}
		return nil, fmt.Errorf("not a signed checkpoint (%w)", err)
	}
	cp, err := parse(n.Text)
	if err != nil {
		return nil, err
	}
	cp.Signed = string(signed)
	return cp, nil
}

func parse(text string) (*Checkpoint, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 4 || lines[0] != origin {
		return nil, errors.New("signed, but not an audit checkpoint")
	}
	seq, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || seq < 1 {
		return nil, fmt.Errorf("checkpoint sequence %q is not a positive number", lines[1])
	}
	if _, err := hex.DecodeString(lines[2]); err != nil || len(lines[2]) != sha256.Size*2 {
		return nil, fmt.Errorf("checkpoint hash %q is not a SHA-256", lines[2])
	}
	at, err := time.Parse(time.RFC3339, lines[3])
	if err != nil {
		return nil, fmt.Errorf("checkpoint time %q: %w", lines[3], err)
	}
	return &Checkpoint{Seq: seq, Hash: lines[2], Time: at}, nil
}

// Sidecar is the checkpoint file beside a workspace.
func Sidecar(workspace string) string { return workspace + SidecarSuffix }

// LocalCopy is where the key's directory keeps the newest checkpoint of the
// workspace at this path. The workspace's owner can replace the sidecar with an
// older, validly signed checkpoint; this copy, beside the key, is out of reach.
func LocalCopy(dir, workspace string) string {
	abs, err := filepath.Abs(workspace)
	if err != nil {
		abs = workspace
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "checkpoints", hex.EncodeToString(sum[:16]))
}

// Write stores a checkpoint at path, whole or not at all.
func Write(path string, cp *Checkpoint) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write audit checkpoint %s: %w", path, err)
	}
	if err := writeFile(path, []byte(cp.Signed), 0o600); err != nil {
		return fmt.Errorf("write audit checkpoint %s: %w", path, err)
	}
	return nil
}

// Read returns a checkpoint file's bytes; a missing file wraps fs.ErrNotExist.
func Read(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > 64<<10 {
		return nil, errors.New("too large to be a checkpoint")
	}
	return data, nil
}

// Describe names a checkpoint for people, beside its entry number.
func (cp *Checkpoint) Describe() string {
	return fmt.Sprintf("hash %s…, signed %s", short(cp.Hash), cp.Time.Format("2006-01-02 15:04:05 UTC"))
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// writeFile replaces path atomically: a crash leaves the old file or the new one.
func writeFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := writeTemp(filepath.Dir(path), filepath.Base(path), data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func writeTemp(dir, base string, data []byte, perm os.FileMode) (string, error) {
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
