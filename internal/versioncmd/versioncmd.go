// Package versioncmd is the `version` subcommand both programs share: it
// prints the same line as their --version.
package versioncmd

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"casefile/internal/version"
)

// New returns `PROGRAM version`, writing version.Line(program) to w.
func New(program string, w io.Writer) *cobra.Command {
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
