// Package lazyre compiles regular expressions when they are first used,
// not when the program starts: a command links more patterns than one
// run needs (analyze links the redactors and the request parser, and
// uses them only for baselines and --request), and compiling them all at
// start-up cost every run a few milliseconds (docs/engine.md, Cost:
// start-up).
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles src on its first call (panicking,
// as regexp.MustCompile does, if src is not a valid expression) and
// returns the same *regexp.Regexp on every call; safe for concurrent use.
func New(src string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(src) })
}

// List is New for several expressions, compiled together, in order.
func List(srcs ...string) func() []*regexp.Regexp {
	return sync.OnceValue(func() []*regexp.Regexp {
		out := make([]*regexp.Regexp, len(srcs))
		for i, s := range srcs {
			out[i] = regexp.MustCompile(s)
		}
		return out
	})
}
