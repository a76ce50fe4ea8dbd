// Command crasher overflows its stack (a Go runtime fatal error), after
// crash.Setup when its argument is "setup".
package main

import (
	"os"
	"runtime/debug"

	"casefile/internal/crash"
)

func deep(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	return deep(n+1) + int(pad[0])
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "setup" {
		crash.Setup()
	}
	debug.SetMaxStack(1 << 20)
	deep(0)
}
