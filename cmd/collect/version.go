package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"casefile/internal/version"
)

// newVersionCmd is `collect version`, the same line as --version.
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
