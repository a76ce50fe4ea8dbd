package collect

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"

	"casefile/bundle"
	"casefile/profiles"
	"casefile/redact"
)

// planned is one collect item with its variables resolved.
type planned struct {
	id      string
	host    bool // from profiles/_host.yaml
	item    profiles.CollectItem
	kind    string
	files   []string
	list    []string
	argvs   [][]string // command, or the alternatives of commands
	shell   string
	builtin string
	args    map[string]string
	timeout time.Duration
	maxSize int64
	skip    string // why the item is not collected (its when is false)
	// notHere: its when is false, so the item is not for this host
	// (recorded as optional; a when that fails is not).
	notHere bool
	// emptyVars: the item uses a variable without a value; a skipped
	// item then shows its source unresolved ({sms_cli} get HA).
	emptyVars bool
}

// rawArgv0 is the program of alternative i as the profile writes it
// (with its {variables}).
func (p *planned) rawArgv0(i int) string {
	if len(p.item.Command) > 0 {
		return p.item.Command[0]
	}
	if i < len(p.item.Commands) && len(p.item.Commands[i]) > 0 {
		return p.item.Commands[i][0]
	}
	return ""
}

// forOS reports whether an item's os list includes the running OS.
func forOS(list []string) bool {
	if len(list) == 0 {
		return true
	}
	for _, o := range list {
		if o == currentOS() {
			return true
		}
	}
	return false
}

// expand replaces {name} with variable values.
func (c *collector) expand(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return varRef.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := c.vars[m[1:len(m)-1]]; ok {
			return v.Value
		}
		return m
	})
}

func (c *collector) expandAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = c.expand(s)
	}
	return out
}

// plan resolves the profile's items for this OS, then the host items
// (whose ids a profile item may take over).
func (c *collector) plan(p, host *profiles.Profile) []*planned {
	var out []*planned
	ids := map[string]bool{}
	var only map[string]bool
	if r := c.opts.Request; r != nil {
		only = map[string]bool{}
		for _, id := range r.Items {
			only[id] = true
		}
	}
	add := func(items []profiles.CollectItem, isHost bool) {
		for _, it := range items {
			if !forOS(it.OS) {
				continue
			}
			// A follow-up collects the items its request names, and the
			// host items (host facts) always.
			if only != nil && !isHost && !only[it.ID] {
				continue
			}
			if ids[it.ID] {
				continue
			}
			ids[it.ID] = true
			out = append(out, c.planItem(it, isHost))
		}
	}
	add(p.Collect, false)
	if host != nil && host.Name != p.Name {
		add(host.Collect, true)
	}
	return out
}

func (c *collector) planItem(it profiles.CollectItem, isHost bool) *planned {
	p := &planned{id: it.ID, host: isHost, item: it, timeout: c.opts.CommandTimeout, maxSize: c.opts.MaxFileSize}
	if it.Timeout.Duration > 0 {
		p.timeout = it.Timeout.Duration
	}
	if it.MaxSize.Bytes > 0 {
		p.maxSize = it.MaxSize.Bytes
	}
	switch {
	case len(it.Files) > 0:
		p.files = c.expandAll(it.Files)
		p.kind = bundle.KindFile
		if len(p.files) > 1 {
			p.kind = bundle.KindGlob
		}
		for _, f := range p.files {
			if hasMeta(f) {
				p.kind = bundle.KindGlob
			}
		}
	case len(it.List) > 0:
		p.kind = bundle.KindList
		p.list = c.expandAll(it.List)
	case len(it.Command) > 0:
		p.kind = bundle.KindCommand
		p.argvs = [][]string{c.expandAll(it.Command)}
	case len(it.Commands) > 0:
		p.kind = bundle.KindCommand
		for _, a := range it.Commands {
			p.argvs = append(p.argvs, c.expandAll(a))
		}
	case it.Shell != "":
		p.kind = bundle.KindCommand
		var err error
		if p.shell, err = c.expandShell(it.Shell); err != nil {
			p.skip = err.Error()
		}
	case it.Builtin != "":
		p.kind = bundle.KindBuiltin
		p.builtin = it.Builtin
		p.args = map[string]string{}
		for k, v := range it.Args {
			p.args[k] = c.expand(v)
		}
	}
	if it.When.IsSet() {
		p.emptyVars = c.usesEmptyVar(it)
		ok, err := c.evalWhen(it.When)
		switch {
		case err != nil:
			p.skip = fmt.Sprintf("when %q: %v", it.When.Src, err)
		case !ok:
			p.skip = fmt.Sprintf("when %q is false", it.When.Src)
			p.notHere = true
		}
	}
	return p
}

