//go:build !unix

package export

import "time"

// cpuTime is not measured here: the CPU-time metrics read zero.
func cpuTime() time.Duration { return 0 }
