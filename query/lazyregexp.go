package query

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles pattern when it is first used. Compiled at start, this
// package's patterns cost every command about a millisecond before main runs
// (a bounded repeat such as {0,62} compiles to a long program), and most
// commands use none of them.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
