package query_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/seal"
	sampledata "github.com/segscope/segscope/sample-data"
)

// testSeal keeps scrypt cheap in tests; the format and code paths are the same.
var testSeal = seal.Options{WorkFactor: 10}

const testKey = "correct horse battery staple"

func sealedOpts(key string) query.OpenOptions {
	return query.OpenOptions{
		Passphrase: func(string, bool) (string, error) { return key, nil },
		Seal:       testSeal,
	}
}

// createSealed makes a new sealed workspace at path with the test key.
func createSealed(t *testing.T, path string) *query.Workspace {
	t.Helper()
	opts := sealedOpts(testKey)
	opts.Encrypt = true
	w, err := query.OpenWith(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// isolate keeps the audit anchor's key out of the user's config directory.
func isolate(t *testing.T) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	return t.TempDir()
}

// seedSample imports the embedded sample and returns the subscribers' emails.
func seedSample(t *testing.T, w *query.Workspace) map[string]bool {
	t.Helper()
	ctx := context.Background()
	for _, tbl := range sampledata.Tables {
		if _, err := w.ImportFS(ctx, sampledata.Files, tbl.File, tbl.Name); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := w.DB().QueryContext(ctx, `SELECT DISTINCT email FROM subscribers WHERE email IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	emails := map[string]bool{}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		emails[strings.ToLower(e)] = true
	}
	if len(emails) < 1000 {
		t.Fatalf("the sample has %d emails", len(emails))
	}
	return emails
}

// emailsIn finds the sample's emails anywhere in the file's bytes, as
// `strings FILE | grep` would (DuckDB stores strings back to back, so a
// pattern match would run neighbours together): at every '@', each local part
// ending there is looked up and its domains compared with what follows.
func emailsIn(t *testing.T, path string, emails map[string]bool) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	domains := map[string][]string{} // local part → domains
	longest := 0
	for e := range emails {
		local, domain, _ := strings.Cut(e, "@")
		domains[local] = append(domains[local], domain)
		longest = max(longest, len(local))
	}
	lower := bytes.ToLower(data)
	var found []string
	for p := bytes.IndexByte(lower, '@'); p >= 0; {
		for l := 1; l <= longest && l <= p; l++ {
			local := string(lower[p-l : p])
			for _, d := range domains[local] {
				if bytes.HasPrefix(lower[p+1:], []byte(d)) {
					found = append(found, local+"@"+d)
				}
			}
		}
		next := bytes.IndexByte(lower[p+1:], '@')
		if next < 0 {
			break
		}
		p += 1 + next
	}
	return found
}

func tableCount(t *testing.T, w *query.Workspace, table string) int64 {
	t.Helper()
	var n int64
	if err := w.DB().QueryRow(`SELECT count(*) FROM ` + query.QuoteIdent(table)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// ownPrivateDirs lists the private directories that name the sealed file at path.
func ownPrivateDirs(t *testing.T, path string) []string {
	t.Helper()
	abs, _ := filepath.Abs(path)
	var dirs []string
	for _, base := range []string{"/dev/shm", os.TempDir()} {
		matches, _ := filepath.Glob(filepath.Join(base, "segscope-open-*"))
		for _, d := range matches {
			if data, err := os.ReadFile(filepath.Join(d, "segscope-open.json")); err == nil && bytes.Contains(data, []byte(`"sealed":"`+abs+`"`)) {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

func TestSealedWorkspaceHoldsNoEmails(t *testing.T) {
	ctx := context.Background()
	dir := isolate(t)

	path := filepath.Join(dir, "sealed.duckdb")
	w := createSealed(t, path)
	if !w.Sealed() || !w.Created() {
		t.Fatalf("a new --encrypt workspace: sealed %v, created %v", w.Sealed(), w.Created())
	}
	emails := seedSample(t, w)
	want := tableCount(t, w, "subscribers")
	private := w.PlaintextDir()
	// DuckDB compresses strings (FSST), so its file rarely holds an email as it
	// is; a column stored uncompressed does, which makes finding none in the
	// sealed file mean something.
	for _, stmt := range []string{
		`CREATE TABLE contacts (email VARCHAR USING COMPRESSION uncompressed)`,
		`INSERT INTO contacts SELECT email FROM subscribers`,
		`CHECKPOINT`,
	} {
		if _, err := w.DB().Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if found := emailsIn(t, filepath.Join(private, "workspace.duckdb"), emails); len(found) < len(emails)/2 {
		t.Fatalf("the plaintext copy holds %d of %d emails: the scan proves nothing", len(found), len(emails))
	}
	if fi, err := os.Stat(private); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the plaintext directory %s: %v, %v", private, fi, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(private); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the plaintext copy outlived Close: %v", err)
	}
	if found := emailsIn(t, path, emails); len(found) > 0 {
		t.Fatalf("the sealed file holds %d of the sample's emails, e.g. %s", len(found), found[0])
	}
	if sealed, _ := seal.IsSealed(path); !sealed {
		t.Fatal("the workspace file is not sealed")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("sealed file mode %v", fi.Mode().Perm())
	}

	w, err := query.OpenWith(ctx, path, sealedOpts(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if w.Created() || tableCount(t, w, "subscribers") != want {
		t.Fatalf("reopened: created %v, %d subscribers, want %d", w.Created(), tableCount(t, w, "subscribers"), want)
	}
	before, _ := os.ReadFile(path)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Nothing changed, so nothing was rewritten (no second scrypt, no churn in backups).
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("closing an unchanged sealed workspace rewrote its file")
	}
}

func TestSealedWorkspaceRefusesWithoutTheRightKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(isolate(t), "w.duckdb")
	w := createSealed(t, path)
	if _, err := w.DB().Exec(`CREATE TABLE t AS SELECT range AS id FROM range(50000)`); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)

	_, err := query.Open(ctx, path)
	if !errors.Is(err, seal.ErrNoKey) || !strings.Contains(err.Error(), "sealed workspace "+path) {
		t.Fatalf("no key: %v", err)
	}
	_, err = query.OpenWith(ctx, path, sealedOpts("correct horse battery stapler"))
	if !errors.Is(err, seal.ErrWrongKey) || !strings.Contains(err.Error(), "passphrase does not unlock it") {
		t.Fatalf("wrong key: %v", err)
	}
	damage := map[string][]byte{
		"a flipped byte in the data":   flip(good, len(good)/2),
		"a flipped byte in the header": flip(good, 40),
		"cut short":                    good[:len(good)-100],
		"cut to its header":            good[:120],
		"empty":                        {},
	}
	for name, data := range damage {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := query.OpenWith(ctx, path, sealedOpts(testKey))
		switch {
		case name == "empty":
			// An empty file is not sealed: DuckDB says it is no workspace.
			if err == nil {
				t.Fatalf("%s: opened", name)
			}
		case !errors.Is(err, seal.ErrDamaged) && !errors.Is(err, seal.ErrWrongKey):
			t.Fatalf("%s: %v", name, err)
		case !strings.Contains(err.Error(), path):
			t.Fatalf("%s: the error does not name the file: %v", name, err)
		}
		if dirs := ownPrivateDirs(t, path); len(dirs) > 0 {
			t.Fatalf("%s: a failed open left plaintext in %v", name, dirs)
		}
	}
	// A damaged payload is never mistaken for a wrong passphrase.
	os.WriteFile(path, flip(good, len(good)/2), 0o600)
	if _, err := query.OpenWith(ctx, path, sealedOpts(testKey)); !errors.Is(err, seal.ErrDamaged) {
		t.Fatalf("flipped payload byte: %v", err)
	}
	os.WriteFile(path, good, 0o600)
	w, err = query.OpenWith(ctx, path, sealedOpts(testKey))
	if err != nil {
		t.Fatalf("the restored file: %v", err)
	}
	defer w.Close()
	if n := tableCount(t, w, "t"); n != 50000 {
		t.Fatalf("restored workspace has %d rows", n)
	}
}

func flip(data []byte, at int) []byte {
	out := bytes.Clone(data)
	out[at] ^= 0x55
	return out
}

func TestSealedWorkspaceRefusesASecondOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(isolate(t), "w.duckdb")
	w := createSealed(t, path)
	_, err := query.OpenWith(ctx, path, sealedOpts(testKey))
	if !errors.Is(err, query.ErrWorkspaceLocked) || !strings.Contains(err.Error(), "PID") {
		t.Fatalf("second open of a new sealed workspace: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = query.OpenWith(ctx, path, sealedOpts(testKey))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := query.OpenWith(ctx, path, sealedOpts(testKey)); !errors.Is(err, query.ErrWorkspaceLocked) {
		t.Fatalf("second open: %v", err)
	}
	// A plain open must not get past the lock either (it would see an age file).
	if _, err := query.Open(ctx, path); !errors.Is(err, query.ErrWorkspaceLocked) {
		t.Fatalf("second open without options: %v", err)
	}
}

// TestSealedHelperProcess is the process TestSealedWorkspaceSurvivesKill kills:
// it does nothing unless started by that test.
func TestSealedHelperProcess(t *testing.T) {
	path := os.Getenv("SEGSCOPE_SEAL_HELPER")
	if path == "" {
		return
	}
	ctx := context.Background()
	w, err := query.OpenWith(ctx, path, sealedOpts(testKey))
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "late.csv")
	os.WriteFile(csv, []byte("id,email\n1,late.arrival@example.org\n2,second.late@example.org\n"), 0o600)
	if _, err := w.Import(ctx, csv, query.ImportOptions{Table: "late"}); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("ready " + w.PlaintextDir() + "\n")
	time.Sleep(time.Minute) // killed long before
}

func TestSealedWorkspaceSurvivesKill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(isolate(t), "w.duckdb")
	w := createSealed(t, path)
	seedSample(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sealedBefore, _ := os.ReadFile(path)

	cmd := exec.Command(os.Args[0], "-test.run=^TestSealedHelperProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "SEGSCOPE_SEAL_HELPER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	leftover := ""
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "ready "); ok {
			leftover = rest
			break
		}
	}
	if leftover == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the helper never got ready: %s", stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	if _, err := os.Stat(filepath.Join(leftover, "workspace.duckdb")); err != nil {
		t.Fatalf("the killed process left no plaintext to clean (%v): the test proves nothing", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, sealedBefore) {
		t.Fatal("the kill changed the sealed file")
	}
	w, err = query.OpenWith(ctx, path, sealedOpts(testKey))
	if err != nil {
		t.Fatalf("open after kill -9: %v", err)
	}
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the killed process's plaintext is still in %s after the next open", leftover)
	}
	// The changes the killed process committed are taken up, not thrown away
	// (its audit entries are anchored outside the workspace: losing them would
	// read as a cut log).
	if !w.Recovered() || tableCount(t, w, "late") != 2 {
		t.Fatalf("recovered %v", w.Recovered())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if dirs := ownPrivateDirs(t, path); len(dirs) > 0 {
		t.Fatalf("plaintext left after close: %v", dirs)
	}
	w, err = query.OpenWith(ctx, path, sealedOpts(testKey))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Recovered() || tableCount(t, w, "late") != 2 {
		t.Fatalf("after the recovery was sealed: recovered %v", w.Recovered())
	}
}

func TestSealAndUnsealInPlace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(isolate(t), "w.duckdb")
	w, err := query.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	emails := seedSample(t, w)
	want := tableCount(t, w, "subscribers")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := query.SealWorkspace(ctx, path, testKey, testSeal); err != nil {
		t.Fatal(err)
	}
	if found := emailsIn(t, path, emails); len(found) > 0 {
		t.Fatalf("sealed in place, the file holds %d emails", len(found))
	}
	if err := query.SealWorkspace(ctx, path, testKey, testSeal); err == nil || !strings.Contains(err.Error(), "already sealed") {
		t.Fatalf("sealing twice: %v", err)
	}
	w, err = query.OpenWith(ctx, path, sealedOpts(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if tableCount(t, w, "subscribers") != want {
		t.Fatal("sealing lost rows")
	}
	if err := w.ChangePassphrase(ctx, "a new passphrase"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := query.OpenWith(ctx, path, sealedOpts(testKey)); !errors.Is(err, seal.ErrWrongKey) {
		t.Fatalf("the old passphrase after a rekey: %v", err)
	}
	if err := query.UnsealWorkspace(ctx, path, sealedOpts("a new passphrase")); err != nil {
		t.Fatal(err)
	}
	if sealed, _ := seal.IsSealed(path); sealed {
		t.Fatal("still sealed after unseal")
	}
	w, err = query.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	log, err := w.AuditLog(ctx, query.AuditFilter{Action: "workspace."})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, " ") != "workspace.seal workspace.rekey workspace.unseal" &&
		strings.Join(actions, " ") != "workspace.unseal workspace.rekey workspace.seal" {
		t.Fatalf("audit of sealing: %v", actions)
	}
	if tableCount(t, w, "subscribers") != want {
		t.Fatal("unsealing lost rows")
	}
}

func TestNewWorkspaceFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(isolate(t), "fresh")
	path := filepath.Join(dir, "w.duckdb")
	w, err := query.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.DB().Exec(`CREATE TABLE t AS SELECT 1 AS id`); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{dir: 0o700, path: 0o600, path + ".wal": 0o600} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if fi.Mode().Perm() != want {
			t.Fatalf("%s is %v, want %v", name, fi.Mode().Perm(), want)
		}
	}
}
