package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/seal"
)

// sealOptions tune sealing; tests lower scrypt's work factor.
var sealOptions seal.Options

// keyEnv and newKeyEnv give passphrases to scripts; a person is asked instead.
const (
	keyEnv       = "SEGSCOPE_KEY"
	newKeyEnv    = "SEGSCOPE_NEW_KEY"
	exportKeyEnv = "SEGSCOPE_EXPORT_KEY"
)

func (a *app) openOptions() query.OpenOptions {
	return query.OpenOptions{
		Passphrase:  func(path string, isNew bool) (string, error) { return a.passphrase(path, keyEnv, isNew) },
		Encrypt:     a.encrypt,
		Seal:        sealOptions,
		MemoryLimit: a.workspaceMemory,
	}
}

// passphrase reads the key from env, or asks on the terminal without echo (twice
// for a new one). It is never written anywhere.
func (a *app) passphrase(path, env string, isNew bool) (string, error) {
	if key := os.Getenv(env); key != "" {
		return key, nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		if isNew {
			return "", fmt.Errorf("sealing %s needs a new passphrase: set %s, or run segscope in a terminal to type it", path, env)
		}
		return "", fmt.Errorf("workspace %s is sealed: set %s to its passphrase, or run segscope in a terminal to type it", path, env)
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(a.errOut, prompt)
		key, err := term.ReadPassword(fd)
		fmt.Fprintln(a.errOut)
		if err != nil {
			return "", fmt.Errorf("read the passphrase: %w", err)
		}
		return string(key), nil
	}
	if !isNew {
		return ask("Passphrase for " + path + ": ")
	}
	key, err := ask("New passphrase for " + path + ": ")
	if err != nil {
		return "", err
	}
	if key == "" {
		return "", errors.New("an empty passphrase protects nothing; nothing was sealed")
	}
	again, err := ask("The same again: ")
	if err != nil {
		return "", err
	}
	if again != key {
		return "", errors.New("the two passphrases differ; nothing was sealed")
	}
	return key, nil
}

// existingWorkspace is the workspace path for seal and unseal, which never create one.
func (a *app) existingWorkspace() (string, error) {
	path, err := a.resolvePath()
	if err != nil {
		return "", err
	}
	if path == query.Memory {
		return "", errors.New("a :memory: workspace is never on disk, so there is nothing to seal")
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("no workspace at %s (%w); segscope --encrypt creates a new one sealed", path, err)
	}
	return path, nil
}

func (a *app) sealCmd() *cobra.Command {
	var rekey bool
	cmd := &cobra.Command{
		Use:   "seal",
		Short: "Encrypt the workspace at rest (passphrase from $SEGSCOPE_KEY or a prompt)",
		Long: "seal encrypts the workspace file in place with a passphrase (age, scrypt). From then on every segscope\n" +
			"command asks for it ($SEGSCOPE_KEY, or a prompt) and works on a private plaintext copy while it runs,\n" +
			"sealed again when it ends. segscope never stores the passphrase: lose it and the workspace is lost.\n" +
			"seal --rekey changes the passphrase of a sealed workspace (the new one from $SEGSCOPE_NEW_KEY or a prompt).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := a.existingWorkspace()
			if err != nil {
				return err
			}
			sealed, err := seal.IsSealed(path)
			if err != nil {
				return err
			}
			if rekey {
				return a.rekey(cmd.Context(), path, sealed)
			}
			if sealed {
				return fmt.Errorf("workspace %s is already sealed; seal --rekey changes its passphrase", path)
			}
			key, err := a.passphrase(path, keyEnv, true)
			if err != nil {
				return err
			}
			if err := query.SealWorkspace(cmd.Context(), path, key, sealOptions); err != nil {
				return err
			}
			a.note("Sealed %s: its passphrase is needed to open it from now on, and segscope does not keep it.", path)
			a.note("The unencrypted file was replaced; the disk may still hold its old blocks until they are overwritten.")
			return nil
		},
	}
	cmd.Flags().BoolVar(&rekey, "rekey", false, "change the passphrase of a sealed workspace")
	return cmd
}

func (a *app) rekey(ctx context.Context, path string, sealed bool) error {
	if !sealed {
		return fmt.Errorf("workspace %s is not sealed; seal it first (segscope seal)", path)
	}
	ws, err := a.workspace(ctx)
	if err != nil {
		return err
	}
	key, err := a.passphrase(path, newKeyEnv, true)
	if err != nil {
		return err
	}
	if err := ws.ChangePassphrase(ctx, key); err != nil {
		return err
	}
	if err := a.close(); err != nil {
		return err
	}
	a.note("Changed the passphrase of %s.", path)
	return nil
}

func (a *app) unsealCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "unseal",
		Short: "Decrypt a sealed workspace in place: it is stored unencrypted from then on",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := a.existingWorkspace()
			if err != nil {
				return err
			}
			opts := a.openOptions()
			if err := query.UnsealWorkspace(cmd.Context(), path, opts); err != nil {
				return err
			}
			a.note("Unsealed %s: it is stored unencrypted from now on.", path)
			return nil
		},
	}
}
