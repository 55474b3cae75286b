//go:build unix

package seal

import (
	"errors"
	"os"
	"syscall"
)

var errLocked = errors.New("locked")

// lockExclusive takes an advisory lock on the open file, failing at once if
// another open file holds it (in this process or another).
func lockExclusive(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

func unlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// alive reports whether a process with this id exists (EPERM: it does, as
// someone else's).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
