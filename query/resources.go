package query

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ConsoleMemoryLimit is the memory DuckDB may hold for the console's workspace.
// DuckDB keeps another 100-200 MB outside its buffer pool while it sorts ten
// million rows, and the console has its screens and Go's heap: at 192 MiB the
// console browses and sorts ten million rows in 330-350 MB resident (at 256 MiB
// it peaked at 420-490 MB, too near the 512 MB it must stay under). What does
// not fit spills to the temporary directory.
const ConsoleMemoryLimit = 192 << 20

// pagingJoinRows is how many rows a join's small side may have for DuckDB to
// push its values into the other side's scan as a filter (its default is 50).
// A page fetched by row position is such a join: with the filter the scan
// reads only the page's rows, without it every column of every row (seconds
// at ten million rows). It covers the console's largest page (tailRows).
const pagingJoinRows = 1024

// resourceSettings are the main database's memory settings, given to DuckDB
// when it starts it (before lock_configuration):
//   - memory_limit: opts.MemoryLimit if set, else DuckDB's default (80% of the
//     machine's memory);
//   - temp_directory, where DuckDB spills what does not fit: beside the
//     database it works on (plain), as DuckDB's default, but named explicitly.
//     For a sealed workspace that is its private directory, so spilled rows
//     stay as private as the plaintext. An in-memory workspace spills nowhere:
//     DuckDB's default would be a .tmp directory in whatever directory the
//     user ran segscope from;
//   - dynamic_or_filter_threshold, see pagingJoinRows;
//   - threads, if threads (from envThreads) is set.
func resourceSettings(plain string, opts OpenOptions, threads string) [][2]string {
	temp := ""
	if plain != "" && plain != Memory {
		temp = plain + ".tmp"
	}
	s := [][2]string{
		{"temp_directory", temp},
		{"dynamic_or_filter_threshold", fmt.Sprint(pagingJoinRows)},
	}
	if opts.MemoryLimit > 0 {
		s = append(s, [2]string{"memory_limit", fmt.Sprintf("%dKiB", max(opts.MemoryLimit>>10, 16<<10))})
	}
	if threads != "" {
		s = append(s, [2]string{"threads", threads})
	}
	return s
}

// ThreadsVariable names the environment variable that caps the threads DuckDB
// works with in every workspace segscope opens; unset, it uses one per core. On
// a shared machine it keeps segscope off the other cores. segscope's own tests
// set it to 1: their tables are far too small to split between threads, and
// waking a pool per workspace cost them a tenth of their time.
const ThreadsVariable = "SEGSCOPE_THREADS"

// envThreads reads ThreadsVariable: "" when unset.
func envThreads() (string, error) {
	v := strings.TrimSpace(os.Getenv(ThreadsVariable))
	if v == "" {
		return "", nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 1 {
		return "", fmt.Errorf("$%s is %q: give a whole number of threads, 1 or more, or unset it to use every core", ThreadsVariable, v)
	}
	return v, nil
}
