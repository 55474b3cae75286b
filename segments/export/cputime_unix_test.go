//go:build unix

package export

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used, on every thread: DuckDB's
// included. On a shared machine, others' load stretches wall time far more
// than it changes the work each side does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
