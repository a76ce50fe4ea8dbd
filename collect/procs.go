package collect

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// process is one entry of the host's process list.
type process struct {
	PID, PPID int
	UID       int // -1 when unknown
	User      string
	State     string
	Comm      string
	Cmdline   string // full command line, arguments joined by spaces

	hasStat    bool
	Priority   int
	Nice       int
	VSize      int64 // bytes
	StartTicks uint64
	CPUTicks   uint64 // utime + stime
	TTY        int
	Flags      uint64
}

// procList is the process list and where it came from.
type procList struct {
	list   []process
	source string // "/proc", or the ps command that ran
	err    error
}

// processList reads the process list once per collection: from the
// root's /proc when it has one, else from the ps command (a fake host
// supplies its own), else (Windows) from tasklist.
func (c *collector) processList(ctx context.Context) *procList {
	if c.procs != nil {
		return c.procs
	}
	c.procs = &procList{}
	if list := c.readProcDir(); len(list) > 0 {
		c.procs.list, c.procs.source = list, "/proc"
		return c.procs
	}
	argv := []string{"ps", "-elf"}
	if runtime.GOOS == "windows" {
		argv = []string{"tasklist", "/v", "/fo", "csv"}
	}
	bin, err := c.lookPath(argv[0])
	if err != nil {
		c.procs.err = fmt.Errorf("no /proc under the root and %s: %w", argv[0], err)
		return c.procs
	}
	r := c.run(ctx, bin, argv, c.opts.CommandTimeout, 16<<20, false)
	defer r.close()
	if r.err != nil {
		c.procs.err = fmt.Errorf("%s: %w", quoteArgs(argv), r.err)
		return c.procs
	}
	rd, _, err := r.stdout.Reader()
	if err != nil {
		c.procs.err = err
		return c.procs
	}
	var out bytes.Buffer
	out.ReadFrom(rd)
	c.procs.source = bin.shown + " " + strings.Join(argv[1:], " ")
	if runtime.GOOS == "windows" {
		c.procs.list = parseTasklist(out.String())
	} else {
		c.procs.list = parsePS(out.String())
	}
	return c.procs
}

var numeric = regexp.MustCompile(`^[0-9]+$`)

