package export

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/segscope/segscope/query/seal"
)

// EncryptedSuffix is added to the name of an encrypted export: FILE.age.
const EncryptedSuffix = ".age"

// Encryption seals an export with age (https://age-encryption.org), to public
// keys or to a passphrase, so the file can travel and rest encrypted; the
// recipient opens it with any age tool (age -d).
type Encryption struct {
	// Recipients are age public keys ("age1…", or post-quantum "age1pq1…").
	Recipients []string
	// Passphrase encrypts to a passphrase (scrypt) instead.
	Passphrase string
	// WorkFactor is scrypt's log2(N) for a passphrase; 0 is age's default (18).
	WorkFactor int
}

// EncryptionStamp is what the manifest says of an encrypted export. The
// manifest's bytes and sha256 are the encrypted file's; these are what it holds.
type EncryptionStamp struct {
	Format          string   `json:"format"`
	Recipients      []string `json:"recipients,omitempty"`
	Passphrase      bool     `json:"passphrase,omitempty"`
	PlaintextBytes  int64    `json:"plaintext_bytes"`
	PlaintextSHA256 string   `json:"plaintext_sha256"`
}

// recipients checks the request before any work is done.
func (e *Encryption) recipients() ([]age.Recipient, error) {
	switch {
	case e.Passphrase != "" && len(e.Recipients) > 0:
		return nil, errors.New("encrypt to public keys or to a passphrase, not both (age allows a passphrase only alone)")
	case e.Passphrase != "":
		r, err := age.NewScryptRecipient(e.Passphrase)
		if err != nil {
			return nil, err
		}
		if e.WorkFactor > 0 {
			r.SetWorkFactor(e.WorkFactor)
		}
		return []age.Recipient{r}, nil
	case len(e.Recipients) == 0:
		return nil, errors.New("no recipient and no passphrase to encrypt to")
	}
	var out []age.Recipient
	for i, s := range e.Recipients {
		s = strings.TrimSpace(s)
		if strings.HasPrefix(strings.ToUpper(s), "AGE-SECRET-KEY") {
			// Never echo it: a private key was given where a public one belongs.
			return nil, fmt.Errorf("recipient %d is an age secret key: give its public key (age-keygen -y prints it), and keep the secret one to yourself", i+1)
		}
		rs, err := age.ParseRecipients(strings.NewReader(s))
		if err != nil || len(rs) != 1 {
			shown := s
			if len(shown) > 20 {
				shown = shown[:20] + "…"
			}
			return nil, fmt.Errorf("recipient %d (%q) is not an age public key: they begin with age1", i+1, shown)
		}
		out = append(out, rs[0])
	}
	return out, nil
}

// privatePlaintext makes the file an encrypted export is first written to, in
// private storage rather than beside its destination.
func privatePlaintext(dest string) (*os.File, error) {
	dir, err := seal.PrivateDir("export " + dest)
	if err != nil {
		return nil, fmt.Errorf("make private storage for the plaintext: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "plaintext"), os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("make private storage for the plaintext: %w", err)
	}
	return f, nil
}

// encryptInto encrypts the plaintext file at src into dst, closing dst.
func (e *Encryption) encryptInto(dst *os.File, src string) (*EncryptionStamp, error) {
	defer dst.Close()
	recipients, err := e.recipients()
	if err != nil {
		return nil, err
	}
	in, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	w, err := age.Encrypt(dst, recipients...)
	if err != nil {
		return nil, fmt.Errorf("encrypt the export: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(w, io.TeeReader(in, h))
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = dst.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("encrypt the export: %w", err)
	}
	stamp := &EncryptionStamp{Format: "age", Passphrase: e.Passphrase != "", PlaintextBytes: n, PlaintextSHA256: hex.EncodeToString(h.Sum(nil))}
	if e.Passphrase == "" {
		for _, r := range e.Recipients {
			stamp.Recipients = append(stamp.Recipients, strings.TrimSpace(r))
		}
	}
	return stamp, nil
}
