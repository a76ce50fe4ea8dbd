//go:build windows

package collect

import (
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/windows"
)

// setProcessGroup starts the command in a new process group, without a
// console window.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{
		CreationFlags: windows.CREATE_NEW_PROCESS_GROUP | windows.CREATE_NO_WINDOW,
	}
}

// killTree kills the command and every process it started, with
// taskkill /T (the process tree), then the command itself in case
// taskkill is unavailable.
func killTree(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	kill := exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid))
	kill.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_NO_WINDOW}
	done := make(chan struct{})
	go func() { kill.Run(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		if kill.Process != nil {
			kill.Process.Kill()
		}
	}
	cmd.Process.Kill()
	return nil
}