// evalWhen evaluates an item's condition over the variables, os and
// exists(path).
// It runs on the analyzer's evaluator, with the same budget, and is
// judged as analyze judges a condition (profiles.Truth: a variable's text
// holds when it is not empty).
func (c *collector) evalWhen(e profiles.Expr) (bool, error) {
	vars := map[string]string{}
	for k, v := range c.vars {
		vars[k] = v.Value
	}
	env := profiles.CollectEnv(vars, currentOS(), func(p string) bool { return c.fs.exists(c.expand(p)) })
	return profiles.Truth(&e, env)
}

// usesEmptyVar reports whether an item refers to a variable that has no
// value (unset, or set to "").
func (c *collector) usesEmptyVar(it profiles.CollectItem) bool {
	for _, s := range it.Texts() {
		for _, m := range varRef.FindAllStringSubmatch(s, -1) {
			if c.vars[m[1]].Value == "" {
				return true
			}
		}
	}
	return false
}

// skippedSource is the source of an item skipped by its when: resolved
// when its variables have values, else as the profile writes it, so that
// "{sms_cli} get HA" does not show with an empty first word.
func (c *collector) skippedSource(p *planned) string {
	if !p.emptyVars {
		return c.source(p)
	}
	it := p.item
	raw := &planned{id: p.id, files: it.Files, list: it.List, shell: it.Shell, builtin: it.Builtin, args: it.Args}
	if len(it.Command) > 0 {
		raw.argvs = [][]string{it.Command}
	}
	raw.argvs = append(raw.argvs, it.Commands...)
	return c.source(raw)
}

// source is an item's source for the manifest: its paths, directories or
// command line, redacted.
func (c *collector) source(p *planned) string {
	var s string
	switch {
	case p.files != nil:
		s = strings.Join(p.files, " ")
	case p.list != nil:
		s = strings.Join(p.list, " ")
	case p.shell != "":
		s = p.shell
	case p.builtin != "":
		s = "builtin " + p.builtin
		keys := make([]string, 0, len(p.args))
		for k := range p.args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s += " " + k + "=" + shellQuote(p.args[k])
		}
	case len(p.argvs) > 0:
		s = quoteArgs(p.argvs[0])
	}
	return c.redactString(s, redact.Target{Command: p.id}, 0)
}

