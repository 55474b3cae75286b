package sampledata

import "math/rand/v2"

// Each output file draws from its own PCG stream so that writing one file
// never shifts the random sequence of another: WriteConsent alone produces
// the same bytes as the consent half of Generate.
const (
	streamSubscribers = 0x5365_6753_5375_6273 // "SegSSubs"
	streamConsent     = 0x5365_6753_436f_6e73 // "SegSCons"
	streamCreators    = 0x5365_6753_4372_6561 // "SegSCrea"
	streamViews       = 0x5365_6753_5669_6577 // "SegSView"
)

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// The helpers below use integer arithmetic only. The Go spec lets compilers
// fuse floating-point multiply-adds (arm64 does, amd64 does not), so float
// maths could make the embedded files differ between a Linux CI runner and
// a developer's Mac.

// chance reports true with probability perMille/1000.
func chance(r *rand.Rand, perMille int) bool {
	return r.IntN(1000) < perMille
}

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	return lo + r.IntN(hi-lo+1)
}

// normal returns an approximately normal integer: the Irwin–Hall sum of four
// 16-bit uniforms taken from one draw. Its tails stop at ±3.46 sd, which
// keeps synthetic outliers plausible.
func normal(r *rand.Rand, mean, sd int) int {
	u := r.Uint64()
	sum := int(u&0xffff) + int(u>>16&0xffff) + int(u>>32&0xffff) + int(u>>48)
	const center, spread = 4 * 65535 / 2, 37837 // mean and sd of sum
	return mean + sd*(sum-center)/spread
}

// geometric counts failed trials before the first success (success
// probability perMille/1000), capped at limit: a float-free stand-in for an
// exponential waiting time.
func geometric(r *rand.Rand, perMille, limit int) int {
	n := 0
	for n < limit && !chance(r, perMille) {
		n++
	}
	return n
}

type option[T any] struct {
	value  T
	weight int
}

// dist is a discrete distribution over a handful of weighted options.
type dist[T any] struct {
	options []option[T]
	total   int
}

func newDist[T any](options ...option[T]) dist[T] {
	d := dist[T]{options: options}
	for _, o := range options {
		d.total += o.weight
	}
	return d
}

func (d dist[T]) pick(r *rand.Rand) T {
	n := r.IntN(d.total)
	for _, o := range d.options {
		if n < o.weight {
			return o.value
		}
		n -= o.weight
	}
	panic("sampledata: weights changed after newDist")
}

// opt keeps the many small string tables readable: opt{"tv", 44}.
type opt = option[string]
