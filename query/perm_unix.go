//go:build unix

package query

import (
	"sync"
	"syscall"
)

var umaskOnce sync.Once

// privateFiles makes every file this process creates from now on readable by
// its owner alone. DuckDB creates the workspace and its write-ahead log itself
// (mode 0666 less the umask, the log afresh after every checkpoint), so a
// chmod after the fact cannot cover the log: the umask can.
func privateFiles() {
	umaskOnce.Do(func() {
		old := syscall.Umask(0o077)
		syscall.Umask(old | 0o077)
	})
}
