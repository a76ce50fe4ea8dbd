//go:build unix

package input

import "syscall"

// nonBlock keeps opening a FIFO that replaced a file from hanging.
const nonBlock = syscall.O_NONBLOCK
