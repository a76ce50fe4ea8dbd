//go:build !unix

package input_test

import "errors"

// cpuTime is not measured on this system.
func cpuTime() int64 { return 0 }

func mkfifo(string, uint32) error { return errors.New("no FIFOs on this system") }
