//go:build !unix

package crash

func noCoreDumps() {}
