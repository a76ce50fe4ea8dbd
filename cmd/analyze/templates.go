package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"casefile/analyze"
	"casefile/analyze/input"
	"casefile/analyze/report"
)

// templatesCommand is `analyze templates [--format text|json] INPUT...`:
// the message templates of each file (docs/report.md, Unexplained).
func templatesCommand(e *env) *cobra.Command {
	var format, timezone string
	cmd := &cobra.Command{
		Use:   "templates [--format text|json] INPUT...",
		Short: "Print the message templates of each log of the inputs",
		Long: `templates reads the inputs as analyze does (bundles, archives, folders,
plain logs) and prints, for each text file, its message templates: the
lines with their variable parts (numbers, addresses, ids, paths, quoted
values) as <*>, with how many lines each has, their first and last time
and their line numbers. A template's id is what analyze --draft-rule takes.`,
		Example: `  analyze templates epp.log
  analyze templates --format json bundle.tar.gz`,
		Args:          cobra.MinimumNArgs(1),
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return refuse("--format %q: want text or json", format)
			}
			opts := analyze.Options{}
			if timezone != "" {
				l, err := loadZone(timezone)
				if err != nil {
					return refuse("--timezone %q: %v", timezone, err)
				}
				opts.Timezone = l
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			files, err := analyze.Templates(ctx, args, opts)
			if err != nil {
				return inputRefusal(err)
			}
			w := bufio.NewWriter(e.stdout)
			if format == "json" {
				if files == nil {
					files = []analyze.TemplateFile{}
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{"files": files}); err != nil {
					return refuse("writing: %v", err)
				}
			} else {
				writeTemplates(w, files)
			}
			if err := w.Flush(); err != nil {
				return refuse("writing: %v", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "`FORMAT`: text or json")
	f.StringVar(&timezone, "timezone", "", "time `ZONE` of raw logs")
	return cmd
}

func inputRefusal(err error) error {
	var ie *input.Error
	if errors.As(err, &ie) {
		return refuse("%s: %s", ie.Path, ie.Reason)
	}
	return refuse("%v", err)
}

func writeTemplates(w *bufio.Writer, files []analyze.TemplateFile) {
	for _, f := range files {
		fmt.Fprintf(w, "%s  %s  %d lines, %d templates", report.CleanLine(f.Input), report.CleanLine(f.Path), f.Lines, len(f.Templates))
		if f.Dropped > 0 {
			fmt.Fprintf(w, ", %d lines beyond the cap of templates", f.Dropped)
		}
		fmt.Fprintln(w)
		for _, t := range f.Templates {
			when := ""
			if t.First != nil {
				when = "  " + t.First.Format("2006-01-02 15:04:05Z")
				if !t.Last.Equal(*t.First) {
					when += " – " + t.Last.Format("2006-01-02 15:04:05Z")
				}
			}
			fmt.Fprintf(w, "  %-10s %6d  %s%s\n", t.ID, t.Count, report.CleanLine(t.Template), when)
			fmt.Fprintf(w, "  %-10s %6s  lines %s\n", "", "", lineList(t.Lines))
		}
	}
}

// lineList shows line numbers, the first ones only when there are many.
func lineList(ls []int) string {
	var parts []string
	for i, l := range ls {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("… %d more", len(ls)-10))
			break
		}
		parts = append(parts, fmt.Sprint(l))
	}
	return strings.Join(parts, ", ")
}

// draftRule is --draft-rule TEMPLATE_ID INPUT...
func (e *env) draftRule(o *options, args []string) error {
	if len(args) == 0 {
		return refuse("--draft-rule %s: name the inputs the template is in", o.draftRule)
	}
	opts := analyze.Options{}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	text, err := analyze.DraftRule(ctx, o.draftRule, args, opts)
	if err != nil {
		var ie *input.Error
		if errors.As(err, &ie) {
			return inputRefusal(err)
		}
		return refuse("--draft-rule %v", err)
	}
	_, err = fmt.Fprint(e.stdout, report.CleanText(text))
	return err
}
