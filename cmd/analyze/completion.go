package main

import (
	"github.com/spf13/cobra"

	"casefile/internal/complete"
)

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
