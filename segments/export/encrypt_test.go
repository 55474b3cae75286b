package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/segscope/segscope/segments/consent/consenttest"
)

func decryptFile(t *testing.T, path string, id age.Identity) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatalf("decrypt %s: %v", path, err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var anEmail = regexp.MustCompile(`[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`)

func TestEncryptedExport(t *testing.T) {
	ctx := context.Background()
	ws := consenttest.Sample(t)
	define(t, ws, "churn_risk", "subscribers", churnRule)
	dir := t.TempDir()
	req := Request{Acknowledge: acknowledged, Segment: "churn_risk", Format: CSV, Channel: "email", Columns: []string{"email", "first_name"}}

	plainReq := req
	plainReq.Path = filepath.Join(t.TempDir(), "plain.csv")
	if _, err := newExporter(ws).Export(ctx, plainReq); err != nil {
		t.Fatal(err)
	}
	plain, _ := os.ReadFile(plainReq.Path)
	emails := anEmail.FindAll(plain, -1)
	if len(emails) < 100 {
		t.Fatalf("the plain export has %d emails", len(emails))
	}

	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	enc := req
	enc.Path = filepath.Join(dir, "churn.csv")
	enc.Encrypt = &Encryption{Recipients: []string{id.Recipient().String()}}
	// While rows are written, DuckDB writes them to a private directory marked
	// for this export, not beside the destination.
	private := ""
	enc.Progress = func(Progress) {
		for _, base := range []string{"/dev/shm", os.TempDir()} {
			markers, _ := filepath.Glob(filepath.Join(base, "segscope-open-*", "segscope-open.json"))
			for _, m := range markers {
				data, _ := os.ReadFile(m)
				if _, err := os.Stat(filepath.Join(filepath.Dir(m), "plaintext")); err == nil &&
					bytes.Contains(data, []byte(`"sealed":"export `+enc.Path+`.age"`)) {
					private = filepath.Dir(m)
				}
			}
		}
	}
	res, err := newExporter(ws).Export(ctx, enc)
	if err != nil {
		t.Fatal(err)
	}
	if private == "" {
		t.Fatal("no private directory held the plaintext while the export ran")
	}
	if _, err := os.Stat(private); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the plaintext's private directory %s outlived the export", private)
	}
	if res.Path != enc.Path+".age" || !slices.Equal(dirEntries(t, dir), []string{"churn.csv.age", "churn.csv.age.manifest.json"}) {
		t.Fatalf("wrote %s; the directory holds %v", res.Path, dirEntries(t, dir))
	}
	sealed, _ := os.ReadFile(res.Path)
	for _, e := range emails {
		if bytes.Contains(sealed, e) {
			t.Fatalf("the encrypted export holds %s", e)
		}
	}
	got := decryptFile(t, res.Path, id)
	if !bytes.Equal(got, plain) {
		t.Fatal("the decrypted export differs from the same export unencrypted")
	}

	var m Manifest
	data, _ := os.ReadFile(res.ManifestPath)
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	e := m.Encryption
	if e == nil || e.Format != "age" || !slices.Equal(e.Recipients, []string{id.Recipient().String()}) || e.Passphrase ||
		e.PlaintextSHA256 != sum(plain) || e.PlaintextBytes != int64(len(plain)) ||
		m.SHA256 != sum(sealed) || m.Bytes != int64(len(sealed)) || m.File != "churn.csv.age" {
		t.Fatalf("manifest: file %s, %d bytes, sha %s, encryption %+v", m.File, m.Bytes, m.SHA256, e)
	}
	if !strings.Contains(string(data), `"encryption": {`) {
		t.Fatalf("the manifest does not say the file is encrypted:\n%s", data)
	}

	// A passphrase instead of a key.
	enc.Encrypt = &Encryption{Passphrase: "a shared secret", WorkFactor: 10}
	enc.Force, enc.Progress = true, nil
	if res, err = newExporter(ws).Export(ctx, enc); err != nil {
		t.Fatal(err)
	}
	pid, _ := age.NewScryptIdentity("a shared secret")
	if !bytes.Equal(decryptFile(t, res.Path, pid), plain) || !res.Manifest.Encryption.Passphrase || len(res.Manifest.Encryption.Recipients) > 0 {
		t.Fatalf("passphrase export: %+v", res.Manifest.Encryption)
	}
}

func TestEncryptedExportRefusesBadRecipients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ws := consenttest.Sample(t)
	define(t, ws, "churn_risk", "subscribers", churnRule)
	id, _ := age.GenerateX25519Identity()
	secret := id.String()
	for name, enc := range map[string]*Encryption{
		"a secret key":        {Recipients: []string{secret}},
		"not a key":           {Recipients: []string{"bob@example.com"}},
		"nothing":             {},
		"key and passphrase":  {Recipients: []string{id.Recipient().String()}, Passphrase: "x"},
		"a truncated age key": {Recipients: []string{id.Recipient().String()[:30]}},
	} {
		dir := t.TempDir()
		_, err := newExporter(ws).Export(ctx, Request{Acknowledge: acknowledged, Segment: "churn_risk", Format: CSV, Path: filepath.Join(dir, "x.csv"), Encrypt: enc})
		if err == nil {
			t.Fatalf("%s: exported", name)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), secret[15:40]) {
			t.Fatalf("%s: the error repeats the secret key: %v", name, err)
		}
		if len(dirEntries(t, dir)) > 0 {
			t.Fatalf("%s: wrote %v", name, dirEntries(t, dir))
		}
		if errors.Is(err, ErrExists) {
			t.Fatal(err)
		}
	}
}
