// Package crash makes a crash of the Go runtime distinguishable from the
// programs' own exit statuses. The runtime ends a fatal error (out of
// memory, stack overflow, concurrent map writes) and an unrecovered panic
// with exit status 2, which analyze uses for "input refused": a help
// desk's pipeline would read a crash as a refusal of the upload. After
// Setup, such a crash ends the process with SIGABRT instead (the shell
// shows 134; Windows: an exception code), after printing every
// goroutine's stack; core dumps are switched off first, since the
// process holds customer data.
package crash

import "runtime/debug"

// Setup is called first thing in main.
func Setup() {
	noCoreDumps()
	debug.SetTraceback("crash")
}
