//go:build unix

package export

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// processAlive reports whether a process with this PID exists. Signal 0 checks
// without sending anything; EPERM means it exists but belongs to someone else.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// ownedByUs reports whether the current user owns the file: a sweep never
// removes another user's files, whatever their name.
func ownedByUs(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}