// readProcDir reads /proc/<pid>/{stat,status,cmdline,comm} under the root.
func (c *collector) readProcDir() []process {
	var out []process
	users := c.passwdNames("passwd")
	for _, e := range c.fs.readDir("/proc") {
		if !numeric.MatchString(e.Name()) {
			continue
		}
		pid, _ := strconv.Atoi(e.Name())
		dir := "/proc/" + e.Name()
		p := process{PID: pid, UID: -1}
		if b, err := c.fs.readSmall(dir+"/cmdline", 1<<20); err == nil {
			p.Cmdline = strings.TrimSpace(strings.Join(strings.FieldsFunc(string(b), func(r rune) bool { return r == 0 }), " "))
		}
		if b, err := c.fs.readSmall(dir+"/comm", 4096); err == nil {
			p.Comm = strings.TrimSpace(string(b))
		}
		if b, err := c.fs.readSmall(dir+"/stat", 4096); err == nil {
			parseStat(string(b), &p)
		}
		if b, err := c.fs.readSmall(dir+"/status", 64<<10); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				k, v, _ := strings.Cut(l, ":")
				f := strings.Fields(v)
				switch {
				case k == "Uid" && len(f) > 0:
					p.UID, _ = strconv.Atoi(f[0])
				case k == "PPid" && len(f) > 0 && p.PPID == 0:
					p.PPID, _ = strconv.Atoi(f[0])
				case k == "Name" && len(f) > 0 && p.Comm == "":
					p.Comm = f[0]
				case k == "State" && len(f) > 0 && p.State == "":
					p.State = f[0]
				}
			}
		}
		if p.Cmdline == "" && p.Comm == "" {
			continue // gone while reading, or unreadable
		}
		if p.UID >= 0 {
			if n, ok := users[p.UID]; ok {
				p.User = n
			} else {
				p.User = strconv.Itoa(p.UID)
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// parseStat reads /proc/<pid>/stat: "pid (comm) S ppid ...".
func parseStat(s string, p *process) {
	open, closeP := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || closeP < open {
		return
	}
	if p.Comm == "" {
		p.Comm = s[open+1 : closeP]
	}
	f := strings.Fields(s[closeP+1:])
	// f[0]=state f[1]=ppid f[4]=tty_nr f[6]=flags f[11]=utime f[12]=stime
	// f[15]=priority f[16]=nice f[19]=starttime f[20]=vsize
	if len(f) < 21 {
		if len(f) >= 2 {
			p.State = f[0]
			p.PPID, _ = strconv.Atoi(f[1])
		}
		return
	}
	p.hasStat = true
	p.State = f[0]
	p.PPID, _ = strconv.Atoi(f[1])
	p.TTY, _ = strconv.Atoi(f[4])
	p.Flags, _ = strconv.ParseUint(f[6], 10, 64)
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	p.CPUTicks = ut + st
	p.Priority, _ = strconv.Atoi(f[15])
	p.Nice, _ = strconv.Atoi(f[16])
	p.StartTicks, _ = strconv.ParseUint(f[19], 10, 64)
	p.VSize, _ = strconv.ParseInt(f[20], 10, 64)
}

var timeLike = regexp.MustCompile(`^(\d+-)?\d+(:\d\d)+$`)

// parsePS reads ps output whose header names the columns and whose last
// column is the command (ps -ef, ps -elf, ps aux, AIX and Solaris too).
func parsePS(out string) []process {
	lines := strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	if len(lines) == 0 {
		return nil
	}
	header := strings.Fields(lines[0])
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToUpper(h)] = i
	}
	cmdIdx := len(header) - 1
	if cmdIdx < 0 {
		return nil
	}
	pidIdx, ok := col["PID"]
	if !ok {
		return nil
	}
	ppidIdx, hasPPID := col["PPID"]
	userIdx, hasUser := col["UID"]
	if !hasUser {
		userIdx, hasUser = col["USER"]
	}
	var list []process
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		starts := fieldStarts(l)
		if len(starts) <= cmdIdx {
			continue
		}
		f := strings.Fields(l)
		idx := cmdIdx
		// A start time written as two words ("Oct 13") shifts the rest:
		// the command then seems to start at the TIME column.
		for idx+1 < len(f) && timeLike.MatchString(f[idx]) {
			idx++
		}
		p := process{UID: -1}
		p.PID, _ = strconv.Atoi(f[pidIdx])
		if hasPPID && ppidIdx < len(f) {
			p.PPID, _ = strconv.Atoi(f[ppidIdx])
		}
		if hasUser && userIdx < len(f) {
			p.User = f[userIdx]
		}
		p.Cmdline = strings.TrimSpace(l[starts[idx]:])
		if fs := strings.Fields(p.Cmdline); len(fs) > 0 {
			p.Comm = baseName(strings.Trim(fs[0], "[]"))
		}
		list = append(list, p)
	}
	return list
}

// fieldStarts returns the offsets where whitespace-separated fields start.
func fieldStarts(l string) []int {
	var out []int
	in := false
	for i := 0; i < len(l); i++ {
		sp := l[i] == ' ' || l[i] == '\t'
		if !sp && !in {
			out = append(out, i)
		}
		in = !sp
	}
	return out
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// parseTasklist reads `tasklist /v /fo csv`.
func parseTasklist(out string) []process {
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 2 {
		return nil
	}
	var list []process
	for _, r := range rows[1:] {
		if len(r) < 2 {
			continue
		}
		p := process{UID: -1, Comm: r[0], Cmdline: r[0]}
		p.PID, _ = strconv.Atoi(r[1])
		if len(r) > 6 {
			p.User = r[6]
		}
		list = append(list, p)
	}
	return list
}
