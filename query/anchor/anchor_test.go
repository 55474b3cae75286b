package anchor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

func TestKeyIsMadeOnceAndPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "segscope")
	k, err := LoadOrCreate(dir)
	if err != nil || !k.CanSign() {
		t.Fatalf("create: %v", err)
	}
	again, err := LoadOrCreate(dir)
	if err != nil || again.VerifierKey != k.VerifierKey {
		t.Fatalf("a second use made another key: %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, keyFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	if err := os.Chmod(filepath.Join(dir, keyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a key others can read was used: %v", err)
	}
	// The public half alone verifies but does not sign.
	if err := os.Remove(filepath.Join(dir, keyFile)); err != nil {
		t.Fatal(err)
	}
	pub, err := Load(dir)
	if err != nil || pub.CanSign() {
		t.Fatalf("public key only: %v", err)
	}
	cp, _ := k.Sign(7, strings.Repeat("ab", 32), time.Now())
	if got, err := pub.Open([]byte(cp.Signed)); err != nil || got.Seq != 7 {
		t.Fatalf("verify with the public key: %+v %v", got, err)
	}
}

func TestOpenRefusesWhatItDidNotSign(t *testing.T) {
	k, _ := Ephemeral()
	other, _ := Ephemeral()
	hash := strings.Repeat("0f", 32)
	cp, err := k.Sign(26, hash, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.Open([]byte(cp.Signed)); err != nil || got.Seq != 26 || got.Hash != hash {
		t.Fatalf("own checkpoint: %+v %v", got, err)
	}
	forged, _ := other.Sign(26, hash, time.Now())
	edited := strings.Replace(cp.Signed, "\n26\n", "\n25\n", 1)
	for name, text := range map[string]string{"another key": forged.Signed, "edited": edited} {
		if _, err := k.Open([]byte(text)); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Signed by the key, but not a checkpoint.
	msg, _ := note.Sign(&note.Note{Text: "something else\n"}, k.signer)
	if _, err := k.Open(msg); err == nil || !strings.Contains(err.Error(), "not an audit checkpoint") {
		t.Fatalf("another note: %v", err)
	}
	// The note package's reason stays in the chain, not only in the text.
	if _, err := k.Open([]byte("garbage")); err == nil || errors.Unwrap(err) == nil || !strings.Contains(err.Error(), "not a signed checkpoint") {
		t.Fatalf("garbage read as a checkpoint, or its cause dropped: %v", err)
	}
}

// Processes making the key at once (here goroutines, sharing nothing but the
// directory) end with one key whose halves match, and every one of them holds it.
func TestKeyMadeAtOnceIsOneKey(t *testing.T) {
	for round := range 20 {
		dir := filepath.Join(t.TempDir(), "segscope")
		keys := make([]*Key, 8)
		errs := make([]error, len(keys))
		var wg sync.WaitGroup
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				keys[i], errs[i] = LoadOrCreate(dir)
			}()
		}
		wg.Wait()
		onDisk, err := Load(dir)
		if err != nil {
			t.Fatalf("round %d: the key on disk: %v", round, err)
		}
		for i, k := range keys {
			if errs[i] != nil {
				t.Fatalf("round %d, maker %d: %v", round, i, errs[i])
			}
			if !k.CanSign() || k.VerifierKey != onDisk.VerifierKey {
				t.Fatalf("round %d, maker %d holds %s, the disk %s", round, i, k.VerifierKey, onDisk.VerifierKey)
			}
		}
	}
}

// A private key whose public half was never written (a process stopped
// between the two) gets its public half, not a new key.
func TestPublicHalfMadeFromThePrivateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "segscope")
	first, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, pubFile)); err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.VerifierKey != first.VerifierKey || !again.CanSign() {
		t.Fatalf("after losing the public half: %s, want %s", again.VerifierKey, first.VerifierKey)
	}
}