// printPlan writes the dry-run plan: variables with their sources, then
// each item with what it would read or run.
func (c *collector) printPlan(ctx context.Context, plan []*planned, name string) {
	w := c.out
	p := c.opts.Profile
	src := "built-in"
	if !p.Builtin {
		src = p.File
	}
	fmt.Fprintf(w, "plan for profile %s %s (%s, %s)\n", p.Name, p.Version, p.Title, src)
	fmt.Fprintf(w, "host: %s (%s, %s, kernel %s), root %s\n", orUnknown(c.host.Hostname), c.host.OS, orUnknown(c.host.OSRelease), orUnknown(c.host.Kernel), c.fs.root)
	fmt.Fprintf(w, "bundle: %s.tar.gz (dry run: nothing is written)\n", name)
	fmt.Fprintf(w, "limits: max file size %s, command timeout %s", HumanSize(c.opts.MaxFileSize), c.opts.CommandTimeout)
	if c.opts.MaxTime > 0 {
		fmt.Fprintf(w, ", commands within %s", c.opts.MaxTime)
	}
	if !c.opts.Since.IsZero() {
		fmt.Fprintf(w, ", rotations since %s", c.opts.Since.Format(time.RFC3339))
	}
	fmt.Fprintf(w, ", redaction %s", map[bool]string{true: "off", false: "on"}[c.opts.NoRedact])
	if c.pseudo != nil {
		fmt.Fprintf(w, ", pseudonyms with key %s", c.pseudo.Mapper().KeyID())
	}
	fmt.Fprintln(w)
	if len(c.vars) > 0 {
		fmt.Fprintf(w, "variables:\n")
		names := make([]string, 0, len(c.vars))
		for k := range c.vars {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			v := c.vars[k]
			fmt.Fprintf(w, "  %-16s = %-40s (%s)\n", k, c.redactString(k+" = "+v.Value, redact.Target{}, len(k)+3), v.Source)
			if v.Note != "" {
				fmt.Fprintf(w, "  %-16s   %s\n", "", v.Note)
			}
		}
	}
	fmt.Fprintf(w, "items:\n")
	for _, it := range plan {
		origin := ""
		if it.host {
			origin = " [host]"
		}
		fmt.Fprintf(w, "  %s (%s)%s\n", it.id, it.kind, origin)
		if it.skip != "" {
			fmt.Fprintf(w, "      skipped: %s\n", it.skip)
			continue
		}
		switch {
		case it.files != nil:
			for _, f := range it.files {
				c.planFiles(w, f)
			}
		case it.list != nil:
			for _, d := range it.list {
				state := "exists"
				if !c.fs.exists(d) {
					state = "not found"
				}
				fmt.Fprintf(w, "      list %s (%s)\n", d, state)
			}
		case it.shell != "":
			sh := shellArgv("")
			if _, err := c.shellBinary(sh[0]); err != nil {
				fmt.Fprintf(w, "      shell: %s  [%s]\n", c.redactString(it.shell, redact.Target{Command: it.id}, 0), err)
				continue
			}
			fmt.Fprintf(w, "      shell: %s %s %s  (timeout %s)\n", sh[0], sh[1], c.redactString(it.shell, redact.Target{Command: it.id}, 0), it.timeout)
		case it.builtin != "":
			fmt.Fprintf(w, "      %s -> %s\n", c.source(it), bundle.CommandMember(it.id, false))
		default:
			for i, argv := range it.argvs {
				lead := "run"
				if i > 0 {
					lead = "else"
				}
				bin, err := c.lookPath(argv[0])
				if err == nil {
					err = c.untrustedVarIn(it.rawArgv0(i))
				}
				where := bin.shown
				switch {
				case err == nil:
				case lookupErrorKind(err) == bundle.ErrForbidden:
					where = notRunText(err, argv)
				case errors.Is(err, errNoRootExec):
					where = err.Error()
				default:
					where = "not found"
				}
				fmt.Fprintf(w, "      %s: %s  [%s] (timeout %s)\n", lead, c.redactString(quoteArgs(argv), redact.Target{Command: it.id}, 0), where, it.timeout)
			}
		}
	}
	_ = ctx
}

func (c *collector) planFiles(w interface{ Write([]byte) (int, error) }, pat string) {
	if !hasMeta(pat) {
		if fi, err := c.statHost(pat); err == nil {
			fmt.Fprintf(w, "      file %s (%s)\n", pat, HumanSize(fi.Size()))
		} else {
			fmt.Fprintf(w, "      file %s (%s)\n", pat, errorText(err))
		}
		return
	}
	matches, err := c.fs.glob(pat)
	if err != nil {
		fmt.Fprintf(w, "      glob %s (%v)\n", pat, err)
		return
	}
	fmt.Fprintf(w, "      glob %s (%d match(es))\n", pat, len(matches))
	for i, m := range matches {
		if i == 20 {
			fmt.Fprintf(w, "        ... %d more\n", len(matches)-20)
			break
		}
		if fi, err := c.statHost(m); err == nil {
			fmt.Fprintf(w, "        %s (%s)\n", m, HumanSize(fi.Size()))
		} else {
			fmt.Fprintf(w, "        %s (%s)\n", m, errorText(err))
		}
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// shellArgv is the shell that runs shell items.
func shellArgv(script string) []string {
	if runtime.GOOS == "windows" {
		return []string{"cmd", "/c", script}
	}
	return []string{"/bin/sh", "-c", script}
}
