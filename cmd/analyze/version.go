package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"casefile/internal/complete"
	"casefile/internal/version"
)

// newVersionCmd is `analyze version`, the same line as --version.
func newVersionCmd(program string, w io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and exit",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(w, version.Line(program))
			return err
		},
	}
}

// registerCompletions makes `analyze completion bash|zsh|fish|powershell`
// complete flag values, not only flag names.
func registerCompletions(cmd *cobra.Command) {
	cmd.RegisterFlagCompletionFunc("profile", complete.Profiles())
	cmd.RegisterFlagCompletionFunc("explain", complete.RuleIDs("all"))
	cmd.RegisterFlagCompletionFunc("rule", complete.RuleIDs())
	cmd.RegisterFlagCompletionFunc("fail-on", complete.Words("info", "warning", "critical"))
	cmd.RegisterFlagCompletionFunc("format", complete.Words("text", "json", "html"))
	cmd.RegisterFlagCompletionFunc("timezone", complete.TimeZones)
}
