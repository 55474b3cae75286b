package query

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/segscope/segscope/query/seal"
)

// Audit actions of sealing.
const (
	ActionSeal   = "workspace.seal"
	ActionUnseal = "workspace.unseal"
	ActionRekey  = "workspace.rekey"
)

// OpenOptions are for workspaces sealed at rest (see package seal).
type OpenOptions struct {
	// Passphrase is asked only when one is needed: the workspace is sealed, or
	// Encrypt creates it (isNew: a prompt should ask twice). It is never stored.
	Passphrase func(path string, isNew bool) (string, error)
	// Encrypt creates a new workspace sealed, and refuses one that exists unsealed.
	Encrypt bool
	Seal    seal.Options
	// MemoryLimit caps the memory DuckDB holds for the workspace, in bytes (0:
	// DuckDB's default, 80% of the machine's); the console asks for
	// ConsoleMemoryLimit. What does not fit spills to disk (resourceSettings).
	MemoryLimit int64
}

func (o OpenOptions) passphrase(path string, isNew bool) (string, error) {
	if o.Passphrase == nil {
		return "", nil
	}
	return o.Passphrase(path, isNew)
}

// openSealed opens the sealed workspace at path into private storage, creates
// one if Encrypt asks for it, or returns nil for a plain workspace.
func openSealed(path string, created bool, opts OpenOptions) (*seal.Session, error) {
	if created {
		if !opts.Encrypt {
			return nil, nil
		}
		key, err := opts.passphrase(path, true)
		if err != nil {
			return nil, err
		}
		s, err := seal.Create(path, key, opts.Seal)
		if err != nil {
			return nil, sealError(path, err)
		}
		return s, nil
	}
	sealed, err := seal.IsSealed(path)
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", path, err)
	}
	if !sealed {
		if opts.Encrypt {
			return nil, fmt.Errorf("workspace %s exists and is not sealed: seal it with segscope seal, or give --encrypt a new path", path)
		}
		return nil, nil
	}
	key, err := opts.passphrase(path, false)
	if err != nil {
		return nil, err
	}
	s, err := seal.Open(path, key, opts.Seal)
	if err != nil {
		return nil, sealError(path, err)
	}
	return s, nil
}

func sealError(path string, err error) error {
	var inUse *seal.InUseError
	if errors.As(err, &inUse) {
		holder := ""
		if inUse.PID > 0 {
			holder = fmt.Sprintf(" (PID %d)", inUse.PID)
		}
		return fmt.Errorf("open workspace %s: %w%s; close the other segscope, or pass --workspace to use another file", path, ErrWorkspaceLocked, holder)
	}
	return fmt.Errorf("open sealed workspace %s: %w", path, err)
}

// Sealed reports whether the workspace is encrypted at rest.
func (w *Workspace) Sealed() bool { return w.session != nil }

// Recovered reports that a sealed workspace was opened from the plaintext a
// killed segscope left behind, with the changes it had committed; Close seals them.
func (w *Workspace) Recovered() bool { return w.session != nil && w.session.Recovered() }

// PlaintextDir is where a sealed workspace's plaintext lives while it is open
// ("" for a plain one).
func (w *Workspace) PlaintextDir() string {
	if w.session == nil {
		return ""
	}
	return w.session.Dir()
}

// ChangePassphrase makes Close seal the workspace with a new passphrase.
func (w *Workspace) ChangePassphrase(ctx context.Context, key string) error {
	if w.session == nil {
		return fmt.Errorf("workspace %s is not sealed", w.path)
	}
	if err := w.session.Rekey(key); err != nil {
		return err
	}
	return w.Audit(ctx, ActionRekey, w.path, map[string]any{})
}

// SealWorkspace encrypts the plain workspace at path in place with key. It holds
// the workspace open meanwhile, so no other segscope writes to it.
func SealWorkspace(ctx context.Context, path, key string, opts seal.Options) error {
	if key == "" {
		return errors.New("the passphrase is empty")
	}
	if sealed, err := seal.IsSealed(path); err != nil {
		return fmt.Errorf("seal workspace %s: %w", path, err)
	} else if sealed {
		return fmt.Errorf("workspace %s is already sealed", path)
	}
	w, err := Open(ctx, path)
	if err != nil {
		return err
	}
	// The entry goes in before the seal so the sealed file holds it; the
	// checkpoint puts everything in the database file and empties the log.
	err = w.Audit(ctx, ActionSeal, path, map[string]any{})
	if err == nil {
		_, err = w.db.ExecContext(ctx, "CHECKPOINT")
	}
	if err == nil {
		err = seal.SealFile(path, key, opts)
	}
	// DuckDB still has the old (now unlinked) file open: closing writes nothing
	// to the sealed one.
	if cerr := w.db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("seal workspace %s: %w", path, err)
	}
	os.Remove(path + ".wal") // emptied by the checkpoint; DuckDB would make it afresh
	return nil
}

// UnsealWorkspace decrypts the sealed workspace at path in place: it is stored
// unencrypted from then on.
func UnsealWorkspace(ctx context.Context, path string, opts OpenOptions) error {
	opts.Encrypt = false
	if sealed, err := seal.IsSealed(path); err != nil {
		return fmt.Errorf("unseal workspace %s: %w", path, err)
	} else if !sealed {
		return fmt.Errorf("workspace %s is not sealed", path)
	}
	w, err := OpenWith(ctx, path, opts)
	if err != nil {
		return err
	}
	if err := w.Audit(ctx, ActionUnseal, path, map[string]any{}); err != nil {
		w.Close()
		return err
	}
	if err := w.db.Close(); err != nil {
		w.session.Leave()
		return fmt.Errorf("unseal workspace %s: %w", path, err)
	}
	if err := w.session.Unseal(); err != nil {
		w.session.Leave()
		return err
	}
	return nil
}
