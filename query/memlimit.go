package query

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// DefaultQueryMemoryShare is the share of the machine's memory one person's
// query may use when no limit is set: enough for big aggregates, while the
// console, the workspace's own database and the rest of the machine keep theirs.
const DefaultQueryMemoryShare = 0.25

// queryMemoryLimit is the byte limit set for this process; 0 means the default.
// It is process-wide because it budgets the machine's memory, not a workspace's.
var queryMemoryLimit atomic.Int64

// SetQueryMemoryLimit sets how much memory each query typed by a person (segscope
// query, the SQL screen) may use, in bytes; 0 restores the default.
func SetQueryMemoryLimit(bytes int64) { queryMemoryLimit.Store(bytes) }

// QueryMemoryLimit is the limit in force, in bytes.
func QueryMemoryLimit() (int64, error) {
	if n := queryMemoryLimit.Load(); n > 0 {
		return n, nil
	}
	ram, err := systemMemory()
	if err != nil {
		return 0, err
	}
	return int64(float64(ram) * DefaultQueryMemoryShare), nil
}

// memoryUnits are DuckDB's own units, so a limit reads the same in both places.
var memoryUnits = map[string]float64{
	"": 1, "b": 1, "bytes": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseMemoryLimit reads a limit such as "2GB", "512MiB", "1.5 GB" or "30%" (of
// the machine's memory).
func ParseMemoryLimit(s string) (int64, error) {
	num, unit, err := splitSize(s)
	if err != nil {
		return 0, err
	}
	var bytes float64
	if unit == "%" {
		if num > 100 {
			return 0, fmt.Errorf("memory limit %q: a share of memory is at most 100%%", s)
		}
		ram, err := systemMemory()
		if err != nil {
			return 0, err
		}
		bytes = float64(ram) * num / 100
	} else if bytes, err = sizeBytes(s, num, unit); err != nil {
		return 0, err
	}
	const floor = 16 << 20
	if bytes < floor {
		return 0, fmt.Errorf("memory limit %q: DuckDB needs at least 16MiB to run a query", s)
	}
	if bytes > math.MaxInt64/2 {
		return 0, fmt.Errorf("memory limit %q is too large", s)
	}
	return int64(bytes), nil
}

func splitSize(s string) (float64, string, error) {
	text := strings.TrimSpace(s)
	end := strings.IndexFunc(text, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if end < 0 {
		end = len(text)
	}
	num, err := strconv.ParseFloat(text[:end], 64)
	if err != nil || num <= 0 || math.IsInf(num, 0) {
		return 0, "", fmt.Errorf("memory limit %q: give a positive size such as 2GB, 512MiB or 30%%", s)
	}
	return num, strings.ToLower(strings.TrimSpace(text[end:])), nil
}

func sizeBytes(s string, num float64, unit string) (float64, error) {
	scale, ok := memoryUnits[unit]
	if !ok {
		return 0, fmt.Errorf("memory limit %q: unknown unit %q (use KB, MB, GB, TB, KiB, MiB, GiB, TiB or %%)", s, unit)
	}
	return num * scale, nil
}

// systemMemory asks DuckDB how much memory the machine has: its default limit is
// 80% of physical memory, and it honours container (cgroup) limits, which a
// plain reading of /proc/meminfo would not.
var systemMemory = sync.OnceValues(func() (int64, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return 0, fmt.Errorf("measure memory: %w", err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	var setting string
	if err := db.QueryRowContext(context.Background(), `SELECT current_setting('memory_limit')`).Scan(&setting); err != nil {
		return 0, fmt.Errorf("measure memory: %w", err)
	}
	num, unit, err := splitSize(setting)
	if err != nil {
		return 0, fmt.Errorf("measure memory: %w", err)
	}
	limit, err := sizeBytes(setting, num, unit)
	if err != nil {
		return 0, fmt.Errorf("measure memory: %w", err)
	}
	return int64(float64(limit) / 0.8), nil
})
